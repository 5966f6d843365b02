import { createHash, createPublicKey } from 'node:crypto'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildJwks, kubernetesKeyId } from './jwks.js'
import { mintServiceAccountToken } from './mint-token.js'
import { generateSigningKey, type SigningKey } from './signing-key.js'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
const ISS = 'https://issuer.example/id/EC973221A6C1BC248C79CFD5455EEECC'

let a: SigningKey
let b: SigningKey

beforeAll(async () => {
  ;[a, b] = await Promise.all([generateSigningKey({ now: 0 }), generateSigningKey({ now: 1 })])
})

describe('buildJwks', () => {
  it("publishes each key with exactly kty, kid, use, alg, n, e, under its RFC 7638 kid and kube-apiserver's", () => {
    const jwks = buildJwks([a, b])
    expect(jwks.keys).toHaveLength(4)
    for (const [i, k] of [a, b].entries()) {
      for (const [j, kid] of [k.kid, kubernetesKeyId(k.publicJwk.n, k.publicJwk.e)].entries()) {
        const entry = jwks.keys[2 * i + j]
        expect(entry).toEqual({
          kty: 'RSA',
          kid,
          use: 'sig',
          alg: 'RS256',
          n: k.publicJwk.n,
          e: 'AQAB',
        })
        expect(Object.keys(entry ?? {})).toEqual(['kty', 'kid', 'use', 'alg', 'n', 'e'])
      }
    }
  })

  it('computes the kid kube-apiserver uses: base64url(SHA-256(DER SPKI))', () => {
    const der = createPublicKey({ key: { ...a.publicJwk }, format: 'jwk' }).export({
      type: 'spki',
      format: 'der',
    })
    expect(kubernetesKeyId(a.publicJwk.n, a.publicJwk.e)).toBe(
      createHash('sha256').update(der).digest('base64url'),
    )
    expect(kubernetesKeyId(a.publicJwk.n, a.publicJwk.e)).not.toBe(a.kid)
  })

  it('never contains private members, even from a polluted publicJwk', () => {
    const polluted: SigningKey = {
      ...a,
      publicJwk: { ...a.privateJwk, ...a.publicJwk } as SigningKey['publicJwk'],
    }
    expect(polluted.publicJwk).toHaveProperty('d')
    const text = JSON.stringify(buildJwks([polluted, b]))
    const parsed = JSON.parse(text) as { keys: Record<string, unknown>[] }
    for (const jwk of parsed.keys) {
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member)
    }
    expect(text).not.toContain(a.privateJwk.d)
  })

  it('keeps one entry per kid', () => {
    const ka = kubernetesKeyId(a.publicJwk.n, a.publicJwk.e)
    const kb = kubernetesKeyId(b.publicJwk.n, b.publicJwk.e)
    expect(buildJwks([a, a, b, a]).keys.map((k) => k.kid)).toEqual([a.kid, ka, b.kid, kb])
  })

  it('is empty for no keys', () => {
    expect(buildJwks([])).toEqual({ keys: [] })
  })

  it('verifies tokens from either key through jose createLocalJWKSet', async () => {
    const jwks = createLocalJWKSet(buildJwks([a, b]))
    const now = Date.UTC(2026, 0, 1)
    for (const key of [a, b]) {
      const token = await mintServiceAccountToken({
        issuer: ISS,
        key,
        namespace: 'default',
        serviceAccount: 'app',
        now,
      })
      const { protectedHeader } = await jwtVerify(token, jwks, {
        issuer: ISS,
        audience: 'sts.amazonaws.com',
        currentDate: new Date(now),
      })
      expect(protectedHeader.kid).toBe(key.kid)
    }
  })

  it('does not verify tokens from a key that is not published', async () => {
    const now = Date.UTC(2026, 0, 1)
    const token = await mintServiceAccountToken({
      issuer: ISS,
      key: b,
      namespace: 'default',
      serviceAccount: 'app',
      now,
    })
    await expect(
      jwtVerify(token, createLocalJWKSet(buildJwks([a])), { currentDate: new Date(now) }),
    ).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
  })
})
