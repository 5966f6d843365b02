import type { ValueMatcher } from './matcher.js'

/**
 * `BinaryEquals` (reference_policies_elements_condition_operators, Binary): "compares the value
 * of the specified key byte for byte against a base-64 encoded representation of the binary
 * value in the policy". The request context carries the bytes base64-encoded too. Strict
 * base64 only; anything else never matches. No policy variables.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Decodes strict, padded base64; `undefined` for anything else. */
export function decodeBase64(s: string): Buffer | undefined {
  if (!BASE64.test(s)) return undefined
  return Buffer.from(s, 'base64')
}

/** Compiles the values of one `BinaryEquals` condition key. */
export function compileBinaryMatcher(values: readonly string[]): ValueMatcher {
  const parsed = values.map(decodeBase64)
  const valid = parsed.filter((p): p is Buffer => p !== undefined)
  return {
    invalidPolicyValue: valid.length !== parsed.length,
    match(v) {
      const x = decodeBase64(v)
      if (x === undefined) return undefined
      for (const p of valid) if (x.equals(p)) return true
      return false
    },
  }
}
