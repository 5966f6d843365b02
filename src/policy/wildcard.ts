/**
 * The IAM wildcard language: `*` matches any run of characters (including none, and
 * including `/` and `:`), `?` matches exactly one character, everything else is literal
 * (reference_policies_elements_condition_operators, StringLike; reference_policies_elements_resource).
 * Hand-written on purpose: no regular expression is ever built from policy text.
 */

const STAR = 42 // '*'
const QMARK = 63 // '?'

/**
 * Marks which characters of a pattern are literal even though they are `*` or `?`: used for
 * text that came from a policy variable or from `${*}` / `${?}` (reference_policies_variables,
 * "Special characters").
 */
export type LiteralMask = Uint8Array

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff
}

/** Length in UTF-16 units of the code point at `i` (so `?` eats a whole astral character). */
function charWidth(s: string, i: number, end: number): number {
  return i + 1 < end && isHighSurrogate(s.charCodeAt(i)) && isLowSurrogate(s.charCodeAt(i + 1))
    ? 2
    : 1
}

/**
 * Matches `s[sStart, sEnd)` against the pattern `p[pStart, pEnd)`. Greedy two-pointer match
 * with single-star backtracking: O(|p|·|s|) worst case, no allocation, no recursion.
 */
export function matchWildcardRange(
  p: string,
  pStart: number,
  pEnd: number,
  s: string,
  sStart: number,
  sEnd: number,
  mask?: LiteralMask,
): boolean {
  let pi = pStart
  let si = sStart
  let starP = -1
  let starS = sStart
  while (si < sEnd) {
    if (pi < pEnd) {
      const c = p.charCodeAt(pi)
      const literal = mask !== undefined && mask[pi] === 1
      if (c === STAR && !literal) {
        starP = pi
        pi++
        starS = si
        continue
      }
      if (c === QMARK && !literal) {
        pi++
        si += charWidth(s, si, sEnd)
        continue
      }
      if (c === s.charCodeAt(si)) {
        pi++
        si++
        continue
      }
    }
    if (starP < 0) return false
    // Backtrack: let the last star eat one more character (a whole code point).
    starS += charWidth(s, starS, sEnd)
    si = starS
    pi = starP + 1
  }
  while (pi < pEnd && p.charCodeAt(pi) === STAR && !(mask !== undefined && mask[pi] === 1)) pi++
  return pi === pEnd
}

/** Whole-string wildcard match of `text` against `pattern`. */
export function matchWildcard(pattern: string, text: string, mask?: LiteralMask): boolean {
  return matchWildcardRange(pattern, 0, pattern.length, text, 0, text.length, mask)
}

/** True when `s` contains a `*` or `?` (i.e. is a pattern, not a literal). */
export function hasWildcard(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === STAR || c === QMARK) return true
  }
  return false
}

/**
 * A pattern compiled once: the common shapes (`*`, exact, `prefix*`) skip the general matcher.
 * `mode`: 0 = any, 1 = exact, 2 = prefix (`text` is the part before the single trailing `*`),
 * 3 = general glob.
 */
export interface WildcardPattern {
  readonly source: string
  readonly mode: 0 | 1 | 2 | 3
  readonly text: string
}

/** Compiles a policy pattern (no literal mask) into a {@link WildcardPattern}. */
export function compileWildcard(pattern: string): WildcardPattern {
  if (pattern === '*') return { source: pattern, mode: 0, text: '' }
  if (!hasWildcard(pattern)) return { source: pattern, mode: 1, text: pattern }
  const head = pattern.slice(0, -1)
  if (pattern.charCodeAt(pattern.length - 1) === STAR && !hasWildcard(head)) {
    return { source: pattern, mode: 2, text: head }
  }
  return { source: pattern, mode: 3, text: pattern }
}

/** Tests `s[start, end)` against a compiled pattern. */
export function testWildcard(w: WildcardPattern, s: string, start: number, end: number): boolean {
  switch (w.mode) {
    case 0:
      return true
    case 1:
      return end - start === w.text.length && s.startsWith(w.text, start)
    case 2:
      return end - start >= w.text.length && s.startsWith(w.text, start)
    default:
      return matchWildcardRange(w.text, 0, w.text.length, s, start, end)
  }
}
