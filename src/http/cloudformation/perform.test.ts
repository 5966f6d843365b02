import { describe, expect, it } from 'vitest'
import { LanyardError } from '../../errors.js'
import { serviceFailure } from './perform.js'

describe('service failures as resource status reasons', () => {
  it.each<[string, LanyardError, string]>([
    [
      'IAM malformed policy',
      new LanyardError('policy.malformed', 'Syntax errors in policy.'),
      'Syntax errors in policy. (Service: AmazonIdentityManagement; Status Code: 400; Error Code: MalformedPolicyDocument; Request ID: r; Proxy: null)',
    ],
    [
      'IAM name taken',
      new LanyardError('entity.exists', 'Role with name x already exists.'),
      'Role with name x already exists. (Service: AmazonIdentityManagement; Status Code: 409; Error Code: EntityAlreadyExists; Request ID: r; Proxy: null)',
    ],
    [
      'IAM access denied',
      new LanyardError('access.denied', 'User: u is not authorized'),
      'User: u is not authorized (Service: AmazonIdentityManagement; Status Code: 403; Error Code: AccessDenied; Request ID: r; Proxy: null)',
    ],
    [
      'EKS name taken',
      new LanyardError('entity.exists', 'Cluster already exists with name: c'),
      'Cluster already exists with name: c (Service: Eks; Status Code: 409; Error Code: ResourceInUseException; Request ID: r; Proxy: null)',
    ],
    [
      'EKS access denied',
      new LanyardError('access.denied', 'denied'),
      'denied (Service: Eks; Status Code: 403; Error Code: AccessDeniedException; Request ID: r; Proxy: null)',
    ],
    [
      'Lambda role not assumable',
      new LanyardError(
        'trust.denied',
        'The role defined for the function cannot be assumed by Lambda.',
      ),
      'The role defined for the function cannot be assumed by Lambda. (Service: Lambda; Status Code: 400; Error Code: InvalidParameterValueException; Request ID: r; Proxy: null)',
    ],
  ])('%s', (_name, err, message) => {
    const out = serviceFailure(
      _name.startsWith('IAM') ? 'iam' : _name.startsWith('EKS') ? 'eks' : 'lambda',
      err,
      'r',
    )
    expect(out).toBeInstanceOf(LanyardError)
    expect((out as Error).message).toBe(message)
  })

  it('passes unexpected errors through untouched', () => {
    const err = new Error('boom')
    expect(serviceFailure('iam', err, 'r')).toBe(err)
  })
})
