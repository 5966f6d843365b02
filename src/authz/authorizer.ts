import type { Caller, OperationContext } from '../call-context.js'
import { LanyardError } from '../errors.js'
import { isoSeconds } from '../iso-time.js'
import { deferredRequestContext } from '../policy/context.js'
import {
  type CompiledPolicy,
  compilePolicy,
  createRequestContext,
  type Decision,
  evaluatePolicies,
  type PolicySet,
  type RequestContext,
} from '../policy/index.js'
import type { RoleRecord, Store } from '../store/ports.js'
import { globalConditionKeys } from './global-keys.js'
import type { PolicyCache } from './policy-cache.js'

/** The account root may do everything, as in AWS: its identity is this one policy. */
const ROOT_POLICY = compilePolicy(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  { kind: 'identity', label: 'root' },
)

/** A policy that allows nothing (`NotAction: *` matches no action), for policies that are gone. */
const allowNothing = (label: string) =>
  compilePolicy(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: '*', Resource: '*' }] },
    { kind: 'identity', label },
  )

export interface AuthorizerDeps {
  store: Store
  policies: PolicyCache
}

export interface AuthzResult {
  decision: Decision
}

/** A refused call: AWS's message on the wire, the decision for the audit trail. */
export class AccessDeniedError extends LanyardError {
  readonly decision: Decision
  constructor(message: string, decision: Decision) {
    super('access.denied', message)
    this.name = 'AccessDeniedError'
    this.decision = decision
  }
}

const source = (label: string) => label.slice(0, label.indexOf(':'))

/** AWS's access-denied message, naming which kind of policy refused (or failed to allow). */
export function accessDeniedMessage(
  caller: Caller,
  action: string,
  resource: string,
  decision: Decision,
): string {
  const head = `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource}`
  if (decision.decision === 'explicitDeny') {
    const from = source(decision.matchedStatements[0]?.policy ?? 'identity:')
    const kind =
      from === 'session'
        ? 'a session policy'
        : from === 'boundary'
          ? 'a permissions boundary'
          : 'an identity-based policy'
    return `${head} with an explicit deny in ${kind}`
  }
  const missing =
    decision.reason === 'boundaryImplicitDeny'
      ? 'permissions boundary'
      : decision.reason === 'sessionPolicyImplicitDeny'
        ? 'session policy'
        : 'identity-based policy'
  return `${head} because no ${missing} allows the ${action} action`
}

/** Authorizes signed calls with the caller's identity policies ∩ boundary ∩ session policies. */
export function createAuthorizer(deps: AuthorizerDeps) {
  /** The role behind a session caller, read once per authorization. */
  const sessionRole = async (caller: Caller): Promise<RoleRecord | undefined> =>
    caller.session ? deps.store.roles.getById(caller.session.roleId) : undefined

  const policiesOf = async (
    caller: Caller,
    role: RoleRecord | undefined,
  ): Promise<Omit<PolicySet, 'resource'>> => {
    if (caller.kind === 'root') return { identity: [ROOT_POLICY] }
    const session = caller.session
    if (!session) return { identity: [] }
    // A deleted role leaves its sessions with no permissions at all.
    if (!role) return { identity: [] }
    const identity: CompiledPolicy[] = []
    for (const p of await deps.store.rolePolicies.list(role.roleName)) {
      identity.push(deps.policies.get(p.document, 'identity', `identity:inline:${p.policyName}`))
    }
    for (const arn of await deps.store.attachments.listForRole(role.roleName)) {
      const doc = await defaultVersion(arn)
      if (doc !== undefined) identity.push(deps.policies.get(doc, 'identity', `identity:${arn}`))
    }
    const set: {
      identity: CompiledPolicy[]
      boundary?: CompiledPolicy
      session?: CompiledPolicy[]
    } = { identity }
    if (role.permissionsBoundaryArn !== undefined) {
      const doc = await defaultVersion(role.permissionsBoundaryArn)
      set.boundary =
        doc === undefined
          ? allowNothing('boundary:missing')
          : deps.policies.get(doc, 'boundary', `boundary:${role.permissionsBoundaryArn}`)
    }
    const sessionPolicies: CompiledPolicy[] = []
    if (session.policy !== undefined)
      sessionPolicies.push(deps.policies.get(session.policy, 'session', 'session:inline'))
    for (const arn of session.policyArns ?? []) {
      const doc = await defaultVersion(arn)
      // A session policy that no longer exists allows nothing, so the session keeps no rights it had through it.
      sessionPolicies.push(
        doc === undefined
          ? allowNothing(`session:${arn}`)
          : deps.policies.get(doc, 'session', `session:${arn}`),
      )
    }
    if (sessionPolicies.length > 0) set.session = sessionPolicies
    return set
  }

  const defaultVersion = async (arn: string): Promise<string | undefined> => {
    const p = await deps.store.managedPolicies.get(arn)
    if (!p) return undefined
    return (await deps.store.managedPolicies.getVersion(arn, p.defaultVersionId))?.document
  }

  // What a session needs on every call — its policy set and its principal condition keys — kept
  // with the session object while its role record is the same object. Never stale: the store
  // cache hands out a new role record after any write to IAM data (a role, its tags, its inline or
  // attached policies, a managed policy version) by this process or another, and a store without
  // a cache hands out a new one on every read. Opened sessions are the same object call after call.
  interface Kept {
    role: RoleRecord | undefined
    set?: Omit<PolicySet, 'resource'>
    keys?: RequestContext
  }
  const kept = new WeakMap<object, Kept>()
  const keptFor = (session: object, role: RoleRecord | undefined): Kept => {
    let k = kept.get(session)
    if (k === undefined || k.role !== role) {
      k = { role }
      kept.set(session, k)
    }
    return k
  }

  const sessionPolicies = async (
    caller: Caller,
    role: RoleRecord | undefined,
  ): Promise<Omit<PolicySet, 'resource'>> => {
    const s = caller.session
    if (s === undefined || role === undefined) return policiesOf(caller, role)
    const k = keptFor(s, role)
    k.set ??= await policiesOf(caller, role)
    return k.set
  }

  /** The session's kept policy set for this role record, if it has one (no await on a hit). */
  const keptSet = (
    caller: Caller,
    role: RoleRecord | undefined,
  ): Omit<PolicySet, 'resource'> | undefined => {
    const s = caller.session
    return s === undefined || role === undefined ? undefined : keptFor(s, role).set
  }

  /**
   * What a call signed by `caller` is decided with, from one read of its role: its policies
   * (identity, boundary, session) and the call's request context (reference_policies_condition-
   * keys: the global keys, the principal's keys and `extra`).
   */
  const callerView = async (
    caller: Caller,
    ctx: OperationContext,
    extra: Record<string, string | string[]>,
  ): Promise<{ policies: Omit<PolicySet, 'resource'>; context: RequestContext }> => {
    const role = await sessionRole(caller)
    return {
      policies: await policiesOf(caller, role),
      context: contextOf(caller, ctx, extra, role),
    }
  }

  /** The principal's condition keys, the shared base of each call's context (kept per session). */
  const principalKeys = (caller: Caller, role: RoleRecord | undefined): RequestContext => {
    const s = caller.session
    const k = s === undefined ? undefined : keptFor(s, role)
    if (k?.keys !== undefined) return k.keys
    const values: Record<string, string | undefined> = {
      'aws:PrincipalAccount': caller.accountId,
      'aws:userid': caller.userId,
      'aws:ViaAWSService': 'false',
      'aws:PrincipalType': caller.kind === 'root' ? 'Account' : 'AssumedRole',
      'aws:PrincipalArn': s ? s.roleArn : caller.arn,
    }
    if (s) {
      values['aws:TokenIssueTime'] = isoSeconds(s.issuedAt * 1000)
      // Present with temporary credentials only, true only when MFA authenticated the session;
      // Lanyard has no MFA devices (sts/mfa.ts).
      values['aws:MultiFactorAuthPresent'] = 'false'
      if (s.sourceIdentity !== undefined) values['aws:SourceIdentity'] = s.sourceIdentity
      if (s.webIdentity) values['aws:FederatedProvider'] = s.webIdentity.provider
      // Principal tags: the role's tags, overridden by the session's (id_session-tags).
      const tags: Record<string, string> = {}
      for (const t of role?.tags ?? []) tags[t.key] = t.value
      for (const [k, v] of Object.entries(s.tags ?? {})) {
        for (const existing of Object.keys(tags))
          if (existing.toLowerCase() === k.toLowerCase()) delete tags[existing]
        tags[k] = v
      }
      for (const [k, v] of Object.entries(tags)) values[`aws:PrincipalTag/${k}`] = v
    }
    const keys = createRequestContext(values)
    if (k !== undefined) k.keys = keys
    return keys
  }

  /**
   * The request context of a signed call (reference_policies_condition-keys, global keys), built
   * only if a condition reads it: from `ctx`, fixed when the request arrived, and `extra`, read
   * while the call is decided.
   */
  const contextOf = (
    caller: Caller,
    ctx: OperationContext,
    extra: Record<string, string | string[]> | undefined,
    role: RoleRecord | undefined,
  ) =>
    deferredRequestContext(
      () => Object.assign(globalConditionKeys(ctx), extra),
      principalKeys(caller, role),
    )

  return {
    callerView,
    /** Decides; throws AccessDeniedError with AWS's message when refused. */
    async authorize(
      caller: Caller,
      action: string,
      resource: string,
      ctx: OperationContext,
      extra?: Record<string, string | string[]>,
    ): Promise<Decision> {
      // One read of the role serves both the policies and the principal tags.
      const role = await sessionRole(caller)
      const set = keptSet(caller, role) ?? (await sessionPolicies(caller, role))
      const request = {
        principal: { arn: caller.arn, account: caller.accountId, userId: caller.userId },
        action,
        resource,
        context: contextOf(caller, ctx, extra, role),
      }
      const fast = evaluatePolicies(request, set)
      if (fast.decision === 'allowed') return fast
      const decision = evaluatePolicies(request, set, { trace: true })
      throw new AccessDeniedError(accessDeniedMessage(caller, action, resource, decision), decision)
    },
  }
}

export type Authorizer = ReturnType<typeof createAuthorizer>
