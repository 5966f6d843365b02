import type { TextPosition } from './types.js'

/**
 * Where each statement of a policy document is, as IAM's policy simulator reports it in
 * `MatchedStatements[].StartPosition` / `EndPosition` (`Position`: `Line`, `Column`, 1-based).
 *
 * IAM's numbers are those of a streaming JSON reader's "current location" (Jackson's
 * `getCurrentLocation()`: the character after the last one consumed), taken just before the
 * statement is read and just after its closing brace:
 * - `"Statement": [ … ]`: a statement starts right after the `[` (the first) or right after the
 *   previous statement's `}` (the others), before any white space or comma; it ends right after
 *   its own `}`;
 * - `"Statement": { … }`: it starts right after the `{` (the reader has consumed the value's
 *   first character when it returns the field name) and ends right after the `}`.
 * Every figure AWS has been seen to answer fits this rule: the AWS CLI's own
 * simulate-custom-policy example (single object, compact: 1:38 to 1:167), AdministratorAccess
 * (two-space indent: 3:17 to 8:6), the simulate-principal-policy example (four-space indent:
 * 3:19 to 9:10), `json.dumps` output (1:41), and the second statement of a two-statement
 * policy starting where the first one ends. Lines break at LF, CRLF or a lone CR; columns count
 * characters (policies hold only U+0009..U+00FF).
 */

/** A statement's start and end, as IAM reports them. */
export interface StatementSpan {
  start: TextPosition
  end: TextPosition
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d

/**
 * The span of each statement, in document order (index `i` is statement `i` of the compiled
 * policy). INVARIANT: `text` passed validation (strict JSON, an object with one `Statement`
 * that is an object or an array of objects); for anything else the result is empty or partial.
 */
export function statementSpans(text: string): StatementSpan[] {
  let pos = 0
  const skipSpace = () => {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++
  }
  /** Reads a string starting at its opening quote; returns its decoded value. */
  const readString = (): string => {
    const start = pos + 1
    pos = start
    let raw = false
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') {
        raw = true
        pos++
      }
      pos++
    }
    const body = text.slice(start, pos)
    pos++
    return raw ? (JSON.parse(`"${body}"`) as string) : body
  }
  /** Skips one value (string, number, literal, object or array) starting at `pos`. */
  const skipValue = (): void => {
    const c = text[pos]
    if (c === '"') {
      readString()
      return
    }
    if (c !== '{' && c !== '[') {
      while (pos < text.length && !/[\s,\]}]/.test(text[pos] as string)) pos++
      return
    }
    let depth = 0
    while (pos < text.length) {
      const d = text[pos]
      if (d === '"') {
        readString()
        continue
      }
      pos++
      if (d === '{' || d === '[') depth++
      else if (d === '}' || d === ']') {
        depth--
        if (depth === 0) return
      }
    }
  }

  const offsets: [number, number][] = []
  skipSpace()
  if (text[pos] !== '{') return []
  pos++
  for (;;) {
    skipSpace()
    if (text[pos] === ',') {
      pos++
      skipSpace()
    }
    if (text[pos] !== '"') break
    const key = readString()
    skipSpace()
    pos++ // ':'
    skipSpace()
    if (key !== 'Statement') {
      skipValue()
      continue
    }
    if (text[pos] === '{') {
      const start = pos + 1
      skipValue()
      offsets.push([start, pos])
    } else if (text[pos] === '[') {
      pos++
      let start = pos
      for (;;) {
        skipSpace()
        if (text[pos] === ',') {
          pos++
          skipSpace()
        }
        if (text[pos] !== '{') break
        skipValue()
        offsets.push([start, pos])
        start = pos
      }
      pos++ // ']'
    } else {
      skipValue()
    }
  }
  const toPosition = positionsOf(text)
  return offsets.map(([s, e]) => ({ start: toPosition(s), end: toPosition(e) }))
}

/** Offset → line and column, with LF, CRLF and a lone CR each one line break. */
function positionsOf(text: string): (offset: number) => TextPosition {
  const lineStarts = [0]
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0d) {
      if (text.charCodeAt(i + 1) === 0x0a) i++
      lineStarts.push(i + 1)
    } else if (c === 0x0a) lineStarts.push(i + 1)
  }
  return (offset) => {
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((lineStarts[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 }
  }
}
