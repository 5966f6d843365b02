import type { JWSHeaderParameters } from 'jose'
import { rememberedPerText } from '../bounded-map.js'
import { deepFreeze } from '../deep-freeze.js'
import { type AlgorithmSpec, algorithmSpec } from './algorithms.js'
import { decodeBase64url } from './base64url.js'
import { TOKEN_MESSAGES, tokenError } from './messages.js'

/** A compact JWS split, decoded and checked, its signature not yet verified. */
export interface CompactJws {
  /** The protected header as parsed (the only header a compact JWS has). */
  readonly header: JWSHeaderParameters
  readonly spec: AlgorithmSpec
  /** `kid`, when the header has one (always a string: anything else is refused). */
  readonly kid: string | undefined
  /** The decoded payload octets; for a JWT, the UTF-8 JSON claims set. */
  readonly payload: Buffer
  /** ASCII(BASE64URL(header) ‖ '.' ‖ BASE64URL(payload)), what the signature covers (RFC 7515 §5.2). */
  readonly signingInput: Buffer
  readonly signature: Buffer
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

const malformed = (cause?: unknown) =>
  tokenError('token.malformed', TOKEN_MESSAGES.malformed, cause)

/** Parses UTF-8 JSON that must be an object (RFC 7515 §5.2 step 3, RFC 7519 §7.2 step 10). */
export function parseJsonObject(octets: Buffer): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(octets))
  } catch (err) {
    throw malformed(err)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed()
  return value as Record<string, unknown>
}

interface CheckedHeader {
  readonly header: JWSHeaderParameters
  readonly spec: AlgorithmSpec
  readonly kid: string | undefined
}

const CHECKED_HEADERS_MAX = 256
const CHECKED_HEADER_MAX_LENGTH = 1024

/** The protected header: base64url JSON object, allowed `alg`, string `kid`, no extensions. */
function checkHeader(segment: string): CheckedHeader {
  const octets = decodeBase64url(segment)
  if (octets === undefined) throw malformed()
  const header = parseJsonObject(octets) as JWSHeaderParameters
  const { alg, kid } = header
  if (typeof alg !== 'string' || alg === '') throw malformed()
  if (
    Object.hasOwn(header, 'crit') ||
    Object.hasOwn(header, 'b64') ||
    Object.hasOwn(header, 'enc') ||
    Object.hasOwn(header, 'zip') ||
    (typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT')
  ) {
    throw malformed()
  }
  if (kid !== undefined && typeof kid !== 'string') throw malformed()
  const spec = algorithmSpec(alg)
  if (spec === undefined)
    throw tokenError('token.bad_signature', TOKEN_MESSAGES.unsupportedAlgorithm)
  return { header: deepFreeze(header), spec, kid }
}

/**
 * Headers that passed {@link checkHeader}, by their segment: an issuer signs every token with the
 * same few (`alg` and `kid`), and the outcome depends on the segment text alone. Bounded, and
 * only short segments are kept.
 */
const checkedHeader = rememberedPerText(checkHeader, CHECKED_HEADERS_MAX, CHECKED_HEADER_MAX_LENGTH)

/**
 * Splits and checks a JWS in compact serialization (RFC 7515 §7.1) without verifying it:
 * exactly three non-empty, canonical base64url segments (so no JWE, which has five, no JSON
 * serialization and no unsecured JWS, JWT-13), a JSON-object header with an allowed `alg`
 * (JWT-01, JWT-02), a string `kid` if any (JWT-03), no `crit` (RFC 7515 §4.1.11: we implement no
 * extension, JWT-12), no `b64` (RFC 7797 §7: a JWT payload is always encoded), no nested JWT
 * (`cty: JWT`, RFC 7519 §5.2) and no JWE members. `jku`, `x5u`, `x5c` and `jwk` are never read:
 * keys come only from the issuer's registered JWKS (JWT-04). Each segment is decoded once and
 * the same bytes are used from here on (JWT-09).
 */
export function parseCompactJws(token: string): CompactJws {
  const first = token.indexOf('.')
  const second = first < 0 ? -1 : token.indexOf('.', first + 1)
  if (second < 0 || token.indexOf('.', second + 1) >= 0) throw malformed()
  const headerSegment = token.slice(0, first)
  const payloadSegment = token.slice(first + 1, second)
  const signatureSegment = token.slice(second + 1)
  if (headerSegment === '' || payloadSegment === '') throw malformed()

  const { header, spec, kid } = checkedHeader(headerSegment)
  const payload = decodeBase64url(payloadSegment)
  if (payload === undefined) throw malformed()
  const signature = signatureSegment === '' ? undefined : decodeBase64url(signatureSegment)
  if (signature === undefined) throw tokenError('token.bad_signature', TOKEN_MESSAGES.badSignature)

  return {
    header,
    spec,
    kid,
    payload,
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature,
  }
}
