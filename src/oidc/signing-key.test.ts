import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { base64url, calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import {
  generateSigningKey,
  importSigningKey,
  type SigningKey,
  signingCryptoKey,
  toPublicJwk,
} from './signing-key.js'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi']

/** RFC 7638 §3.2-3.3 computed by hand with node:crypto, independent of jose. */
function rfc7638(jwk: { e: string; kty: string; n: string }): string {
  const canonical = `{"e":"${jwk.e}","kty":"${jwk.kty}","n":"${jwk.n}"}`
  return createHash('sha256').update(canonical).digest('base64url')
}

function readFixture(path: string): JWK {
  const url = new URL(`../../test/fixtures/jose-vectors/rfc7520-cookbook/${path}`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as JWK
}

// RFC 7638 §3.1 example key; the RFC states its thumbprint.
const RFC7638_KEY = {
  kty: 'RSA',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP' +
    'ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY' +
    '368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f' +
    'M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
}
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'

let key: SigningKey

beforeAll(async () => {
  key = await generateSigningKey({ now: Date.UTC(2026, 0, 2, 3, 4, 5) })
})

describe('generateSigningKey', () => {
  it('makes an RS256 RSA-2048 key with e = 65537', () => {
    expect(key.alg).toBe('RS256')
    expect(key.publicJwk.kty).toBe('RSA')
    expect(key.publicJwk.e).toBe('AQAB')
    expect(base64url.decode(key.publicJwk.n).length * 8).toBe(2048)
    expect(key.createdAt).toBe('2026-01-02T03:04:05.000Z')
  })

  it('uses the RFC 7638 SHA-256 thumbprint as kid', async () => {
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'))
    expect(key.kid).toBe(rfc7638(key.publicJwk))
    expect(key.publicJwk.kid).toBe(key.kid)
    expect(key.privateJwk.kid).toBe(key.kid)
  })

  it('keeps the public jwk to exactly the published members', () => {
    expect(Object.keys(key.publicJwk)).toEqual(['kty', 'kid', 'use', 'alg', 'n', 'e'])
    for (const member of PRIVATE_MEMBERS) expect(key.publicJwk).not.toHaveProperty(member)
  })

  it('stores the private jwk with every CRT member', () => {
    for (const member of PRIVATE_MEMBERS)
      expect(typeof key.privateJwk[member as 'd']).toBe('string')
  })

  it('is JSON-serialisable and survives a storage round trip', async () => {
    const stored = JSON.parse(JSON.stringify(key)) as SigningKey
    const again = await importSigningKey(stored.privateJwk, { createdAt: stored.createdAt })
    expect(again).toEqual(key)
  })

  it('gives distinct keys', async () => {
    const other = await generateSigningKey({ now: 0 })
    expect(other.kid).not.toBe(key.kid)
  })
})

describe('toPublicJwk and thumbprints', () => {
  it('reproduces the RFC 7638 §3.1 example thumbprint', async () => {
    const jwk = await toPublicJwk(RFC7638_KEY)
    expect(jwk.kid).toBe(RFC7638_THUMBPRINT)
    expect(await calculateJwkThumbprint(RFC7638_KEY, 'sha256')).toBe(RFC7638_THUMBPRINT)
    expect(rfc7638(RFC7638_KEY)).toBe(RFC7638_THUMBPRINT)
  })

  it('imports the RFC 7520 §3.3 cookbook RSA public key and thumbprints it consistently', async () => {
    const cookbook = readFixture('jwk/3_3.rsa_public_key.json')
    expect(cookbook.kid).toBe('bilbo.baggins@hobbiton.example')
    const jwk = await toPublicJwk(cookbook)
    const byHand = rfc7638(cookbook as { e: string; kty: string; n: string })
    expect(jwk.kid).toBe(byHand)
    expect(jwk.kid).toBe(await calculateJwkThumbprint(cookbook, 'sha256'))
    // Re-export through both jose and node:crypto: the members, and so the thumbprint, survive.
    const viaJose = await exportJWK(await importJWK(cookbook, 'RS256'))
    const viaNode = createPublicKey({ key: cookbook as JsonWebKey, format: 'jwk' }).export({
      format: 'jwk',
    })
    for (const exported of [viaJose, viaNode]) {
      expect(exported.n).toBe(cookbook.n)
      expect(exported.e).toBe(cookbook.e)
      expect(await calculateJwkThumbprint(exported as JWK, 'sha256')).toBe(byHand)
    }
    expect(jwk).toEqual({
      kty: 'RSA',
      kid: byHand,
      use: 'sig',
      alg: 'RS256',
      n: cookbook.n,
      e: 'AQAB',
    })
  })

  it('does not let private members through', async () => {
    const jwk = await toPublicJwk(key.privateJwk)
    for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member)
    expect(jwk).toEqual(key.publicJwk)
  })

  it.each([
    { name: 'ec key', jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } },
    { name: 'oct key', jwk: { kty: 'oct', k: 'AAAA' } },
    { name: 'rsa without n', jwk: { kty: 'RSA', e: 'AQAB' } },
    {
      name: '1024-bit modulus',
      jwk: { kty: 'RSA', e: 'AQAB', n: base64url.encode(new Uint8Array(128).fill(0xff)) },
    },
    { name: 'empty modulus', jwk: { kty: 'RSA', e: 'AQAB', n: '' } },
  ])('refuses $name', async ({ jwk }) => {
    await expect(toPublicJwk(jwk as JWK)).rejects.toSatisfy((err) =>
      isLanyardError(err, 'config.invalid'),
    )
  })
})

describe('importSigningKey', () => {
  it('refuses a public key', async () => {
    await expect(importSigningKey(key.publicJwk)).rejects.toSatisfy((err) =>
      isLanyardError(err, 'config.invalid'),
    )
  })

  it('refuses a stored kid that is not the thumbprint', async () => {
    await expect(importSigningKey({ ...key.privateJwk, kid: 'other' })).rejects.toSatisfy((err) =>
      isLanyardError(err, 'config.invalid'),
    )
  })

  it('refuses private members that do not belong to the public key', async () => {
    const other = await generateSigningKey({ now: 0 })
    const { kid: _kid, ...spliced } = key.privateJwk
    for (const member of PRIVATE_MEMBERS) {
      ;(spliced as Record<string, unknown>)[member] = other.privateJwk[member as 'd']
    }
    await expect(importSigningKey(spliced)).rejects.toSatisfy((err) =>
      isLanyardError(err, 'config.invalid'),
    )
  })

  it('caches the imported CryptoKey per SigningKey object', async () => {
    const imported = await importSigningKey(key.privateJwk, { createdAt: key.createdAt })
    const first = signingCryptoKey(imported)
    expect(signingCryptoKey(imported)).toBe(first)
    expect((await first).type).toBe('private')
  })

  it('imports a hand-built SigningKey lazily, once', async () => {
    const plain = JSON.parse(JSON.stringify(key)) as SigningKey
    const first = signingCryptoKey(plain)
    expect(signingCryptoKey(plain)).toBe(first)
    expect((await first).algorithm.name).toBe('RSASSA-PKCS1-v1_5')
  })

  it('refuses a hand-built SigningKey whose kid is not its thumbprint', async () => {
    const plain = { ...(JSON.parse(JSON.stringify(key)) as SigningKey), kid: 'forged' }
    await expect(signingCryptoKey(plain)).rejects.toSatisfy((err) =>
      isLanyardError(err, 'config.invalid'),
    )
  })
})
