import { LanyardError } from '../errors.js'

// SigV4 URI encoding (IAM User Guide, "Create a canonical request"): every byte is percent-encoded
// as %XY with upper-case hex, except the RFC 3986 §2.3 unreserved characters A-Z a-z 0-9 - . _ ~.
const UNRESERVED = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z0-9\-._~]/.test(ch)) UNRESERVED[c] = 1
}
const HEX = '0123456789ABCDEF'
const SLASH = 0x2f
const PERCENT = 0x25
const PLUS = 0x2b

/** Encoding rules for one kind of URI component. */
export interface EncodeMode {
  /** `%XY` escapes are decoded first (then re-encoded canonically); an invalid escape throws. */
  readonly decodePercent: boolean
  /** A raw `+` stands for a space (form encoding), otherwise it is a literal `+`. */
  readonly plusIsSpace: boolean
  /** A literal `/` is kept (path separators); otherwise it is encoded as `%2F`. */
  readonly keepSlash: boolean
}

/**
 * A query-string key or value: decoded, then re-encoded canonically. A raw `+` decodes to a space,
 * as every form parser reads it, so the verifier and the handler agree on what was signed: were it
 * a literal `+` here, rewriting a signed `%2B` into `+` would keep the signature valid while the
 * handler saw a space (XML-04). SDKs never send a raw `+`: they encode spaces as `%20`, `+` as `%2B`.
 */
export const QUERY_COMPONENT: EncodeMode = {
  decodePercent: true,
  plusIsSpace: true,
  keepSlash: false,
}
/** A path for S3-style signing: decoded and encoded once, separators kept. */
export const SINGLE_ENCODED_PATH: EncodeMode = {
  decodePercent: true,
  plusIsSpace: false,
  keepSlash: true,
}
/**
 * A path for every other service: the already-encoded path is encoded again ("double encoding"),
 * so `%` becomes `%25`; separators kept.
 */
export const DOUBLE_ENCODED_PATH: EncodeMode = {
  decodePercent: false,
  plusIsSpace: false,
  keepSlash: true,
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

function encodeByte(b: number): string {
  return b < 128 && UNRESERVED[b] === 1
    ? String.fromCharCode(b)
    : `%${HEX[b >> 4] as string}${HEX[b & 15] as string}`
}

function isKept(c: number, mode: EncodeMode): boolean {
  return c < 128 && (UNRESERVED[c] === 1 || (c === SLASH && mode.keepSlash))
}

const utf8 = new TextEncoder()

/**
 * Canonical SigV4 encoding of a raw URI component. Non-ASCII characters (which node never lets
 * through, but the AWS suite uses) are taken as UTF-8. Throws `request.malformed` on a `%` not
 * followed by two hex digits when escapes are decoded.
 */
export function canonicalEncode(raw: string, mode: EncodeMode): string {
  let i = 0
  const n = raw.length
  // Fast path: most components (Action=ListRoles, /) need no change at all.
  while (i < n && isKept(raw.charCodeAt(i), mode)) i++
  if (i === n) return raw
  let out = raw.slice(0, i)
  while (i < n) {
    const c = raw.charCodeAt(i)
    if (isKept(c, mode)) {
      out += raw[i]
      i++
    } else if (c === PERCENT && mode.decodePercent) {
      const hi = hexValue(raw.charCodeAt(i + 1))
      const lo = hexValue(raw.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) {
        throw new LanyardError(
          'request.malformed',
          'the request URI contains an invalid percent-encoding',
        )
      }
      out += encodeByte(hi * 16 + lo)
      i += 3
    } else if (c === PLUS && mode.plusIsSpace) {
      out += '%20'
      i++
    } else if (c < 128) {
      out += encodeByte(c)
      i++
    } else {
      // One code point (a surrogate pair counts once; a lone surrogate encodes as U+FFFD).
      const cp = raw.codePointAt(i) as number
      const width = cp > 0xffff ? 2 : 1
      for (const b of utf8.encode(raw.slice(i, i + width))) out += encodeByte(b)
      i += width
    }
  }
  return out
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes a raw query-string key or value to text (`%XY` escapes, `+` as space), with the same
 * rules {@link canonicalEncode} applies under {@link QUERY_COMPONENT}.
 */
export function decodeQueryComponent(raw: string): string {
  let simple = true
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === PERCENT || c === PLUS || c >= 128) {
      simple = false
      break
    }
  }
  if (simple) return raw
  const bytes: number[] = []
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === PERCENT) {
      const hi = hexValue(raw.charCodeAt(i + 1))
      const lo = hexValue(raw.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) {
        throw new LanyardError(
          'request.malformed',
          'the request URI contains an invalid percent-encoding',
        )
      }
      bytes.push(hi * 16 + lo)
      i += 2
    } else if (c === PLUS) {
      bytes.push(0x20)
    } else if (c < 128) {
      bytes.push(c)
    } else {
      const cp = raw.codePointAt(i) as number
      const width = cp > 0xffff ? 2 : 1
      for (const b of utf8.encode(raw.slice(i, i + width))) bytes.push(b)
      i += width - 1
    }
  }
  try {
    return utf8Strict.decode(Uint8Array.from(bytes))
  } catch {
    throw new LanyardError('request.malformed', 'the query string is not valid UTF-8')
  }
}
