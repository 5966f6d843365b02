import { childPath, issue, SYNTAX_ERRORS } from './issues.js'
import type { PolicyIssue } from './types.js'
import { hasWildcard } from './wildcard.js'

/** Keys of the `Principal` map (reference_policies_elements_principal). */
export const PRINCIPAL_KEYS = ['AWS', 'Federated', 'Service', 'CanonicalUser'] as const

const ACCOUNT_ID = /^\d{12}$/
// Unique ids (AIDA…, AROA…) appear when a named principal was deleted (reference_identifiers).
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/
const IAM_PRINCIPAL_ARN =
  /^arn:[a-z0-9-]+:iam::\d{12}:(root|user\/.+|role\/.+)$|^arn:[a-z0-9-]+:sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+)$/

function invalid(path: string, key: string, value: string): PolicyIssue {
  return issue('principal.invalid', path, `Invalid principal in policy: "${key}":"${value}"`)
}

/**
 * Whether an `AWS` principal value is acceptable: `*`, a 12-digit account id, a unique id or an
 * IAM/STS principal ARN. "You cannot use a wildcard to match part of a principal name or ARN."
 */
export function isValidAwsPrincipal(value: string): boolean {
  if (value === '*') return true
  if (ACCOUNT_ID.test(value) || UNIQUE_ID.test(value)) return true
  return IAM_PRINCIPAL_ARN.test(value) && !hasWildcard(value)
}

/** Validates a `Principal` or `NotPrincipal` element value. */
export function validatePrincipal(value: unknown, path: string): PolicyIssue[] {
  if (value === '*') return []
  if (typeof value === 'string') {
    return [issue('principal.invalid', path, `Invalid principal in policy: "${value}"`)]
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [issue('principal.invalid', path, SYNTAX_ERRORS)]
  }
  const issues: PolicyIssue[] = []
  for (const [key, entry] of Object.entries(value)) {
    const keyPath = childPath(path, key)
    if (!(PRINCIPAL_KEYS as readonly string[]).includes(key)) {
      issues.push(issue('principal.invalid', keyPath, `Invalid principal in policy: "${key}"`))
      continue
    }
    const list: unknown[] = Array.isArray(entry) ? entry : [entry]
    list.forEach((item, i) => {
      const itemPath = Array.isArray(entry) ? childPath(keyPath, i) : keyPath
      if (typeof item !== 'string') {
        issues.push(issue('principal.invalid', itemPath, SYNTAX_ERRORS))
        return
      }
      const ok = key === 'AWS' ? isValidAwsPrincipal(item) : item.length > 0 && !hasWildcard(item)
      if (!ok) issues.push(invalid(itemPath, key, item))
    })
  }
  return issues
}
