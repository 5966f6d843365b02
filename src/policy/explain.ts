import type { ConditionTrace, Decision, TraceEntry } from './types.js'

/**
 * Plain-English explanation of a decision, one line each. With a trace (evaluate with
 * `{ trace: true }`), every statement that did not apply says why: the action, resource or
 * principal that did not match, and each failing condition with the values the policy expected
 * and what the request had. This answers "Not authorized to perform
 * sts:AssumeRoleWithWebIdentity" for IRSA.
 */

function statementName(e: TraceEntry): string {
  const policy =
    e.kind === undefined || e.policy === e.kind
      ? `${e.policy} policy`
      : `${e.kind} policy ${e.policy}`
  const sid = e.sid === undefined || e.sid === '' ? '' : ` (${e.sid})`
  return `${policy} statement ${e.index}${sid}`
}

function listValues(values: readonly (string | null)[]): string {
  const shown = values.map((v) => (v === null ? '(variable without a value)' : v))
  return shown.length === 0 ? '(no values)' : shown.join(' or ')
}

function requestHad(c: ConditionTrace): string {
  if (!c.present) return 'request had no value for the key (absent)'
  const v = c.requestValue
  if (typeof v === 'string') return `request had ${v}`
  return `request had [${(v ?? []).join(', ')}]`
}

function describeCondition(c: ConditionTrace): string {
  const expected = listValues(c.resolvedValues ?? c.values)
  const verb = c.baseOperator === 'Null' ? 'expected key absent =' : 'expected'
  return `condition ${c.operator} on ${c.key} ${verb} ${expected}, ${requestHad(c)}`
}

function summary(d: Decision): string {
  const what =
    d.request === undefined ? 'the request' : `${d.request.action} on ${d.request.resource}`
  switch (d.reason) {
    case 'explicitDeny':
      return `explicitDeny: a Deny statement matched ${what}`
    case 'boundaryImplicitDeny':
      return `implicitDeny: allowed by a policy, but the permissions boundary does not allow ${what}`
    case 'sessionPolicyImplicitDeny':
      return `implicitDeny: allowed by a policy, but the session policies do not allow ${what}`
    case 'noAllow':
      return `implicitDeny: no statement allows ${what}`
    case 'resourceAllow':
      return `allowed: a resource-based policy allows ${what}`
    default:
      return `allowed: an identity-based policy allows ${what}`
  }
}

function explainEntry(e: TraceEntry): string[] {
  const name = statementName(e)
  if (e.matched) return [`${name}: ${e.effect} matched`]
  const lines: string[] = []
  if (!e.action) {
    const kind = e.notAction ? 'NotAction' : 'Action'
    lines.push(`${name}: action does not match (${kind} ${e.actions.join(', ')})`)
  }
  if (!e.resource) lines.push(`${name}: resource does not match`)
  if (!e.principal) lines.push(`${name}: principal does not match`)
  for (const c of e.conditions) if (!c.result) lines.push(`${name}: ${describeCondition(c)}`)
  if (lines.length === 0) lines.push(`${name}: did not match`)
  return lines
}

/**
 * Explains a decision in plain English: a summary line, then one or more lines per statement
 * (only the summary and the matched statements when the decision has no trace).
 *
 * @example
 * explainDecision(evaluatePolicies(req, { resource: [trust] }, { trace: true }))
 * // [ 'implicitDeny: no statement allows sts:AssumeRoleWithWebIdentity on arn:aws:iam::…',
 * //   'trust policy statement 0: condition StringEquals on oidc.example.com/id/ABC:sub expected
 * //    system:serviceaccount:test:my-service-account, request had system:serviceaccount:test:other' ]
 */
export function explainDecision(decision: Decision): string[] {
  const lines = [summary(decision)]
  if (decision.trace === undefined) {
    for (const s of decision.matchedStatements) {
      const sid = s.sid === undefined || s.sid === '' ? '' : ` (${s.sid})`
      lines.push(`${s.policy} policy statement ${s.index}${sid}: ${s.effect} matched`)
    }
    return lines
  }
  for (const e of decision.trace) lines.push(...explainEntry(e))
  return lines
}
