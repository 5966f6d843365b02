import { parseOperator } from './conditions/operator.js'
import { childPath, issue, SYNTAX_ERRORS } from './issues.js'
import type { PolicyIssue } from './types.js'

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

/**
 * Condition keys are `vendor:name` ("Actions/Conditions must be prefaced by a vendor"); for web
 * identity the vendor is the provider URL, e.g. `oidc.eks.region.amazonaws.com/id/X:sub`.
 */
export function isValidConditionKey(key: string): boolean {
  const colon = key.indexOf(':')
  return colon > 0 && colon < key.length - 1
}

/** Validates a `Condition` element: operators, keys, values. */
export function validateCondition(value: unknown, path: string): PolicyIssue[] {
  if (!isPlainObject(value)) return [issue('condition.invalid', path, SYNTAX_ERRORS)]
  const issues: PolicyIssue[] = []
  for (const [name, block] of Object.entries(value)) {
    const opPath = childPath(path, name)
    const parsed = parseOperator(name)
    if (!parsed.ok) {
      issues.push(
        parsed.reason === 'null_if_exists'
          ? issue(
              'condition.null_if_exists',
              opPath,
              `Invalid Condition type : ${name}. The Null condition operator cannot be used with the IfExists suffix`,
            )
          : issue('condition.unknown_operator', opPath, `Invalid Condition type : ${name}`),
      )
    }
    if (!isPlainObject(block)) {
      issues.push(issue('condition.invalid', opPath, SYNTAX_ERRORS))
      continue
    }
    const seenLower = new Map<string, string>()
    for (const [key, values] of Object.entries(block)) {
      const keyPath = childPath(opPath, key)
      if (!isValidConditionKey(key)) {
        issues.push(
          issue('condition.invalid_key', keyPath, `Policy has an invalid condition key: ${key}`),
        )
      }
      const lower = key.toLowerCase()
      const earlier = seenLower.get(lower)
      if (earlier !== undefined) {
        // access-analyzer-reference-policy-checks: "Duplicate keys with different case"
        issues.push(
          issue(
            'condition.duplicate_key',
            keyPath,
            `The condition key ${key} appears more than once with different capitalization in the same condition block`,
          ),
        )
      }
      seenLower.set(lower, key)
      const ok = Array.isArray(values) ? values.every(isScalar) : isScalar(values)
      if (!ok) issues.push(issue('condition.invalid_value', keyPath, SYNTAX_ERRORS))
    }
  }
  return issues
}
