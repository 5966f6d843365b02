import { LanyardError } from '../errors.js'
import { createRequestContext, type PolicyKind, parsePolicy } from '../policy/index.js'
import type { StoreTx } from '../store/ports.js'
import { assertModel, IAM_RULES, type ModelRule } from './constraints.js'
import type { IamContext } from './context.js'
import { IAM_MESSAGES } from './messages.js'
import { pageList } from './paging.js'
import { loadRole } from './roles.js'
import {
  ANY_RESOURCE,
  createSimulation,
  type SimulationPolicy,
  type SimulationSubject,
} from './simulate.js'
import type {
  ContextEntry,
  EvaluationResult,
  IamService,
  Paged,
  SimulateCustomPolicyInput,
  SimulatePrincipalPolicyInput,
} from './types.js'

/** `arn:aws:iam::<acct>:user|group|role[/path]/name`: the entities whose policies can be simulated. */
const ENTITY_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]+)$/
const USER_ARN = /^arn:aws:iam::(\d{12}):user\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]+$/
const ACCOUNT_ROOT_ARN = /^arn:aws:iam::(\d{12}):root$/
const ACCOUNT_ID = /^\d{12}$/

/** Numbers the compiled policies of one simulation (labels must be unique within it). */
function createPolicyReader() {
  let n = 0
  return (text: string, id: string, kind: PolicyKind): SimulationPolicy => {
    const parsed = parsePolicy(text, {
      kind,
      maxLength: Number.POSITIVE_INFINITY,
      label: `simulation:${++n}`,
    })
    if (!parsed.ok) {
      const first = parsed.issues[0]
      // UNCONFIRMED: the simulator's error for a bad input policy; InvalidInput is what the
      // model lists for these operations, the text is what IAM says when the policy is written.
      const message =
        first === undefined || first.code === 'json.invalid'
          ? IAM_MESSAGES.invalidJson
          : first.message
      throw new LanyardError('request.invalid', message)
    }
    return { id, text, policy: parsed.policy }
  }
}

/** The context the simulation sees: exactly the entries given (nothing is filled in). */
function contextOf(entries: readonly ContextEntry[] | undefined) {
  const record: Record<string, string | string[]> = {}
  for (const e of entries ?? []) {
    assertModel([['contextKeyName', e.key, IAM_RULES.contextKeyName]])
    const list = e.type?.endsWith('List') === true
    if (!list && e.values.length === 0) continue
    record[e.key] = !list && e.values.length === 1 ? (e.values[0] as string) : [...e.values]
  }
  return createRequestContext(record)
}

function checkCommon(input: SimulateCustomPolicyInput | SimulatePrincipalPolicyInput): void {
  const each = (member: string, values: readonly string[] | undefined, rule: ModelRule) =>
    (values ?? []).map((v): [string, string, ModelRule] => [member, v, rule])
  assertModel([
    ...each('actionNames', input.actionNames, IAM_RULES.actionName),
    ...each('resourceArns', input.resourceArns, IAM_RULES.resourceName),
    ...each('policyInputList', input.policyInputList, IAM_RULES.policyDocument),
    ...each(
      'permissionsBoundaryPolicyInputList',
      input.permissionsBoundaryPolicyInputList,
      IAM_RULES.policyDocument,
    ),
    ['resourcePolicy', input.resourcePolicy, IAM_RULES.policyDocument],
    ['resourceOwner', input.resourceOwner, IAM_RULES.resourceName],
    ['callerArn', input.callerArn, IAM_RULES.resourceName],
    ['resourceHandlingOption', input.resourceHandlingOption, IAM_RULES.resourceHandlingOption],
  ])
  if ((input.permissionsBoundaryPolicyInputList?.length ?? 0) > 1) {
    throw new LanyardError('request.invalid', IAM_MESSAGES.tooManyBoundaries)
  }
  // "You can specify only the ARN of an IAM user" (CallerArn).
  if (input.callerArn !== undefined && !USER_ARN.test(input.callerArn)) {
    throw new LanyardError('request.invalid', IAM_MESSAGES.invalidCaller)
  }
  // "CallerArn is required if you include a ResourcePolicy" (the Principal needs a value).
  if (input.resourcePolicy !== undefined && input.callerArn === undefined) {
    throw new LanyardError('request.invalid', IAM_MESSAGES.invalidCaller)
  }
}

/** `ResourceOwner`: an account id (SimulatePrincipalPolicy's doc) or `arn:aws:iam::<id>:root`. */
function ownerAccount(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (ACCOUNT_ID.test(value)) return value
  const m = ACCOUNT_ROOT_ARN.exec(value)
  if (!m) throw new LanyardError('request.invalid', IAM_MESSAGES.invalidResourceOwner(value))
  return m[1] as string
}

/** Evaluates the page of (action, resource) pairs asked for, action by action. */
function run(
  subject: SimulationSubject,
  input: SimulateCustomPolicyInput | SimulatePrincipalPolicyInput,
): Paged<EvaluationResult> {
  const resources =
    input.resourceArns === undefined || input.resourceArns.length === 0
      ? [ANY_RESOURCE]
      : input.resourceArns
  const pairs = input.actionNames.flatMap((action) =>
    resources.map((resource) => [action, resource] as const),
  )
  const page = pageList(pairs, input)
  const simulation = createSimulation(subject)
  return { ...page, items: page.items.map(([a, r]) => simulation.evaluate(a, r)) }
}

/** SimulatePrincipalPolicy and SimulateCustomPolicy. */
export function createSimulationOps(
  ctx: IamContext,
): Pick<IamService, 'simulatePrincipalPolicy' | 'simulateCustomPolicy'> {
  const { store } = ctx

  const defaultDocument = async (tx: StoreTx, arn: string) => {
    const policy = await tx.managedPolicies.get(arn)
    if (!policy) return undefined
    const version = await tx.managedPolicies.getVersion(arn, policy.defaultVersionId)
    return version && { name: policy.policyName, document: version.document }
  }

  return {
    async simulateCustomPolicy(input: SimulateCustomPolicyInput) {
      checkCommon(input)
      const read = createPolicyReader()
      const boundary = input.permissionsBoundaryPolicyInputList?.[0]
      const callerAccount = input.callerArn?.split(':')[4] ?? ctx.accountId
      const subject: SimulationSubject = {
        identity: input.policyInputList.map((text, i) =>
          read(text, `PolicyInputList.${i + 1}`, 'identity'),
        ),
        boundary:
          boundary === undefined
            ? undefined
            : read(boundary, 'PermissionsBoundaryPolicyInputList.1', 'boundary'),
        resourcePolicy:
          input.resourcePolicy === undefined
            ? undefined
            : read(input.resourcePolicy, 'ResourcePolicy', 'resource'),
        callerArn: input.callerArn,
        callerAccount,
        resourceOwner: ownerAccount(input.resourceOwner),
        context: contextOf(input.contextEntries),
      }
      return run(subject, input)
    },

    /**
     * The role's inline and attached policies (by name), its boundary (replaced by
     * `PermissionsBoundaryPolicyInputList` when given), plus `PolicyInputList`. Lanyard has
     * roles only: a user or group ARN is NoSuchEntity, anything else InvalidInput.
     */
    async simulatePrincipalPolicy(input: SimulatePrincipalPolicyInput) {
      assertModel([['policySourceArn', input.policySourceArn, IAM_RULES.arn]])
      checkCommon(input)
      const m = ENTITY_ARN.exec(input.policySourceArn)
      if (!m) {
        throw new LanyardError(
          'request.invalid',
          IAM_MESSAGES.invalidEntityArn(input.policySourceArn),
        )
      }
      const [, account, type, , name] = m as unknown as [string, string, string, string, string]
      if (account !== ctx.accountId) {
        throw new LanyardError(
          'request.invalid',
          IAM_MESSAGES.policySourceOtherAccount(ctx.accountId, account),
        )
      }
      if (type === 'user')
        throw new LanyardError('entity.not_found', IAM_MESSAGES.userNotFound(name))
      if (type === 'group') {
        throw new LanyardError('entity.not_found', IAM_MESSAGES.groupNotFound(name))
      }
      const read = createPolicyReader()
      const stored = await store.transaction(async (tx) => {
        const role = await loadRole(tx, name)
        const inline = await tx.rolePolicies.list(role.roleName)
        const attached = []
        for (const arn of await tx.attachments.listForRole(role.roleName)) {
          const doc = await defaultDocument(tx, arn)
          if (doc) attached.push(doc)
        }
        const boundary =
          role.permissionsBoundaryArn === undefined
            ? undefined
            : await defaultDocument(tx, role.permissionsBoundaryArn)
        return { inline, attached, boundary }
      })
      const given = input.permissionsBoundaryPolicyInputList?.[0]
      const subject: SimulationSubject = {
        identity: [
          ...stored.inline.map((p) => read(p.document, p.policyName, 'identity')),
          ...stored.attached.map((p) => read(p.document, p.name, 'identity')),
          ...(input.policyInputList ?? []).map((text, i) =>
            read(text, `PolicyInputList.${i + 1}`, 'identity'),
          ),
        ],
        boundary:
          given !== undefined
            ? read(given, 'PermissionsBoundaryPolicyInputList.1', 'boundary')
            : stored.boundary && read(stored.boundary.document, stored.boundary.name, 'boundary'),
        resourcePolicy:
          input.resourcePolicy === undefined
            ? undefined
            : read(input.resourcePolicy, 'ResourcePolicy', 'resource'),
        callerArn: input.callerArn,
        callerAccount: input.callerArn?.split(':')[4] ?? ctx.accountId,
        resourceOwner: ownerAccount(input.resourceOwner),
        context: contextOf(input.contextEntries),
      }
      return run(subject, input)
    },
  }
}
