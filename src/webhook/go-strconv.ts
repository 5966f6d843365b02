/**
 * Go's `strconv.ParseBool` and `strconv.ParseInt(s, 10, 64)`, which the upstream webhook uses on
 * annotation values: the same strings must be accepted and refused here.
 */

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

/** `strconv.ParseBool`: the boolean, or `undefined` where Go returns an error. */
export function parseGoBool(value: string): boolean | undefined {
  if (GO_TRUE.has(value)) return true
  if (GO_FALSE.has(value)) return false
  return undefined
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * `strconv.ParseInt(value, 10, 64)`: an optional sign and decimal digits only (no spaces, no
 * underscores, no `0x`), within int64; `undefined` where Go returns an error.
 */
export function parseGoInt64(value: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(value)) return undefined
  const n = BigInt(value)
  return n < INT64_MIN || n > INT64_MAX ? undefined : n
}
