import type { ValueMatcher } from './matcher.js'

/**
 * `Bool` (reference_policies_elements_condition_operators, Boolean): compares `true`/`false`,
 * case-insensitively (IAM-20: `"TRUE"` is true). Any other value never matches. No policy
 * variables (UNCONFIRMED: the operators page allows them, the variables page and Access Analyzer
 * do not; we follow the latter, so `${…}` is literal and never a boolean).
 */

/** Reads `true`/`false` in any case. */
export function parseBool(s: string): boolean | undefined {
  if (s.length === 4 && s.toLowerCase() === 'true') return true
  if (s.length === 5 && s.toLowerCase() === 'false') return false
  return undefined
}

/** Compiles the values of one `Bool` condition key. */
export function compileBoolMatcher(values: readonly string[]): ValueMatcher {
  const parsed = values.map(parseBool)
  const wantTrue = parsed.includes(true)
  const wantFalse = parsed.includes(false)
  return {
    invalidPolicyValue: parsed.includes(undefined),
    match(v) {
      const x = parseBool(v)
      if (x === undefined) return undefined
      return x ? wantTrue : wantFalse
    },
  }
}
