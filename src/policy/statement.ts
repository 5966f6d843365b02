import { matchActions } from './action.js'
import type { SplitArn } from './arn.js'
import { splitArn } from './arn.js'
import type { CompiledPolicy, CompiledStatement } from './compile.js'
import { evaluateCondition, traceCondition } from './conditions/condition.js'
import { matchPrincipal, type PreparedPrincipal, preparePrincipal } from './principal.js'
import { matchResources } from './resource.js'
import type {
  AuthzRequest,
  ConditionTrace,
  PolicySource,
  PrincipalMatchKind,
  TraceEntry,
} from './types.js'

/** Per-request state shared by all statements; derived parts computed on first use. */
export class RequestState {
  readonly request: AuthzRequest
  readonly lowerAction: string
  #resource: SplitArn | undefined
  #principal: PreparedPrincipal | undefined

  constructor(request: AuthzRequest, lowerAction: string) {
    this.request = request
    this.lowerAction = lowerAction
  }

  get resource(): SplitArn {
    // Callers without types may pass anything; a non-string resource matches only `*`.
    const r = this.request.resource
    this.#resource ??= splitArn(typeof r === 'string' ? r : '')
    return this.#resource
  }

  get principal(): PreparedPrincipal {
    this.#principal ??= preparePrincipal(this.request.principal)
    return this.#principal
  }
}

/** Statement does not apply. */
export const NO_MATCH = 0
/** Statement applies and has no principal element (identity-style). */
export const MATCH_NO_PRINCIPAL = 1

/**
 * Whether a statement applies to the request: action, then resource, then principal, then
 * conditions (cheapest first, short-circuit). Returns {@link NO_MATCH},
 * {@link MATCH_NO_PRINCIPAL} or how the principal matched.
 */
export function statementApplies(
  s: CompiledStatement,
  st: RequestState,
): typeof NO_MATCH | typeof MATCH_NO_PRINCIPAL | PrincipalMatchKind {
  // reference_policies_elements_notaction: NotAction matches every action not listed.
  if (matchActions(s.actions, st.lowerAction) === s.notAction) return NO_MATCH
  if (s.resourceMode !== 0) {
    const hit = matchResources(s.resources, st.resource, st.request.context)
    if (hit !== (s.resourceMode === 1)) return NO_MATCH
  }
  let kind: typeof MATCH_NO_PRINCIPAL | PrincipalMatchKind = MATCH_NO_PRINCIPAL
  if (s.principalMode !== 0 && s.principal !== undefined) {
    const m = matchPrincipal(s.principal, st.principal)
    if (s.principalMode === 1) {
      if (m === undefined) return NO_MATCH
      kind = m
    } else {
      // NotPrincipal: applies to everyone not listed (reference_policies_elements_notprincipal).
      if (m !== undefined) return NO_MATCH
      kind = 'direct'
    }
  }
  const conditions = s.conditions
  for (let i = 0; i < conditions.length; i++) {
    if (!evaluateCondition(conditions[i] as (typeof conditions)[number], st.request.context)) {
      return NO_MATCH
    }
  }
  return kind
}

/** Evaluates every part of a statement (no short-circuit) and records the outcome. */
export function traceStatement(
  policy: CompiledPolicy,
  s: CompiledStatement,
  st: RequestState,
  source: PolicySource,
): { entry: TraceEntry; result: ReturnType<typeof statementApplies> } {
  const action = matchActions(s.actions, st.lowerAction) !== s.notAction
  const resource =
    s.resourceMode === 0 ||
    matchResources(s.resources, st.resource, st.request.context) === (s.resourceMode === 1)
  let principal = true
  let principalMatch: PrincipalMatchKind | undefined
  if (s.principalMode !== 0 && s.principal !== undefined) {
    const m = matchPrincipal(s.principal, st.principal)
    principal = s.principalMode === 1 ? m !== undefined : m === undefined
    if (principal) principalMatch = s.principalMode === 1 ? m : 'direct'
  }
  const conditions: ConditionTrace[] = s.conditions.map((c) =>
    traceCondition(c, st.request.context),
  )
  const matched = action && resource && principal && conditions.every((c) => c.result)
  const entry: TraceEntry = {
    ...s.ref,
    source,
    ...(policy.kind === undefined ? {} : { kind: policy.kind }),
    action,
    resource,
    principal,
    ...(principalMatch === undefined ? {} : { principalMatch }),
    conditions,
    matched,
    actions: s.actionSources,
    notAction: s.notAction,
  }
  const result = !matched ? NO_MATCH : (principalMatch ?? MATCH_NO_PRINCIPAL)
  return { entry, result }
}
