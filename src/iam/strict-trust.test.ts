import { describe, expect, it } from 'vitest'
import { strictTrustViolation } from './strict-trust.js'

const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC'
const URL = 'oidc.example.com/id/ABC'

const trust = (statement: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', ...statement }],
})

describe('strictTrustViolation', () => {
  it.each([
    {
      name: 'sub and aud under one operator',
      doc: trust({
        Principal: { Federated: PROVIDER },
        Condition: {
          StringEquals: {
            [`${URL}:sub`]: 'system:serviceaccount:a:b',
            [`${URL}:aud`]: 'sts.amazonaws.com',
          },
        },
      }),
      ok: true,
    },
    {
      name: 'sub and aud under different operators, key case differs',
      doc: trust({
        Principal: { Federated: [PROVIDER] },
        Condition: {
          StringLike: { [`${URL}:SUB`]: 'system:serviceaccount:a:*' },
          StringEquals: { [`${URL}:aud`]: 'sts.amazonaws.com' },
        },
      }),
      ok: true,
    },
    { name: 'no condition', doc: trust({ Principal: { Federated: PROVIDER } }), ok: false },
    {
      name: 'only sub',
      doc: trust({
        Principal: { Federated: PROVIDER },
        Condition: { StringEquals: { [`${URL}:sub`]: 'x' } },
      }),
      ok: false,
    },
    {
      name: 'condition on another provider',
      doc: trust({
        Principal: { Federated: PROVIDER },
        Condition: { StringEquals: { 'other.example.com:sub': 'x', 'other.example.com:aud': 'y' } },
      }),
      ok: false,
    },
    {
      name: 'service principal',
      doc: trust({ Principal: { Service: 'ec2.amazonaws.com' } }),
      ok: true,
    },
    {
      name: 'non-OIDC federated',
      doc: trust({ Principal: { Federated: 'accounts.google.com' } }),
      ok: true,
    },
    {
      name: 'Deny statement needs no conditions',
      doc: { Statement: { Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: '*' } },
      ok: true,
    },
  ])('$name', ({ doc, ok }) => {
    const violation = strictTrustViolation(doc)
    if (ok) expect(violation).toBeUndefined()
    else expect(violation).toContain(`${URL}:`)
  })
})
