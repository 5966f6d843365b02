import { LanyardError } from '../errors.js'

/** Limits for awsQuery form parsing (XML-02). */
export const QUERY_LIMITS = { maxParameters: 1000 } as const

const utf8 = new TextDecoder('utf-8', { fatal: true })

function decodeComponent(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw
  const bytes: number[] = []
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x2b) bytes.push(0x20)
    else if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new LanyardError(
          'request.malformed',
          'the query string contains an invalid percent-encoding',
        )
      }
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else if (c < 0x80) bytes.push(c)
    else for (const b of Buffer.from(raw[i] as string, 'utf8')) bytes.push(b)
  }
  try {
    return utf8.decode(Uint8Array.from(bytes))
  } catch {
    throw new LanyardError('request.malformed', 'the query string is not valid UTF-8')
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` string into a map. `+` and `%20` both decode to a
 * space (botocore sends `+`, the JS SDK `%20`). A parameter given twice is refused (XML-03): the
 * signer, the authorizer and the handler must never disagree about which value counts.
 */
export function parseQueryString(
  text: string,
  into = new Map<string, string>(),
): Map<string, string> {
  if (text === '') return into
  let count = into.size
  for (const part of text.split('&')) {
    if (part === '') continue
    if (++count > QUERY_LIMITS.maxParameters) {
      throw new LanyardError('request.too_large', 'the request has too many parameters')
    }
    const eq = part.indexOf('=')
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq))
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1))
    if (into.has(name)) {
      throw new LanyardError(
        'request.malformed',
        `the parameter \`${name.slice(0, 64)}\` appears more than once`,
      )
    }
    into.set(name, value)
  }
  return into
}
