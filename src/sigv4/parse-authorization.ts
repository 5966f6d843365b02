import { LanyardError } from '../errors.js'
import { missingAuthorizationParts, UNSUPPORTED_ALGORITHM } from './messages.js'
import { SIGV4_ALGORITHM } from './string-to-sign.js'

/** The three parameters of a SigV4 `Authorization` header, unvalidated. */
export interface AuthorizationParts {
  readonly credential: string
  readonly signedHeaders: string
  readonly signature: string
}

type PartName = 'Credential' | 'SignedHeaders' | 'Signature'

// Any AWS4-* scheme (SigV4a, HMAC-SHA1) gets the "unsupported" answer, anything else the "missing
// parts" one, as AWS answers them.
const SIGV4_FAMILY = /^aws4-/i

function incomplete(message: string): LanyardError {
  return new LanyardError('signature.incomplete', message)
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09
}

/**
 * Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (IAM User Guide, "Add the
 * signature to the request"). Spaces around the commas are optional. A parameter given twice, an
 * unknown parameter or a piece without `=` is refused rather than guessed at (SIG-13).
 * `hasAmzDate` only shapes the message for a header missing parts, as AWS words it.
 */
export function parseAuthorizationHeader(value: string, hasAmzDate: boolean): AuthorizationParts {
  const space = value.indexOf(' ')
  const algorithm = space === -1 ? value : value.slice(0, space)
  if (!SIGV4_FAMILY.test(algorithm)) {
    // Bearer, Basic, SigV2 "AWS AKID:sig": AWS answers that the SigV4 parts are missing.
    throw incomplete(
      missingAuthorizationParts(['Credential', 'Signature', 'SignedHeaders'], !hasAmzDate),
    )
  }
  let credential: string | undefined
  let signedHeaders: string | undefined
  let signature: string | undefined
  let at = space === -1 ? value.length : space + 1
  while (at < value.length) {
    let end = value.indexOf(',', at)
    if (end === -1) end = value.length
    let s = at
    let e = end
    while (s < e && isBlank(value.charCodeAt(s))) s++
    while (e > s && isBlank(value.charCodeAt(e - 1))) e--
    at = end + 1
    if (s === e) continue
    const eq = value.indexOf('=', s)
    if (eq === -1 || eq >= e) {
      throw incomplete(
        'a part of the Authorization header is not a valid key=value pair (missing equal-sign)',
      )
    }
    const key = value.slice(s, eq)
    const part = value.slice(eq + 1, e)
    const seen =
      key === 'Credential'
        ? credential
        : key === 'SignedHeaders'
          ? signedHeaders
          : key === 'Signature'
            ? signature
            : null
    if (seen === null) {
      throw incomplete(`the Authorization header has an unknown parameter \`${key.slice(0, 64)}\``)
    }
    if (seen !== undefined) {
      throw incomplete(`the Authorization header has the '${key}' parameter more than once`)
    }
    if (key === 'Credential') credential = part
    else if (key === 'SignedHeaders') signedHeaders = part
    else signature = part
  }
  if (!credential || !signedHeaders || !signature) {
    const missing: PartName[] = []
    if (!credential) missing.push('Credential')
    if (!signature) missing.push('Signature')
    if (!signedHeaders) missing.push('SignedHeaders')
    throw incomplete(missingAuthorizationParts(missing, !hasAmzDate))
  }
  if (algorithm !== SIGV4_ALGORITHM) throw incomplete(UNSUPPORTED_ALGORITHM)
  return { credential, signedHeaders, signature }
}
