import { childPath, issue } from './issues.js'
import type { PolicyIssue } from './types.js'

/**
 * A small strict JSON reader for policy documents. `JSON.parse` silently keeps the last of
 * duplicate keys; IAM rejects such documents (IAM-21, security-catalog XML-07), so we read the
 * text ourselves: RFC 8259 grammar, duplicate keys reported with their path, nesting capped,
 * and the characters AWS allows in a policy checked ("Policy documents may contain only
 * U+0009, U+000A, U+000D, U+0020–U+00FF", reference_iam-quotas). It also counts the
 * characters that are not insignificant whitespace, which is how AWS measures policy size
 * ("do not include white space", reference_policies_grammar).
 */

/** Deepest nesting accepted; real policies need about 7 levels. */
export const MAX_JSON_DEPTH = 32

export interface JsonScanResult {
  /** The value read (last value wins for duplicate keys); absent after a syntax error. */
  readonly value?: unknown
  readonly issues: readonly PolicyIssue[]
  /** Characters of the document outside insignificant whitespace. */
  readonly significantLength: number
}

class SyntaxFailure extends Error {}

/** True for a character IAM accepts in a policy document. */
export function isAllowedPolicyChar(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xff)
}

function describeChar(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`
}

/** Reads `text` as JSON, reporting every duplicate key and the first syntax error. */
export function scanJson(text: string): JsonScanResult {
  const issues: PolicyIssue[] = []
  let pos = 0
  let whitespace = 0
  let badCharReported = false

  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (!isAllowedPolicyChar(c)) {
      issues.push(
        issue(
          'policy.invalid_characters',
          '',
          `Policy document contains the character ${describeChar(c)} at index ${i}; only U+0009, U+000A, U+000D and U+0020 to U+00FF are allowed`,
        ),
      )
      badCharReported = true
      break
    }
  }

  const fail = (what: string): never => {
    let line = 1
    let col = 1
    for (let i = 0; i < pos && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++
        col = 1
      } else col++
    }
    issues.push(
      issue(
        'json.invalid',
        '',
        `This policy contains invalid Json: ${what} at index ${pos} line ${line} column ${col}`,
      ),
    )
    throw new SyntaxFailure(what)
  }

  const skipWs = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos)
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
        pos++
        whitespace++
      } else break
    }
  }

  const readString = (path: string): string => {
    // INVARIANT: text[pos] is the opening quote.
    pos++
    let out = ''
    let chunk = pos
    for (;;) {
      if (pos >= text.length) fail('unterminated string')
      const c = text.charCodeAt(pos)
      if (c === 0x22) {
        out += text.slice(chunk, pos)
        pos++
        return out
      }
      if (c < 0x20) fail('control character in string')
      if (c === 0x5c) {
        out += text.slice(chunk, pos)
        const e = text.charCodeAt(pos + 1)
        switch (e) {
          case 0x22:
            out += '"'
            break
          case 0x5c:
            out += '\\'
            break
          case 0x2f:
            out += '/'
            break
          case 0x62:
            out += '\b'
            break
          case 0x66:
            out += '\f'
            break
          case 0x6e:
            out += '\n'
            break
          case 0x72:
            out += '\r'
            break
          case 0x74:
            out += '\t'
            break
          case 0x75: {
            const hex = text.slice(pos + 2, pos + 6)
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              pos++
              fail('bad unicode escape')
            }
            const code = Number.parseInt(hex, 16)
            if (!isAllowedPolicyChar(code) && !badCharReported) {
              badCharReported = true
              issues.push(
                issue(
                  'policy.invalid_characters',
                  path,
                  `Policy document contains the character ${describeChar(code)} (escaped); only U+0009, U+000A, U+000D and U+0020 to U+00FF are allowed`,
                ),
              )
            }
            out += String.fromCharCode(code)
            pos += 4
            break
          }
          default:
            pos++
            fail('bad escape')
        }
        pos += 2
        chunk = pos
        continue
      }
      pos++
    }
  }

  const isDigitAt = (i: number): boolean => {
    const c = text.charCodeAt(i)
    return c >= 48 && c <= 57
  }

  const readNumber = (): number => {
    const start = pos
    if (text[pos] === '-') pos++
    if (text[pos] === '0') pos++
    else if (isDigitAt(pos) && text[pos] !== '0') {
      while (isDigitAt(pos)) pos++
    } else fail('bad number')
    if (text[pos] === '.') {
      pos++
      if (!isDigitAt(pos)) fail('bad number')
      while (isDigitAt(pos)) pos++
    }
    if (text[pos] === 'e' || text[pos] === 'E') {
      pos++
      if (text[pos] === '+' || text[pos] === '-') pos++
      if (!isDigitAt(pos)) fail('bad number')
      while (isDigitAt(pos)) pos++
    }
    return Number(text.slice(start, pos))
  }

  const readLiteral = (word: string, value: unknown): unknown => {
    if (!text.startsWith(word, pos)) fail('unexpected token')
    pos += word.length
    return value
  }

  const readValue = (path: string, depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) {
      issues.push(
        issue(
          'json.too_deep',
          path,
          `This policy contains invalid Json: nested deeper than ${MAX_JSON_DEPTH} levels`,
        ),
      )
      throw new SyntaxFailure('too deep')
    }
    skipWs()
    const c = text[pos]
    if (c === '{') return readObject(path, depth)
    if (c === '[') return readArray(path, depth)
    if (c === '"') return readString(path)
    if (c === 't') return readLiteral('true', true)
    if (c === 'f') return readLiteral('false', false)
    if (c === 'n') return readLiteral('null', null)
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return readNumber()
    return fail(c === undefined ? 'unexpected end of input' : 'unexpected token')
  }

  const readObject = (path: string, depth: number): Record<string, unknown> => {
    pos++
    const obj: Record<string, unknown> = {}
    const seen = new Set<string>()
    skipWs()
    if (text[pos] === '}') {
      pos++
      return obj
    }
    for (;;) {
      skipWs()
      if (text[pos] !== '"') fail('expected a string key')
      const key = readString(path)
      const keyPath = childPath(path, key)
      skipWs()
      if (text[pos] !== ':') fail("expected ':'")
      pos++
      const value = readValue(keyPath, depth + 1)
      if (seen.has(key)) {
        issues.push(issue('json.duplicate_key', keyPath, `Duplicate field ${key}`))
      }
      seen.add(key)
      // defineProperty: a key named __proto__ must stay an ordinary own property.
      Object.defineProperty(obj, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
      skipWs()
      if (text[pos] === ',') {
        pos++
        continue
      }
      if (text[pos] === '}') {
        pos++
        return obj
      }
      fail("expected ',' or '}'")
    }
  }

  const readArray = (path: string, depth: number): unknown[] => {
    pos++
    const arr: unknown[] = []
    skipWs()
    if (text[pos] === ']') {
      pos++
      return arr
    }
    for (;;) {
      arr.push(readValue(childPath(path, arr.length), depth + 1))
      skipWs()
      if (text[pos] === ',') {
        pos++
        continue
      }
      if (text[pos] === ']') {
        pos++
        return arr
      }
      fail("expected ',' or ']'")
    }
  }

  try {
    const value = readValue('', 0)
    skipWs()
    if (pos < text.length) fail('unexpected data after the document')
    return { value, issues, significantLength: text.length - whitespace }
  } catch (err) {
    if (!(err instanceof SyntaxFailure)) throw err
    return { issues, significantLength: text.length - whitespace }
  }
}
