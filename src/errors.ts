/**
 * Domain error codes shared by every module. AWS wire codes never appear here: the
 * edge (`src/http/aws-errors.ts`) maps these to the protocol's error code and status.
 */
export type ErrorCode =
  | 'request.invalid'
  | 'request.validation'
  | 'request.malformed'
  | 'request.unknown_action'
  | 'request.unsupported_media'
  | 'request.too_large'
  | 'token.malformed'
  | 'token.expired'
  | 'token.bad_signature'
  | 'token.untrusted_issuer'
  | 'token.audience_mismatch'
  | 'trust.denied'
  | 'mfa.failed'
  | 'policy.malformed'
  | 'policy.too_large'
  | 'signature.missing'
  | 'signature.incomplete'
  | 'signature.mismatch'
  | 'signature.expired'
  | 'credentials.unknown_key'
  | 'credentials.expired'
  | 'access.denied'
  | 'entity.not_found'
  | 'entity.exists'
  | 'entity.limit_exceeded'
  | 'entity.delete_conflict'
  | 'entity.not_attachable'
  | 'config.invalid'
  | 'idp.communication_error'
  | 'token.idp_unreachable'
  | 'stack.insufficient_capabilities'
  | 'stack.change_set_not_found'
  | 'stack.invalid_change_set_status'
  | 'client.outdated'

/** The one error class of Lanyard: a stable `code` plus a message safe to show a client. */
export class LanyardError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LanyardError'
    this.code = code
  }
}

/** True when `err` is a {@link LanyardError}, optionally with the given code. */
export function isLanyardError(err: unknown, code?: ErrorCode): err is LanyardError {
  return err instanceof LanyardError && (code === undefined || err.code === code)
}
