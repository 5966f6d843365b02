import { describe, expect, it } from 'vitest'
import { writeWebIdentityKeys } from './web-identity-keys.js'

const keys = (url: string, claims: Record<string, unknown>, audience = 'sts.amazonaws.com') => {
  const values: Record<string, string | string[]> = {}
  writeWebIdentityKeys(values, url, { subject: 'sub-1', audience, claims })
  return values
}

describe('writeWebIdentityKeys', () => {
  const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/ABC'

  it.each([
    [
      'sub and the matched aud',
      EKS,
      {},
      { [`${EKS}:sub`]: 'sub-1', [`${EKS}:aud`]: 'sts.amazonaws.com' },
    ],
    ['azp when it is a string', EKS, { azp: 'app' }, { [`${EKS}:azp`]: 'app' }],
    ['amr as a list', EKS, { amr: ['pwd', 7, 'mfa'] }, { [`${EKS}:amr`]: ['pwd', 'mfa'] }],
    ['amr given as one string', EKS, { amr: 'pwd' }, { [`${EKS}:amr`]: ['pwd'] }],
    [
      "Google's aud is azp, and oaud its aud",
      'accounts.google.com',
      { azp: 'android' },
      {
        'accounts.google.com:aud': 'android',
        'accounts.google.com:oaud': 'sts.amazonaws.com',
        'accounts.google.com:azp': 'android',
      },
    ],
    [
      "Google's aud without azp",
      'accounts.google.com',
      {},
      {
        'accounts.google.com:aud': 'sts.amazonaws.com',
        'accounts.google.com:oaud': 'sts.amazonaws.com',
      },
    ],
  ])('%s', (_, url, claims, expected) => {
    expect(keys(url, claims)).toMatchObject(expected)
  })

  it('writes no azp, amr or oaud a token does not give', () => {
    expect(Object.keys(keys(EKS, { azp: 5, amr: { a: 1 } })).sort()).toEqual([
      `${EKS}:aud`,
      `${EKS}:sub`,
    ])
  })
})
