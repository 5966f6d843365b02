import { parseOperator } from './conditions/operator.js'
import { childPath, issue } from './issues.js'
import type { PolicyIssue } from './types.js'
import { matchWildcard } from './wildcard.js'

/**
 * Optional AWS-compatible write-time check (IAM-18): AWS rejects a role trust policy that lets
 * the GitHub Actions OIDC provider assume the role without restricting the subject, i.e.
 * without a condition on `<host>:sub` (or `<host>:job_workflow_ref`) whose first value is more
 * than `*` (observed: AWS only checked the first value). Applied to the provider hosts the
 * caller lists, e.g. `['token.actions.githubusercontent.com']`. UNCONFIRMED: AWS's exact message.
 */

const SUBJECT_CLAIMS = ['sub', 'job_workflow_ref']

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v]
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function federatedHosts(principal: unknown): string[] {
  if (!isRecord(principal)) return []
  const hosts: string[] = []
  for (const f of asList(principal.Federated)) {
    if (typeof f !== 'string') continue
    const marker = ':oidc-provider/'
    const at = f.indexOf(marker)
    hosts.push(at >= 0 ? f.slice(at + marker.length) : f)
  }
  return hosts
}

function allowsWebIdentity(action: unknown): boolean {
  return asList(action).some(
    (a) => typeof a === 'string' && matchWildcard(a.toLowerCase(), 'sts:assumerolewithwebidentity'),
  )
}

function restrictsSubject(condition: unknown, host: string): boolean {
  if (!isRecord(condition)) return false
  const wanted = SUBJECT_CLAIMS.map((c) => `${host}:${c}`.toLowerCase())
  for (const [operator, block] of Object.entries(condition)) {
    const parsed = parseOperator(operator)
    if (!parsed.ok || parsed.operator.base.negated || parsed.operator.base.family === 'null')
      continue
    if (!isRecord(block)) continue
    for (const [key, values] of Object.entries(block)) {
      if (!wanted.includes(key.toLowerCase())) continue
      const first = asList(values)[0]
      if (typeof first === 'string' && !/^\*+$/.test(first)) return true
    }
  }
  return false
}

/** Checks each Allow statement of a trust policy for the listed OIDC provider hosts. */
export function validateSubjectRestriction(
  statements: unknown,
  hosts: readonly string[],
): PolicyIssue[] {
  const issues: PolicyIssue[] = []
  const list = Array.isArray(statements) ? statements : [statements]
  list.forEach((s, i) => {
    if (!isRecord(s) || s.Effect !== 'Allow' || !allowsWebIdentity(s.Action)) return
    const path = Array.isArray(statements) ? childPath('Statement', i) : 'Statement'
    for (const host of federatedHosts(s.Principal)) {
      if (!hosts.includes(host) || restrictsSubject(s.Condition, host)) continue
      issues.push(
        issue(
          'condition.subject_required',
          childPath(path, 'Condition'),
          `Trust policies for the OIDC provider ${host} must restrict ${host}:sub with a value other than *`,
        ),
      )
    }
  })
  return issues
}
