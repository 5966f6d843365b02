import type { PolicyIssue } from './types.js'

/**
 * Stable issue codes of policy validation, with the message each one carries. Messages follow
 * the AWS `MalformedPolicyDocument` / `LimitExceeded` texts where one is known (observed in
 * public error reports); the ones marked UNCONFIRMED in docs/policy.md are our best guess.
 */
export const POLICY_ISSUE_CODES = [
  'json.invalid',
  'json.duplicate_key',
  'json.too_deep',
  'policy.invalid_characters',
  'policy.too_large',
  'policy.not_object',
  'policy.unknown_field',
  'version.invalid',
  'id.invalid',
  'statement.missing',
  'statement.invalid',
  'statement.unknown_field',
  'sid.invalid',
  'sid.duplicate',
  'effect.missing',
  'effect.invalid',
  'action.missing',
  'action.conflict',
  'action.invalid',
  'action.not_sts',
  'resource.missing',
  'resource.conflict',
  'resource.invalid',
  'resource.forbidden',
  'principal.missing',
  'principal.conflict',
  'principal.forbidden',
  'principal.invalid',
  'condition.invalid',
  'condition.unknown_operator',
  'condition.null_if_exists',
  'condition.invalid_key',
  'condition.duplicate_key',
  'condition.invalid_value',
  'condition.subject_required',
] as const

/** One of {@link POLICY_ISSUE_CODES}. */
export type PolicyIssueCode = (typeof POLICY_ISSUE_CODES)[number]

/** Builds an issue. */
export function issue(code: PolicyIssueCode, path: string, message: string): PolicyIssue {
  return { code, path, message }
}

/** `a.b` / `a[0]` path joins; the document itself is `''`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path === '' ? key : `${path}.${key}`
}

/** Generic AWS message for a value of the wrong JSON type. */
export const SYNTAX_ERRORS = 'Syntax errors in policy.'
