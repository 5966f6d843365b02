import { describe, expect, it } from 'vitest'
import { type ErrorCode, LanyardError } from '../errors.js'
import { toAwsError, type WireProtocol } from './aws-errors.js'

describe('toAwsError', () => {
  it.each<[ErrorCode, WireProtocol, number, string]>([
    ['entity.not_found', 'iam', 404, 'NoSuchEntity'],
    ['entity.exists', 'iam', 409, 'EntityAlreadyExists'],
    ['entity.limit_exceeded', 'iam', 409, 'LimitExceeded'],
    ['entity.delete_conflict', 'iam', 409, 'DeleteConflict'],
    ['policy.malformed', 'iam', 400, 'MalformedPolicyDocument'],
    ['request.invalid', 'iam', 400, 'InvalidInput'],
    ['request.validation', 'iam', 400, 'ValidationError'],
    ['request.unknown_action', 'iam', 400, 'InvalidAction'],
    ['signature.missing', 'iam', 403, 'MissingAuthenticationToken'],
    ['signature.incomplete', 'sts', 400, 'IncompleteSignature'],
    ['signature.mismatch', 'sts', 403, 'SignatureDoesNotMatch'],
    ['signature.expired', 'iam', 403, 'SignatureDoesNotMatch'],
    ['credentials.unknown_key', 'iam', 403, 'InvalidClientTokenId'],
    ['credentials.expired', 'sts', 403, 'ExpiredToken'],
    ['token.malformed', 'sts', 400, 'InvalidIdentityToken'],
    ['token.expired', 'sts', 400, 'ExpiredTokenException'],
    ['trust.denied', 'sts', 403, 'AccessDenied'],
    ['mfa.failed', 'sts', 403, 'AccessDenied'],
    ['policy.too_large', 'sts', 400, 'PackedPolicyTooLarge'],
    ['entity.not_found', 'eks', 404, 'ResourceNotFoundException'],
    ['entity.exists', 'eks', 409, 'ResourceInUseException'],
    ['access.denied', 'eks', 403, 'AccessDeniedException'],
  ])('%s on %s → %i %s', (code, protocol, status, awsCode) => {
    const e = toAwsError(new LanyardError(code, 'm'), protocol)
    expect([e.status, e.code, e.type, e.message]).toEqual([status, awsCode, 'Sender', 'm'])
  })

  it('turns anything else into an internal failure without its text', () => {
    const e = toAwsError(new Error('secret detail: AKIA…'), 'iam')
    expect(e).toMatchObject({ status: 500, code: 'InternalFailure', type: 'Receiver' })
    expect(e.message).not.toContain('secret')
  })
})
