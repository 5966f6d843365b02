import type { ValueMatcher } from './matcher.js'
import type { OperatorTest } from './operator.js'

/**
 * Numeric operators (reference_policies_elements_condition_operators, Numeric): an integer or
 * decimal value; no policy variables ("You can not use a policy variable with the Numeric
 * condition operator"). Values that are not numbers never match (IAM-20). Compared as IEEE
 * doubles (UNCONFIRMED: integers beyond 2^53 lose precision).
 */

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** Reads `[+-]digits[.digits]` (or `.digits`); anything else, including blanks, is `undefined`. */
export function parseNumeric(s: string): number | undefined {
  let i = 0
  const n = s.length
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++
  let digits = 0
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++
    digits++
  }
  if (i < n && s.charCodeAt(i) === 46) {
    i++
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++
      digits++
    }
  }
  if (i !== n || digits === 0) return undefined
  const value = Number(s)
  return Number.isFinite(value) ? value : undefined
}

/** Applies an ordering test: `v` (request) compared with `p` (policy). */
export function compareOrdered(test: OperatorTest, v: number, p: number): boolean {
  switch (test) {
    case 'eq':
      return v === p
    case 'lt':
      return v < p
    case 'le':
      return v <= p
    case 'gt':
      return v > p
    case 'ge':
      return v >= p
    default:
      return false
  }
}

/** Compiles the values of one numeric-operator condition key. */
export function compileNumericMatcher(test: OperatorTest, values: readonly string[]): ValueMatcher {
  const parsed = values.map(parseNumeric)
  const valid = parsed.filter((p): p is number => p !== undefined)
  return {
    invalidPolicyValue: valid.length !== parsed.length,
    match(v) {
      const x = parseNumeric(v)
      if (x === undefined) return undefined
      for (let i = 0; i < valid.length; i++)
        if (compareOrdered(test, x, valid[i] as number)) return true
      return false
    },
  }
}
