import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { kubernetesIdentity, sessionTagsClaim, sourceIdentityClaim } from './identity-claims.js'

const TAGS = 'https://aws.amazon.com/tags'
const SOURCE = 'https://aws.amazon.com/source_identity'

describe('kubernetesIdentity', () => {
  it('reads the projected service-account token claim', () => {
    expect(
      kubernetesIdentity({
        'kubernetes.io': {
          namespace: 'default',
          serviceaccount: { name: 'app', uid: 'sa-uid' },
          pod: { name: 'app-0', uid: 'pod-uid' },
          warnafter: 1,
        },
      }),
    ).toEqual({
      namespace: 'default',
      serviceAccount: { name: 'app', uid: 'sa-uid' },
      pod: { name: 'app-0', uid: 'pod-uid' },
    })
  })

  it.each([
    ['absent', {}, undefined],
    ['not an object', { 'kubernetes.io': 'x' }, undefined],
    [
      'members of the wrong type are left out',
      { 'kubernetes.io': { namespace: 1, serviceaccount: { name: 'a' }, pod: [] } },
      { namespace: undefined, serviceAccount: undefined, pod: undefined },
    ],
  ])('%s', (_name, claims, expected) => {
    expect(kubernetesIdentity(claims)).toEqual(expected)
  })
})

describe('sessionTagsClaim', () => {
  it('reads principal and transitive tags in order', () => {
    expect(
      sessionTagsClaim({
        [TAGS]: {
          principal_tags: { Project: ['Automation'], CostCenter: '987654' },
          transitive_tag_keys: ['Project'],
        },
      }),
    ).toEqual({
      principalTags: [
        { key: 'Project', value: 'Automation' },
        { key: 'CostCenter', value: '987654' },
      ],
      transitiveTagKeys: ['Project'],
    })
  })

  it('keeps a tag named __proto__ as data', () => {
    const claims = JSON.parse(`{"${TAGS}":{"principal_tags":{"__proto__":["x"]}}}`)
    expect(sessionTagsClaim(claims)?.principalTags).toEqual([{ key: '__proto__', value: 'x' }])
  })

  it.each([
    ['claim not an object', { [TAGS]: [] }],
    ['principal_tags not an object', { [TAGS]: { principal_tags: [] } }],
    ['two values for a tag', { [TAGS]: { principal_tags: { a: ['x', 'y'] } } }],
    ['a number value', { [TAGS]: { principal_tags: { a: 1 } } }],
    ['transitive keys not strings', { [TAGS]: { transitive_tag_keys: [1] } }],
  ])('token.malformed: %s', (_name, claims) => {
    try {
      sessionTagsClaim(claims)
      expect.unreachable()
    } catch (err) {
      expect(isLanyardError(err, 'token.malformed')).toBe(true)
    }
  })
})

describe('sourceIdentityClaim', () => {
  it('reads the claim', () => {
    expect(sourceIdentityClaim({ [SOURCE]: 'Admin' })).toBe('Admin')
    expect(sourceIdentityClaim({})).toBeUndefined()
    expect(() => sourceIdentityClaim({ [SOURCE]: 1 })).toThrow()
  })
})
