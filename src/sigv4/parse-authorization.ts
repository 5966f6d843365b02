import { LanyardError } from '../errors.js'
import { missingAuthorizationParts, UNSUPPORTED_ALGORITHM } from './messages.js'
import { SIGV4_ALGORITHM } from './string-to-sign.js'

/** The three parameters of a SigV4 `Authorization` header, unvalidated. */
export interface AuthorizationParts {
  readonly credential: string
  readonly signedHeaders: string
  readonly signature: string
}

// Any AWS4-* scheme (SigV4a, HMAC-SHA1) gets the "unsupported" answer, anything else the "missing
// parts" one, as AWS answers them.
const SIGV4_FAMILY = /^aws4-/i

type PartName = 'Credential' | 'SignedHeaders' | 'Signature'

function incomplete(message: string): LanyardError {
  return new LanyardError('signature.incomplete', message)
}

/**
 * Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (IAM User Guide, "Add the
 * signature to the request"). Spaces after the commas are optional. A parameter given twice, an
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
  const found: Partial<Record<PartName, string>> = {}
  if (space !== -1) {
    for (const raw of value.slice(space + 1).split(',')) {
      const piece = raw.trim()
      if (piece === '') continue
      const eq = piece.indexOf('=')
      if (eq === -1) {
        throw incomplete(
          'a part of the Authorization header is not a valid key=value pair (missing equal-sign)',
        )
      }
      const key = piece.slice(0, eq)
      if (key !== 'Credential' && key !== 'SignedHeaders' && key !== 'Signature') {
        throw incomplete(
          `the Authorization header has an unknown parameter \`${key.slice(0, 64)}\``,
        )
      }
      if (found[key] !== undefined) {
        throw incomplete(`the Authorization header has the '${key}' parameter more than once`)
      }
      found[key] = piece.slice(eq + 1)
    }
  }
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = found
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
