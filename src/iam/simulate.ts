import {
  type CompiledPolicy,
  type Decision,
  evaluatePolicies,
  type PolicySet,
  type RequestContext,
  type RequestPrincipal,
  type StatementRef,
  type TraceEntry,
} from '../policy/index.js'
import { type StatementSpan, statementSpans } from './statement-positions.js'
import type {
  EvaluationResult,
  PermissionsBoundaryDecisionDetail,
  SimulatedStatement,
  SimulationDecision,
} from './types.js'

/**
 * `SourcePolicyType` as IAM's simulator answers it. The model's enum (`user`, `role`,
 * `aws-managed`, …) is not what the service sends: identity policies come back as `IAM Policy`
 * and a `ResourcePolicy` as `Resource Policy` (responses quoted in public code and posts);
 * `Permissions Boundary Policy` for a boundary is seen once (UNCONFIRMED). SDKs do not check
 * enums on the way in.
 */
export const SOURCE_POLICY_TYPES = {
  identity: 'IAM Policy',
  boundary: 'Permissions Boundary Policy',
  resource: 'Resource Policy',
} as const

/** A policy taking part in a simulation. */
export interface SimulationPolicy {
  /** `SourcePolicyId`: the policy's name, `PolicyInputList.N`, `ResourcePolicy`, … */
  readonly id: string
  /** The document as given: statement positions are read from it. */
  readonly text: string
  /** Compiled from `text`; its label must be unique within the simulation. */
  readonly policy: CompiledPolicy
}

/** Everything a simulation evaluates against, except the action and the resource. */
export interface SimulationSubject {
  readonly identity: readonly SimulationPolicy[]
  readonly boundary?: SimulationPolicy | undefined
  readonly resourcePolicy?: SimulationPolicy | undefined
  /** The simulated caller (`CallerArn`), the principal a resource policy is matched against. */
  readonly callerArn?: string | undefined
  /** The caller's account. */
  readonly callerAccount: string
  /** Owner of resources whose ARN names no account (`ResourceOwner`); default the caller's. */
  readonly resourceOwner?: string | undefined
  /** The condition keys given (`ContextEntries`); nothing else is filled in. */
  readonly context: RequestContext
}

/** `*` (or no resource listed): IAM's shape without `ResourceSpecificResults`. */
export const ANY_RESOURCE = '*'

const VARIABLE = /\$\{([^\s{},']+)(, '[^']*')?\}/g
const SPECIAL_CHARACTERS = new Set(['*', '?', '$'])

/**
 * The policy simulator's core (SimulatePrincipalPolicy, SimulateCustomPolicy): evaluates one
 * action on one resource with the engine that authorizes real calls and answers in IAM's
 * `EvaluationResult` terms. Pure: the policies come compiled, the context as given.
 *
 * - The decision is the engine's (reference_policies_evaluation-logic). When a resource policy
 *   is given and the resource's owner (its ARN's account, else `resourceOwner`, else the
 *   caller's) is not the caller's account, the request is cross-account: both an identity-side
 *   allow (within the boundary) and a resource-policy allow are needed
 *   (reference_policies_evaluation-logic-cross-account).
 * - `MatchedStatements`: the engine's deciding statements (the matching Denies for an explicit
 *   deny, the matching Allows otherwise), with positions as IAM reports them.
 * - `MissingContextValues`: condition keys and policy variables of the relevant statements
 *   (action and principal match; conditions count where the resource matches too) that the
 *   context lacks, as written in the policy, first spelling wins. A resource listed: in
 *   `ResourceSpecificResults`, and `[]` at the top ("If you include a list of resources, then
 *   any missing context values are instead included under the ResourceSpecificResults
 *   section").
 * - `EvalDecisionDetails`: "populated for only cross-account simulations. It contains a brief
 *   summary of how each policy type contributes to the final evaluation decision": there, the
 *   decision of the identity side (`IAM Policy`, within the boundary) and of the resource policy
 *   (`Resource Policy`), keyed by the `SourcePolicyType` names (UNCONFIRMED: AWS does not
 *   document its keys). "If the simulation evaluates policies within the same account and
 *   includes a resource ARN, then the parameter is present but the response is empty"; absent
 *   for `*` within one account.
 * - `PermissionsBoundaryDecisionDetail`: present when there is a boundary.
 */
export function createSimulation(subject: SimulationSubject) {
  const byLabel = new Map<string, { sim: SimulationPolicy; type: string }>()
  const add = (sim: SimulationPolicy, type: string) => {
    // INVARIANT: labels are unique within a simulation (the caller numbers them).
    if (byLabel.has(sim.policy.label)) throw new Error(`duplicate policy label ${sim.policy.label}`)
    byLabel.set(sim.policy.label, { sim, type })
  }
  for (const p of subject.identity) add(p, SOURCE_POLICY_TYPES.identity)
  if (subject.boundary) add(subject.boundary, SOURCE_POLICY_TYPES.boundary)
  if (subject.resourcePolicy) add(subject.resourcePolicy, SOURCE_POLICY_TYPES.resource)

  const spans = new Map<string, StatementSpan[]>()
  const spansOf = (label: string, text: string) => {
    let s = spans.get(label)
    if (s === undefined) {
      s = statementSpans(text)
      spans.set(label, s)
    }
    return s
  }
  const toStatement = (ref: StatementRef): SimulatedStatement | undefined => {
    const entry = byLabel.get(ref.policy)
    if (entry === undefined) return undefined
    const span = spansOf(ref.policy, entry.sim.text)[ref.index]
    if (span === undefined) return undefined
    return {
      sourcePolicyId: entry.sim.id,
      sourcePolicyType: entry.type,
      startPosition: span.start,
      endPosition: span.end,
    }
  }

  const identitySet: PolicySet = {
    identity: subject.identity.map((p) => p.policy),
    ...(subject.boundary && { boundary: subject.boundary.policy }),
  }
  const fullSet: PolicySet = subject.resourcePolicy
    ? { ...identitySet, resource: [subject.resourcePolicy.policy] }
    : identitySet
  const principal: RequestPrincipal | undefined =
    subject.callerArn === undefined
      ? undefined
      : { arn: subject.callerArn, account: subject.callerAccount }

  const decide = (action: string, resource: string) => {
    const request = {
      ...(principal && { principal }),
      action,
      resource,
      context: subject.context,
    }
    const decision = evaluatePolicies(request, fullSet, { trace: true })
    let kind: SimulationDecision = decision.decision
    let details: Record<string, SimulationDecision> | undefined
    if (subject.resourcePolicy && isCrossAccount(resource)) {
      // Evaluated in both accounts: the caller's identity side (within its boundary) and the
      // resource owner's resource policy must each allow; an explicit deny of either decides.
      const identity = evaluatePolicies(request, identitySet).decision
      const resourceSide = resourceDecisionOf(decision)
      details = {
        [SOURCE_POLICY_TYPES.identity]: identity,
        [SOURCE_POLICY_TYPES.resource]: resourceSide,
      }
      if (kind !== 'explicitDeny')
        kind = identity === 'allowed' && resourceSide === 'allowed' ? 'allowed' : 'implicitDeny'
    }
    return { kind, decision, details }
  }

  const isCrossAccount = (resource: string): boolean => {
    const account = resource.split(':')[4]
    const owner = account !== undefined && account !== '' ? account : subject.resourceOwner
    return owner !== undefined && owner !== subject.callerAccount
  }

  const matchedOf = (decision: Decision) =>
    decision.matchedStatements.flatMap((ref) => toStatement(ref) ?? [])

  const boundaryOf = (decision: Decision): PermissionsBoundaryDecisionDetail | undefined => {
    if (!subject.boundary) return undefined
    const entries = (decision.trace ?? []).filter((e) => e.source === 'boundary' && e.matched)
    return {
      allowedByPermissionsBoundary:
        entries.some((e) => e.effect === 'Allow') && !entries.some((e) => e.effect === 'Deny'),
    }
  }

  /** The resource policy's own decision: a matching Deny, else a matching Allow, else none. */
  const resourceDecisionOf = (decision: Decision): SimulationDecision => {
    const entries = (decision.trace ?? []).filter((e) => e.source === 'resource' && e.matched)
    if (entries.some((e) => e.effect === 'Deny')) return 'explicitDeny'
    return entries.some((e) => e.effect === 'Allow') ? 'allowed' : 'implicitDeny'
  }

  const missingOf = (decision: Decision): string[] => {
    const seen = new Set<string>()
    const out: string[] = []
    const need = (key: string) => {
      const lower = key.toLowerCase()
      if (seen.has(lower) || subject.context.get(key) !== undefined) return
      seen.add(lower)
      out.push(key)
    }
    const needVariables = (values: readonly string[]) => {
      for (const v of values) {
        for (const m of v.matchAll(VARIABLE)) {
          const key = m[1] as string
          // A variable with a default is never missing; ${*}, ${?}, ${$} are characters.
          if (m[2] === undefined && !SPECIAL_CHARACTERS.has(key)) need(key)
        }
      }
    }
    for (const e of decision.trace ?? []) {
      if (!e.action || !e.principal) continue
      const entry = byLabel.get(e.policy)
      // reference_policies_variables: variables exist only in `2012-10-17` documents.
      const variables = entry?.sim.policy.version === '2012-10-17'
      if (variables) needVariables(resourcesOf(entry?.sim.policy, e))
      if (!e.resource) continue
      for (const c of e.conditions) {
        if (!c.present) need(c.key)
        if (variables && c.resolvedValues?.includes(null)) needVariables(c.values)
      }
    }
    return out
  }

  return {
    /** The `EvaluationResult` of `action` on `resource` (`*` when no resource is listed). */
    evaluate(action: string, resource: string = ANY_RESOURCE): EvaluationResult {
      const { kind, decision, details } = decide(action, resource)
      const matchedStatements = matchedOf(decision)
      const missing = missingOf(decision)
      const boundary = boundaryOf(decision)
      const result: EvaluationResult = {
        evalActionName: action,
        evalResourceName: resource,
        evalDecision: kind,
        matchedStatements,
        missingContextValues: resource === ANY_RESOURCE ? missing : [],
        ...(boundary && { permissionsBoundaryDecisionDetail: boundary }),
      }
      if (resource === ANY_RESOURCE) {
        if (details !== undefined) result.evalDecisionDetails = details
        return result
      }
      result.evalDecisionDetails = details ?? {}
      result.resourceSpecificResults = [
        {
          evalResourceName: resource,
          evalResourceDecision: kind,
          matchedStatements,
          missingContextValues: missing,
          ...(boundary && { permissionsBoundaryDecisionDetail: boundary }),
        },
      ]
      return result
    },
  }
}

/** `Resource`/`NotResource` values of the statement a trace entry is about. */
function resourcesOf(policy: CompiledPolicy | undefined, e: TraceEntry): string[] {
  if (policy === undefined) return []
  const raw = policy.document.Statement
  const statement = Array.isArray(raw) ? raw[e.index] : e.index === 0 ? raw : undefined
  const value = statement?.Resource ?? statement?.NotResource
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : [...value]
}
