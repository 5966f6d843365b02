import type { WildcardPattern } from './wildcard.js'
import { compileWildcard, type LiteralMask, matchWildcardRange, testWildcard } from './wildcard.js'

/**
 * ARN matching as IAM does it for `Resource` and the `Arn*` condition operators: an ARN is
 * `arn:partition:service:region:account:resource`; the first five components end at the first
 * five colons and the resource component keeps any further colons. Wildcards apply inside each
 * component ("Each of the six colon-delimited components of the ARN is checked separately",
 * reference_policies_elements_condition_operators, ARN operators). A pattern with fewer than six
 * components whose last component ends with `*` lets that `*` run past the colons ("If the `*`
 * wildcard is the last character of a resource ARN segment, it can expand to match beyond
 * colon boundaries", reference_policies_elements_resource).
 */

/** Positions of the first five colons of `s`; returns how many were found (0..5). */
export function findArnColons(s: string, out: Int32Array): number {
  let n = 0
  let from = 0
  while (n < 5) {
    const i = s.indexOf(':', from)
    if (i < 0) break
    out[n++] = i
    from = i + 1
  }
  return n
}

/** An ARN split once, for matching against many patterns without re-scanning. */
export interface SplitArn {
  readonly text: string
  readonly colons: Int32Array
  readonly colonCount: number
}

/** Splits `text` at its first five colons. */
export function splitArn(text: string): SplitArn {
  const colons = new Int32Array(5)
  const colonCount = findArnColons(text, colons)
  return { text, colons, colonCount }
}

/** True when `text` has the six components of an ARN and starts with `arn:`. */
export function isArn(text: string): boolean {
  if (!text.startsWith('arn:')) return false
  const colons = new Int32Array(5)
  return findArnColons(text, colons) === 5
}

/** Start of component `i` of a split text. */
function segStart(a: SplitArn, i: number): number {
  return i === 0 ? 0 : (a.colons[i - 1] as number) + 1
}

/** End (exclusive) of component `i`, or -1 when the text has no such component. */
function segEnd(a: SplitArn, i: number): number {
  if (i < a.colonCount) return a.colons[i] as number
  if (i === a.colonCount) return a.text.length
  return -1
}

/** An ARN pattern compiled once; `segments` has 1 to 6 entries. */
export interface ArnPattern {
  readonly source: string
  readonly segments: readonly WildcardPattern[]
  /** The last component ends with `*` and there are fewer than six: it runs to the end. */
  readonly tailExpands: boolean
}

/** Compiles an ARN pattern (no policy variables) for {@link matchArnPattern}. */
export function compileArnPattern(pattern: string): ArnPattern {
  const split = splitArn(pattern)
  const segments: WildcardPattern[] = []
  for (let i = 0; i <= split.colonCount; i++) {
    segments.push(compileWildcard(pattern.slice(segStart(split, i), segEnd(split, i))))
  }
  const last = segments[segments.length - 1] as WildcardPattern
  const tailExpands = segments.length < 6 && last.source.endsWith('*')
  return { source: pattern, segments, tailExpands }
}

/** Matches a split ARN against a compiled pattern, component by component. */
export function matchArnPattern(p: ArnPattern, a: SplitArn): boolean {
  const n = p.segments.length
  for (let i = 0; i < n; i++) {
    const w = p.segments[i] as WildcardPattern
    const start = segStart(a, i)
    if (i === n - 1) {
      if (p.tailExpands) return i <= a.colonCount && testWildcard(w, a.text, start, a.text.length)
      // The last pattern component must also be the last component of the text.
      if (i !== a.colonCount) return false
      return testWildcard(w, a.text, start, a.text.length)
    }
    const end = segEnd(a, i)
    if (end < 0 || i >= a.colonCount) return false
    if (!testWildcard(w, a.text, start, end)) return false
  }
  return false
}

/**
 * Matches `text` against a pattern that was built at request time (after policy variables were
 * substituted), with an optional literal mask for characters that must not act as wildcards.
 */
export function matchArnText(pattern: string, mask: LiteralMask | undefined, a: SplitArn): boolean {
  const p = splitArn(pattern)
  const n = p.colonCount + 1
  for (let i = 0; i < n; i++) {
    const ps = segStart(p, i)
    const pe = segEnd(p, i)
    const start = segStart(a, i)
    if (i === n - 1) {
      const lastIsStar =
        pe > ps && pattern.charCodeAt(pe - 1) === 42 && !(mask !== undefined && mask[pe - 1] === 1)
      if (n < 6 && lastIsStar) {
        return (
          i <= a.colonCount &&
          matchWildcardRange(pattern, ps, pe, a.text, start, a.text.length, mask)
        )
      }
      if (i !== a.colonCount) return false
      return matchWildcardRange(pattern, ps, pe, a.text, start, a.text.length, mask)
    }
    const end = segEnd(a, i)
    if (end < 0 || i >= a.colonCount) return false
    if (!matchWildcardRange(pattern, ps, pe, a.text, start, end, mask)) return false
  }
  return false
}
