import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { buildJwks } from './jwks.js'
import {
  buildServiceAccountClaims,
  mintServiceAccountToken,
  type ServiceAccountTokenInput,
} from './mint-token.js'
import { deriveServiceAccountUid } from './service-account-uid.js'
import { generateSigningKey, type SigningKey } from './signing-key.js'

const ISS = 'https://oidc.lanyard.example/id/EC973221A6C1BC248C79CFD5455EEECC'
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0, 789)
const IAT = Math.floor(NOW / 1000)
const POD_UID = '0d8b1c7e-3f1a-4c55-9a0e-7d0c2b7e9f11'
const NODE_UID = '517e2a4c-9b1d-4e0f-8a6c-2f3b4d5e6a7b'
const SA_UID = 'e6a81d4c-5b2a-4f3e-9c8d-1a2b3c4d5e6f'

let key: SigningKey

beforeAll(async () => {
  key = await generateSigningKey({ now: 0 })
})

function base(overrides: Partial<ServiceAccountTokenInput> = {}): ServiceAccountTokenInput {
  return {
    issuer: ISS,
    key,
    namespace: 'default',
    serviceAccount: 'my-app',
    now: NOW,
    ...overrides,
  }
}

describe('mintServiceAccountToken', () => {
  it('verifies with jose against the published JWKS', async () => {
    const token = await mintServiceAccountToken(
      base({ jti: 'e51f1fbc-4733-4b85-a59f-ba80c0523874' }),
    )
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet(buildJwks([key])),
      {
        issuer: ISS,
        audience: 'sts.amazonaws.com',
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'nbf', 'sub', 'aud', 'iss', 'jti'],
        currentDate: new Date(NOW),
      },
    )
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: key.kid })
    expect(payload.sub).toBe('system:serviceaccount:default:my-app')
  })

  it('has the header of a kube-apiserver token: alg and kid, no typ', async () => {
    const header = decodeProtectedHeader(await mintServiceAccountToken(base()))
    expect(Object.keys(header)).toEqual(['alg', 'kid'])
  })

  it('carries exactly the projected-token claims, in kube-apiserver order (defaults)', async () => {
    const claims = decodeJwt(await mintServiceAccountToken(base({ jti: 'jti-1' })))
    expect(claims).toStrictEqual({
      aud: ['sts.amazonaws.com'],
      exp: IAT + 86_400,
      iat: IAT,
      iss: ISS,
      jti: 'jti-1',
      'kubernetes.io': {
        namespace: 'default',
        serviceaccount: { name: 'my-app', uid: deriveServiceAccountUid(ISS, 'default', 'my-app') },
      },
      nbf: IAT,
      sub: 'system:serviceaccount:default:my-app',
    })
    expect(Object.keys(claims)).toEqual([
      'aud',
      'exp',
      'iat',
      'iss',
      'jti',
      'kubernetes.io',
      'nbf',
      'sub',
    ])
  })

  it('carries pod and node bindings and explicit values', async () => {
    const claims = decodeJwt(
      await mintServiceAccountToken(
        base({
          namespace: 'kube-system',
          serviceAccount: 'aws-node',
          serviceAccountUid: SA_UID,
          audiences: ['sts.amazonaws.com', 'https://kubernetes.default.svc'],
          expirationSeconds: 3600,
          podName: 'aws-node-x7k2p',
          podUid: POD_UID,
          nodeName: 'ip-10-0-1-23.ec2.internal',
          nodeUid: NODE_UID,
          jti: 'jti-2',
        }),
      ),
    )
    expect(claims).toStrictEqual({
      aud: ['sts.amazonaws.com', 'https://kubernetes.default.svc'],
      exp: IAT + 3600,
      iat: IAT,
      iss: ISS,
      jti: 'jti-2',
      'kubernetes.io': {
        namespace: 'kube-system',
        node: { name: 'ip-10-0-1-23.ec2.internal', uid: NODE_UID },
        pod: { name: 'aws-node-x7k2p', uid: POD_UID },
        serviceaccount: { name: 'aws-node', uid: SA_UID },
      },
      nbf: IAT,
      sub: 'system:serviceaccount:kube-system:aws-node',
    })
    expect(Object.keys(claims['kubernetes.io'] as object)).toEqual([
      'namespace',
      'node',
      'pod',
      'serviceaccount',
    ])
  })

  it('gives a time-ordered uuid jti per token and the same derived uid', async () => {
    const [t1, t2] = await Promise.all([
      mintServiceAccountToken(base()),
      mintServiceAccountToken(base()),
    ])
    const c1 = decodeJwt(t1)
    const c2 = decodeJwt(t2)
    expect(c1.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(c1.jti).not.toBe(c2.jti)
    expect(c1['kubernetes.io']).toEqual(c2['kubernetes.io'])
    // The issue time's milliseconds lead, so tokens minted later sort later as text.
    const later = decodeJwt(await mintServiceAccountToken(base({ now: base().now + 1 })))
    expect((c1.jti as string).replace('-', '').slice(0, 12)).toBe(
      base().now.toString(16).padStart(12, '0'),
    )
    expect((later.jti as string) > (c1.jti as string)).toBe(true)
  })

  it('is rejected by jose once expired and before nbf', async () => {
    const token = await mintServiceAccountToken(base({ expirationSeconds: 600 }))
    const jwks = createLocalJWKSet(buildJwks([key]))
    await expect(
      jwtVerify(token, jwks, { currentDate: new Date(NOW + 600_000) }),
    ).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' })
    await expect(
      jwtVerify(token, jwks, { currentDate: new Date(NOW - 2_000) }),
    ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' })
  })

  it('fails signing for a forged kid', async () => {
    await expect(
      mintServiceAccountToken(base({ key: { ...key, kid: 'forged' } })),
    ).rejects.toSatisfy((err) => isLanyardError(err, 'config.invalid'))
  })
})

describe('buildServiceAccountClaims validation', () => {
  const cases: { name: string; input: Partial<ServiceAccountTokenInput> }[] = [
    { name: 'upper-case namespace', input: { namespace: 'Default' } },
    { name: 'namespace with a dot', input: { namespace: 'a.b' } },
    { name: 'namespace of 64 characters', input: { namespace: 'a'.repeat(64) } },
    { name: 'empty namespace', input: { namespace: '' } },
    { name: 'namespace with a colon (sub injection)', input: { namespace: 'a:b' } },
    { name: 'service account with a colon', input: { serviceAccount: 'x:y' } },
    { name: 'service account with underscore', input: { serviceAccount: 'my_app' } },
    { name: 'service account ending in dash', input: { serviceAccount: 'app-' } },
    { name: 'service account of 254 characters', input: { serviceAccount: 'a'.repeat(254) } },
    { name: 'service account with slash', input: { serviceAccount: 'a/b' } },
    { name: 'pod name without uid', input: { podName: 'p' } },
    { name: 'pod uid without name', input: { podUid: POD_UID } },
    { name: 'pod name upper-case', input: { podName: 'P', podUid: POD_UID } },
    { name: 'pod uid not a uuid', input: { podName: 'p', podUid: 'abc' } },
    { name: 'node name without uid', input: { nodeName: 'n' } },
    { name: 'node name invalid', input: { nodeName: 'n_1', nodeUid: NODE_UID } },
    { name: 'service account uid not a uuid', input: { serviceAccountUid: 'not-a-uid' } },
    { name: 'expiration below 600', input: { expirationSeconds: 599 } },
    { name: 'expiration above 2^32', input: { expirationSeconds: 2 ** 32 + 1 } },
    { name: 'fractional expiration', input: { expirationSeconds: 600.5 } },
    { name: 'NaN expiration', input: { expirationSeconds: Number.NaN } },
    { name: 'no audiences', input: { audiences: [] } },
    { name: 'empty audience', input: { audiences: ['sts.amazonaws.com', ''] } },
    { name: 'issuer with trailing slash', input: { issuer: `${ISS}/` } },
    { name: 'issuer not a url', input: { issuer: 'oidc.lanyard.example' } },
    { name: 'NaN now', input: { now: Number.NaN } },
    { name: 'negative now', input: { now: -1 } },
    { name: 'empty jti', input: { jti: '' } },
  ]

  it.each(cases)('refuses $name', ({ input }) => {
    expect(() => buildServiceAccountClaims(base(input))).toThrowError(
      expect.objectContaining({ name: 'LanyardError', code: 'request.invalid' }),
    )
  })

  it.each([
    { name: 'expiration of exactly 600', input: { expirationSeconds: 600 } },
    { name: 'expiration of exactly 2^32', input: { expirationSeconds: 2 ** 32 } },
    { name: 'namespace of 63 characters', input: { namespace: 'a'.repeat(63) } },
    { name: 'dotted service account', input: { serviceAccount: 'a.b-c.d' } },
    { name: 'upper-case uuid', input: { podName: 'p', podUid: POD_UID.toUpperCase() } },
    { name: 'duplicate audiences collapse', input: { audiences: ['a', 'a'] } },
  ])('accepts $name', ({ input }) => {
    expect(() => buildServiceAccountClaims(base(input))).not.toThrow()
  })

  it('rounds iat down to whole seconds', () => {
    const claims = buildServiceAccountClaims(base({ now: 1_999 }))
    expect([claims.iat, claims.nbf, claims.exp]).toEqual([1, 1, 86_401])
  })

  it('quotes input in messages but never more than 64 characters of it', () => {
    try {
      buildServiceAccountClaims(base({ namespace: 'X'.repeat(500) }))
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).toMatch(/^namespace `X{64}…` is not a valid dns-1123 label/)
    }
  })
})
