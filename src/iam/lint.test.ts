import { describe, expect, it } from 'vitest'
import { lintPolicyDocument, lintRoleTrust } from './lint.js'

const URL = 'oidc.example.com/id/ABC'
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${URL}`
const trust = (condition?: Record<string, Record<string, string>>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition && { Condition: condition }),
      },
    ],
  })

describe('lintRoleTrust (for `lanyard role lint`)', () => {
  it.each([
    {
      name: 'one service account, right audience',
      text: trust({
        StringEquals: {
          [`${URL}:sub`]: 'system:serviceaccount:ns:sa',
          [`${URL}:aud`]: 'sts.amazonaws.com',
        },
      }),
      codes: [],
      strict: false,
      subject: 'ns',
    },
    {
      name: 'no conditions',
      text: trust(),
      codes: ['oidc.sub_missing', 'oidc.aud_missing'],
      strict: true,
      subject: URL,
    },
    {
      name: 'sub only',
      text: trust({ StringEquals: { [`${URL}:sub`]: 'system:serviceaccount:ns:sa' } }),
      codes: ['oidc.aud_missing'],
      strict: true,
      subject: 'ns',
    },
  ])('$name', ({ text, codes, strict, subject }) => {
    const r = lintRoleTrust(text)
    if (!r.ok) throw new Error(r.message)
    expect(r.findings.map((f) => f.code)).toEqual(codes)
    expect(r.strictTrustViolation !== undefined).toBe(strict)
    if (strict) expect(r.strictTrustViolation).toContain(`${URL}:`)
    expect(r.trustedSubjects.length).toBeGreaterThan(0)
    expect(r.trustedSubjects.join('\n')).toContain(subject)
  })

  it.each([
    { name: 'invalid JSON', text: '{', message: 'This policy contains invalid Json' },
    {
      name: 'an identity policy',
      text: JSON.stringify({
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      }),
    },
  ])('refuses what CreateRole refuses: $name', ({ text, message }) => {
    const r = lintRoleTrust(text)
    expect(r.ok).toBe(false)
    if (!r.ok && message !== undefined) expect(r.message).toBe(message)
  })
})

describe('lintPolicyDocument', () => {
  it.each([
    {
      name: 'identity: NotAction',
      kind: 'identity' as const,
      text: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}',
      ok: true,
      codes: ['statement.allow_not_action'],
    },
    {
      name: 'identity: a trust policy is malformed',
      kind: 'identity' as const,
      text: trust(),
      ok: false,
      codes: [],
    },
    {
      name: 'trust: no conditions',
      kind: 'trust' as const,
      text: trust(),
      ok: true,
      codes: ['oidc.sub_missing', 'oidc.aud_missing'],
    },
  ])('$name', ({ kind, text, ok, codes }) => {
    const r = lintPolicyDocument(text, kind)
    expect(r.ok).toBe(ok)
    if (r.ok) expect(r.findings.map((f) => f.code)).toEqual(codes)
    else expect(r.message).not.toBe('')
  })
})
