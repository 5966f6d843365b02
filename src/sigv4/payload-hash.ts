import { LanyardError } from '../errors.js'
import { headerValues } from './header-names.js'
import { CONTENT_SHA256_INVALID, CONTENT_SHA256_MISMATCH } from './messages.js'
import { isSha256Hex, sha256Hex } from './sha256.js'
import type { SigV4Request } from './types.js'

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** Hex SHA-256 of a body. */
export function hashBody(body: Uint8Array): string {
  return body.length === 0 ? EMPTY_SHA256 : sha256Hex(body)
}

/**
 * The payload hash line of the canonical request. The body is always hashed here: a signer's
 * `x-amz-content-sha256` is only a claim, and must equal the real hash (SIG-06). `UNSIGNED-PAYLOAD`
 * is taken as such only when `requireSignedBody` is off; `STREAMING-*` (aws-chunked) payloads are
 * never supported (SIG-07): their chunk signatures are not verified here.
 */
export function payloadHash(request: SigV4Request, requireSignedBody: boolean): string {
  const claimed = headerValues(request.headers, 'x-amz-content-sha256')
  if (claimed.length > 1) {
    throw new LanyardError(
      'signature.incomplete',
      'the request has more than one x-amz-content-sha256 header',
    )
  }
  const value = claimed[0]?.trim()
  if (value === undefined) return hashBody(request.body)
  if (value.startsWith('STREAMING-')) {
    throw new LanyardError(
      'signature.incomplete',
      `streaming payloads (\`${value.slice(0, 64)}\`) are not supported`,
    )
  }
  if (value === 'UNSIGNED-PAYLOAD') {
    if (!requireSignedBody) return value
    throw new LanyardError(
      'signature.mismatch',
      'UNSIGNED-PAYLOAD is not accepted: the request body must be signed',
    )
  }
  if (!isSha256Hex(value)) throw new LanyardError('signature.incomplete', CONTENT_SHA256_INVALID)
  const actual = hashBody(request.body)
  if (value !== actual) throw new LanyardError('signature.mismatch', CONTENT_SHA256_MISMATCH)
  return actual
}
