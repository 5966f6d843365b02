import { lowerAction } from './action.js'
import type { CompiledPolicy } from './compile.js'
import {
  MATCH_NO_PRINCIPAL,
  NO_MATCH,
  RequestState,
  statementApplies,
  traceStatement,
} from './statement.js'
import type {
  AuthzRequest,
  Decision,
  DecisionReason,
  PolicySource,
  StatementRef,
  TraceEntry,
} from './types.js'

/** The policies that apply to one request (single account). */
export interface PolicySet {
  /** Identity-based policies of the principal (inline and managed). */
  readonly identity?: readonly CompiledPolicy[]
  /** Resource-based policies; a role's trust policy is one. */
  readonly resource?: readonly CompiledPolicy[]
  /** Permissions boundary; absent means no boundary. */
  readonly boundary?: CompiledPolicy
  /** Session policies; absent or empty means none were passed. */
  readonly session?: readonly CompiledPolicy[]
  /**
   * The caller is a role session (`principal.arn` is the session ARN). Resource policies that
   * name the session ARN grant directly; those that name the role ARN stay limited by the
   * boundary and session policies (reference_policies_evaluation-logic, step 4). The role is
   * taken from `principal.roleArn` or derived from the assumed-role ARN.
   */
  readonly sessionPrincipal?: boolean
}

/** Options of {@link evaluatePolicies}. */
export interface EvaluateOptions {
  /** Record, per policy per statement, why it did or did not match (slower). */
  readonly trace?: boolean
}

/** Accumulates what the statements said. */
interface Tally {
  deny: StatementRef[] | undefined
  allow: StatementRef[] | undefined
  identityAllow: boolean
  resourceDirect: boolean
  resourceRole: boolean
  resourceAccount: boolean
  boundaryAllow: boolean
  sessionAllow: boolean
  trace: TraceEntry[] | undefined
}

function scan(policy: CompiledPolicy, source: PolicySource, st: RequestState, t: Tally): void {
  const statements = policy.statements
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i] as (typeof statements)[number]
    let result: ReturnType<typeof statementApplies>
    if (t.trace === undefined) {
      result = statementApplies(s, st)
    } else {
      const traced = traceStatement(policy, s, st, source)
      t.trace.push(traced.entry)
      result = traced.result
    }
    if (result === NO_MATCH) continue
    if (s.deny) {
      t.deny ??= []
      t.deny.push(s.ref)
      continue
    }
    t.allow ??= []
    t.allow.push(s.ref)
    switch (source) {
      case 'identity':
        t.identityAllow = true
        break
      case 'boundary':
        t.boundaryAllow = true
        break
      case 'session':
        t.sessionAllow = true
        break
      default:
        if (result === 'role') t.resourceRole = true
        else if (result === 'account') t.resourceAccount = true
        // A statement without Principal in a resource policy cannot be written (validation);
        // if one is compiled anyway it grants nothing by itself.
        else if (result !== MATCH_NO_PRINCIPAL) t.resourceDirect = true
    }
  }
}

const EMPTY: readonly StatementRef[] = Object.freeze([])

/**
 * Decides a request as AWS does within one account (reference_policies_evaluation-logic):
 * 1. an explicit `Deny` in any policy wins;
 * 2. a resource-based `Allow` that names the caller directly (user, session, federated or
 *    service principal, `*`) allows, whatever the other policies say;
 * 3. one that names the caller's role allows if the boundary and the session policies (when
 *    present) allow too;
 * 4. otherwise an identity-based `Allow` is needed, plus the boundary and session policies
 *    (when present); an `Allow` in a trust policy that names only the account is a delegation,
 *    and role trust policies "must explicitly allow access", so with a trust policy present the
 *    identity `Allow` counts only together with such an account-level trust `Allow`;
 * 5. else implicit deny.
 * Never throws for a denial; the decision is a value.
 *
 * @example
 * const d = evaluatePolicies(
 *   { principal: { federated: providerArn }, action: 'sts:AssumeRoleWithWebIdentity',
 *     resource: roleArn, context: createRequestContext({ [`${host}:sub`]: sub }) },
 *   { resource: [trustPolicy] },
 * )
 * if (d.decision !== 'allowed') throw new LanyardError('trust.denied', '…')
 */
export function evaluatePolicies(
  request: AuthzRequest,
  policies: PolicySet,
  options?: EvaluateOptions,
): Decision {
  const st = new RequestState(request, lowerAction(request.action))
  const t: Tally = {
    deny: undefined,
    allow: undefined,
    identityAllow: false,
    resourceDirect: false,
    resourceRole: false,
    resourceAccount: false,
    boundaryAllow: false,
    sessionAllow: false,
    trace: options?.trace === true ? [] : undefined,
  }
  let trustPresent = false
  const identity = policies.identity
  if (identity !== undefined) for (const p of identity) scan(p, 'identity', st, t)
  const resource = policies.resource
  if (resource !== undefined) {
    for (const p of resource) {
      if (p.kind === 'trust') trustPresent = true
      scan(p, 'resource', st, t)
    }
  }
  const boundary = policies.boundary
  if (boundary !== undefined) scan(boundary, 'boundary', st, t)
  const session = policies.session
  const hasSession = session !== undefined && session.length > 0
  if (hasSession) for (const p of session) scan(p, 'session', st, t)

  let decision: Decision['decision']
  let reason: DecisionReason
  let matched: readonly StatementRef[]
  if (t.deny !== undefined) {
    decision = 'explicitDeny'
    reason = 'explicitDeny'
    matched = t.deny
  } else {
    const boundaryOk = boundary === undefined || t.boundaryAllow
    // "If a session policy is present and does not allow the requested action … Deny."
    const sessionOk = !hasSession || t.sessionAllow
    const identityOk = t.identityAllow && (!trustPresent || t.resourceAccount)
    matched = t.allow ?? EMPTY
    if (t.resourceDirect) {
      decision = 'allowed'
      reason = 'resourceAllow'
    } else if ((t.resourceRole || identityOk) && boundaryOk && sessionOk) {
      decision = 'allowed'
      reason = t.resourceRole ? 'resourceAllow' : 'identityAllow'
    } else {
      decision = 'implicitDeny'
      if ((t.resourceRole || identityOk) && !boundaryOk) reason = 'boundaryImplicitDeny'
      else if ((t.resourceRole || identityOk) && !sessionOk) reason = 'sessionPolicyImplicitDeny'
      else reason = 'noAllow'
    }
  }
  if (t.trace === undefined) return { decision, reason, matchedStatements: matched }
  return {
    decision,
    reason,
    matchedStatements: matched,
    trace: t.trace,
    request: { action: request.action, resource: request.resource },
  }
}
