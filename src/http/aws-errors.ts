import { type ErrorCode, LanyardError } from '../errors.js'

/** The one place where domain errors become AWS wire errors. */
export type WireProtocol = 'iam' | 'sts' | 'cloudformation' | 'eks' | 'plain'

export interface AwsError {
  status: number
  code: string
  type: 'Sender' | 'Receiver'
  message: string
}

type Mapping = { status: number; code: string }

const COMMON: Partial<Record<ErrorCode, Mapping>> = {
  'request.validation': { status: 400, code: 'ValidationError' },
  'request.malformed': { status: 400, code: 'MalformedQueryString' },
  'request.unknown_action': { status: 400, code: 'InvalidAction' },
  'request.too_large': { status: 413, code: 'RequestEntityTooLarge' },
  'request.unsupported_media': { status: 415, code: 'UnsupportedMediaType' },
  'request.invalid': { status: 400, code: 'InvalidParameterValue' },
  'signature.missing': { status: 403, code: 'MissingAuthenticationToken' },
  'signature.incomplete': { status: 400, code: 'IncompleteSignature' },
  'signature.mismatch': { status: 403, code: 'SignatureDoesNotMatch' },
  'signature.expired': { status: 403, code: 'SignatureDoesNotMatch' },
  'credentials.unknown_key': { status: 403, code: 'InvalidClientTokenId' },
  'credentials.expired': { status: 403, code: 'ExpiredToken' },
  'access.denied': { status: 403, code: 'AccessDenied' },
  'policy.malformed': { status: 400, code: 'MalformedPolicyDocument' },
}

const BY_PROTOCOL: Record<WireProtocol, Partial<Record<ErrorCode, Mapping>>> = {
  iam: {
    'request.invalid': { status: 400, code: 'InvalidInput' },
    'entity.not_found': { status: 404, code: 'NoSuchEntity' },
    'entity.exists': { status: 409, code: 'EntityAlreadyExists' },
    'entity.limit_exceeded': { status: 409, code: 'LimitExceeded' },
    'entity.delete_conflict': { status: 409, code: 'DeleteConflict' },
    'entity.not_attachable': { status: 400, code: 'PolicyNotAttachable' },
    'policy.too_large': { status: 409, code: 'LimitExceeded' },
    'idp.communication_error': { status: 400, code: 'OpenIdIdpCommunicationError' },
  },
  sts: {
    'request.invalid': { status: 400, code: 'ValidationError' },
    'token.malformed': { status: 400, code: 'InvalidIdentityToken' },
    'token.bad_signature': { status: 400, code: 'InvalidIdentityToken' },
    'token.untrusted_issuer': { status: 400, code: 'InvalidIdentityToken' },
    'token.audience_mismatch': { status: 400, code: 'InvalidIdentityToken' },
    'token.expired': { status: 400, code: 'ExpiredTokenException' },
    'trust.denied': { status: 403, code: 'AccessDenied' },
    'mfa.failed': { status: 403, code: 'AccessDenied' },
    'policy.too_large': { status: 400, code: 'PackedPolicyTooLarge' },
    'entity.not_found': { status: 403, code: 'AccessDenied' },
    'idp.communication_error': { status: 400, code: 'IDPCommunicationError' },
    'token.idp_unreachable': { status: 400, code: 'IDPCommunicationError' },
  },
  cloudformation: {
    'request.invalid': { status: 400, code: 'ValidationError' },
    'entity.not_found': { status: 400, code: 'ValidationError' },
    'entity.exists': { status: 400, code: 'AlreadyExistsException' },
    'entity.limit_exceeded': { status: 400, code: 'LimitExceededException' },
    'stack.insufficient_capabilities': { status: 400, code: 'InsufficientCapabilitiesException' },
    'stack.change_set_not_found': { status: 404, code: 'ChangeSetNotFound' },
    'stack.invalid_change_set_status': { status: 400, code: 'InvalidChangeSetStatus' },
  },
  eks: {
    'request.invalid': { status: 400, code: 'InvalidParameterException' },
    'request.validation': { status: 400, code: 'InvalidParameterException' },
    'entity.not_found': { status: 404, code: 'ResourceNotFoundException' },
    'entity.exists': { status: 409, code: 'ResourceInUseException' },
    'entity.limit_exceeded': { status: 400, code: 'ResourceLimitExceededException' },
    'access.denied': { status: 403, code: 'AccessDeniedException' },
    'signature.missing': { status: 403, code: 'MissingAuthenticationTokenException' },
    'signature.mismatch': { status: 403, code: 'InvalidSignatureException' },
    'signature.expired': { status: 403, code: 'InvalidSignatureException' },
    'credentials.unknown_key': { status: 403, code: 'UnrecognizedClientException' },
    'credentials.expired': { status: 403, code: 'ExpiredTokenException' },
  },
  plain: {},
}

const INTERNAL: AwsError = {
  status: 500,
  code: 'InternalFailure',
  type: 'Receiver',
  message: 'The request processing has failed because of an unknown error, exception or failure.',
}

/**
 * Maps any thrown value to the wire error of `protocol`. Anything that is not a LanyardError is
 * an internal failure: its text never reaches the client.
 */
export function toAwsError(err: unknown, protocol: WireProtocol): AwsError {
  if (!(err instanceof LanyardError)) return INTERNAL
  const m = BY_PROTOCOL[protocol][err.code] ?? COMMON[err.code]
  if (!m) return INTERNAL
  return { ...m, type: m.status >= 500 ? 'Receiver' : 'Sender', message: err.message }
}
