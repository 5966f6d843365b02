import { describe, expect, it } from 'vitest'
import { checkPolicyDocument } from './policy-check.js'

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
    },
  ],
})
const IDENTITY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
})

describe('checkPolicyDocument (through the policy engine)', () => {
  it.each([
    { name: 'trust policy', text: TRUST, kind: 'trust' as const, ok: true },
    { name: 'identity policy', text: IDENTITY, kind: 'identity' as const, ok: true },
    {
      name: 'identity policy as a trust policy',
      text: IDENTITY,
      kind: 'trust' as const,
      ok: false,
    },
    {
      name: 'trust policy as an identity policy',
      text: TRUST,
      kind: 'identity' as const,
      ok: false,
    },
    {
      name: 'URL-encoded JSON (aws-sdk-js #1444)',
      text: encodeURIComponent(TRUST),
      kind: 'trust' as const,
      ok: false,
      message: 'This policy contains invalid Json',
    },
    {
      name: 'truncated JSON',
      text: '{"Version":',
      kind: 'identity' as const,
      ok: false,
      message: 'This policy contains invalid Json',
    },
  ])('$name', ({ text, kind, ok, message }) => {
    const result = checkPolicyDocument(text, kind)
    expect(result.ok).toBe(ok)
    if (!result.ok) {
      expect(result.message).not.toBe('')
      if (message !== undefined) expect(result.message).toBe(message)
    }
  })

  it('does not apply the engine default size quota (IAM enforces its configured ones)', () => {
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: Array.from({ length: 100 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      })),
    })
    expect(big.length).toBeGreaterThan(2048)
    expect(checkPolicyDocument(big, 'trust').ok).toBe(true)
  })
})
