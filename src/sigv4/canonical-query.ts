import { canonicalEncode, QUERY_COMPONENT } from './uri-encode.js'

interface Pair {
  readonly key: string
  readonly value: string
}

function comparePairs(a: Pair, b: Pair): number {
  // Encoded components are ASCII, so UTF-16 order is byte order, as the spec requires.
  if (a.key !== b.key) return a.key < b.key ? -1 : 1
  if (a.value !== b.value) return a.value < b.value ? -1 : 1
  return 0
}

/**
 * Calls `visit(encodedKey, rawValue)` for every parameter of a raw query string, in order. Empty
 * pieces (`a&&b`, a trailing `&`) are skipped; a piece without `=` has an empty value. The key is
 * canonically encoded, so `X%2DAmz-Date` and `X-Amz-Date` are one parameter everywhere.
 */
export function forEachQueryParameter(
  rawQuery: string,
  visit: (encodedKey: string, rawValue: string) => void,
): void {
  if (rawQuery === '') return
  let start = 0
  while (start <= rawQuery.length) {
    let end = rawQuery.indexOf('&', start)
    if (end === -1) end = rawQuery.length
    if (end > start) {
      const eq = rawQuery.indexOf('=', start)
      const hasValue = eq !== -1 && eq < end
      const key = canonicalEncode(rawQuery.slice(start, hasValue ? eq : end), QUERY_COMPONENT)
      visit(key, hasValue ? rawQuery.slice(eq + 1, end) : '')
    }
    start = end + 1
  }
}

/**
 * The canonical query string (IAM User Guide, "Create a canonical request"): every key and value
 * decoded and re-encoded with the SigV4 rules, sorted by encoded key then encoded value, joined as
 * `k=v&…`. Parameters whose encoded key is in `omit` are left out (presigned `X-Amz-Signature`).
 */
export function canonicalQuery(rawQuery: string, omit?: readonly string[]): string {
  if (rawQuery === '') return ''
  const pairs: Pair[] = []
  forEachQueryParameter(rawQuery, (key, rawValue) => {
    if (omit?.includes(key)) return
    pairs.push({ key, value: canonicalEncode(rawValue, QUERY_COMPONENT) })
  })
  if (pairs.length > 1) pairs.sort(comparePairs)
  let out = ''
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as Pair
    out += i === 0 ? `${p.key}=${p.value}` : `&${p.key}=${p.value}`
  }
  return out
}
