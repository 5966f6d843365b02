/**
 * Case-insensitive header-name equality against an already lower-case name, folding only ASCII
 * A-Z. (`String#toLowerCase` would also fold e.g. the Kelvin sign U+212A into `k`, making two
 * different header names one.)
 */
export function isHeaderName(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i)
    if (c >= 0x41 && c <= 0x5a) c += 0x20
    if (c !== lower.charCodeAt(i)) return false
  }
  return true
}

/** Values of every header called `lower` (case-insensitively), in received order. */
export function headerValues(
  headers: readonly (readonly [string, string])[],
  lower: string,
): string[] {
  const out: string[] = []
  for (const [name, value] of headers) if (isHeaderName(name, lower)) out.push(value)
  return out
}

/**
 * Index of a received header name in a list of lower-case names, or -1. `toLowerCase` is only a
 * fast first guess (it returns the same string when there is nothing to change); the match is
 * confirmed with {@link isHeaderName}, which folds ASCII only.
 */
export function signedHeaderIndex(name: string, lowerNames: readonly string[]): number {
  const i = lowerNames.indexOf(name.toLowerCase())
  return i !== -1 && isHeaderName(name, lowerNames[i] as string) ? i : -1
}
