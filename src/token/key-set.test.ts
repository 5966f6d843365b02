import { generateKeyPairSync } from 'node:crypto'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { type AlgorithmSpec, algorithmSpec, type TokenAlgorithm } from './algorithms.js'
import { buildKeySet } from './key-set.js'
import { hasRocaFingerprint } from './roca.js'

const spec = (alg: TokenAlgorithm): AlgorithmSpec => algorithmSpec(alg) as AlgorithmSpec

let rsa: JWK
let rsaOther: JWK
let p256: JWK
let p384: JWK
let p521: JWK

const publicJwk = async (alg: string): Promise<JWK> =>
  exportJWK((await generateKeyPair(alg, { extractable: true })).publicKey)

beforeAll(async () => {
  ;[rsa, rsaOther, p256, p384, p521] = await Promise.all([
    publicJwk('RS256'),
    publicJwk('RS256'),
    publicJwk('ES256'),
    publicJwk('ES384'),
    publicJwk('ES512'),
  ])
})

describe('buildKeySet: members', () => {
  const cases: {
    name: string
    jwk: () => Record<string, unknown>
    usable: boolean
  }[] = [
    { name: 'RSA 2048 without alg/use', jwk: () => ({ ...rsa, kid: 'a' }), usable: true },
    {
      name: 'RSA with use sig and alg RS256',
      jwk: () => ({ ...rsa, use: 'sig', alg: 'RS256' }),
      usable: true,
    },
    { name: 'RSA with key_ops verify', jwk: () => ({ ...rsa, key_ops: ['verify'] }), usable: true },
    { name: 'EC P-256', jwk: () => ({ ...p256 }), usable: true },
    { name: 'EC P-384', jwk: () => ({ ...p384 }), usable: true },
    { name: 'EC P-521', jwk: () => ({ ...p521 }), usable: true },
    { name: 'use enc (JWT-17)', jwk: () => ({ ...rsa, use: 'enc' }), usable: false },
    {
      name: 'key_ops encrypt (JWT-17)',
      jwk: () => ({ ...rsa, key_ops: ['encrypt'] }),
      usable: false,
    },
    { name: 'key_ops not an array', jwk: () => ({ ...rsa, key_ops: 'verify' }), usable: false },
    { name: 'alg PS256 (refused algorithm)', jwk: () => ({ ...rsa, alg: 'PS256' }), usable: false },
    { name: 'alg RSA1_5', jwk: () => ({ ...rsa, alg: 'RSA1_5' }), usable: false },
    { name: 'alg ES256 on an RSA key', jwk: () => ({ ...rsa, alg: 'ES256' }), usable: false },
    { name: 'alg ES384 on a P-256 key', jwk: () => ({ ...p256, alg: 'ES384' }), usable: false },
    {
      name: 'unknown kty OKP',
      jwk: () => ({ kty: 'OKP', crv: 'Ed25519', x: 'AA' }),
      usable: false,
    },
    { name: 'unsupported curve', jwk: () => ({ ...p256, crv: 'secp256k1' }), usable: false },
    { name: 'P-256 point declared P-384', jwk: () => ({ ...p256, crv: 'P-384' }), usable: false },
    { name: 'EC point off the curve', jwk: () => ({ ...p256, y: p256.x }), usable: false },
    { name: 'non-string kid (JWT-03)', jwk: () => ({ ...rsa, kid: 123 }), usable: false },
    {
      name: 'no kid member (STS needs "kid": "")',
      jwk: () => ({ ...rsa, kid: undefined }),
      usable: false,
    },
    { name: 'RSA without e', jwk: () => ({ kty: 'RSA', n: rsa.n }), usable: false },
    { name: 'garbage modulus', jwk: () => ({ kty: 'RSA', n: '!!', e: 'AQAB' }), usable: false },
  ]
  it.each(cases)('$name', async ({ jwk, usable }) => {
    const set = await buildKeySet({ keys: [{ kid: 'k', ...jwk() }] })
    expect(set.size).toBe(usable ? 1 : 0)
    expect(set.skipped.length).toBe(usable ? 0 : 1)
  })

  it('refuses RSA keys shorter than 2048 bits (JWT-18)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const set = await buildKeySet({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k' }] })
    expect(set.size).toBe(0)
    expect(set.skipped[0]?.reason).toMatch(/2048/)
  })

  it('accepts e = 3 but not an even or unit exponent', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 })
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k' }
    expect((await buildKeySet({ keys: [jwk] })).size).toBe(1)
    expect((await buildKeySet({ keys: [{ ...jwk, e: 'AQ' }] })).size).toBe(0)
  })
})

describe('buildKeySet: whole set', () => {
  it.each([
    ['not an object', 'keys'],
    ['an array', [{}]],
    ['no keys member', {}],
    ['keys not an array', { keys: {} }],
  ])('refuses %s', async (_name, jwks) => {
    await expect(buildKeySet(jwks)).rejects.toThrow()
  })

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])(
    'refuses a set with a private member `%s` (Wycheproof MixedKeySet)',
    async (member) => {
      await expect(
        buildKeySet({ keys: [{ ...rsa }, { ...p256, [member]: 'AQAB' }] }),
      ).rejects.toThrow(/private or symmetric/)
    },
  )

  it('refuses a symmetric key in the set', async () => {
    await expect(
      buildKeySet({ keys: [{ ...rsa }, { kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }] }),
    ).rejects.toThrow()
  })

  it('refuses more keys than the cap (OIDC-07)', async () => {
    const keys = Array.from({ length: 3 }, (_, i) => ({ ...rsa, kid: String(i) }))
    await expect(buildKeySet({ keys }, { maxKeys: 2 })).rejects.toThrow(/too many/)
    expect((await buildKeySet({ keys }, { maxKeys: 3 })).size).toBe(3)
  })

  it('skips non-object members and keeps the rest', async () => {
    const set = await buildKeySet({ keys: ['x', null, { ...rsa, kid: 'a' }] })
    expect(set.size).toBe(1)
    expect(set.skipped.map((s) => s.index)).toEqual([0, 1])
  })
})

describe('KeySet.select', () => {
  it('matches kid exactly, never by prefix, case or path (JWT-03)', async () => {
    const set = await buildKeySet({ keys: [{ ...rsa, kid: 'key-1' }] })
    expect(set.select(spec('RS256'), 'key-1')).not.toBe('none')
    for (const kid of ['KEY-1', 'key-', 'key-1 ', '../key-1', "' OR '1'='1", 'x'.repeat(10_000)]) {
      expect(set.select(spec('RS256'), kid)).toBe('none')
    }
  })

  it('matches a kid-less token only to a key whose kid is "" (as STS does)', async () => {
    const withKid = await buildKeySet({ keys: [{ ...rsa, kid: 'k' }] })
    expect(withKid.select(spec('RS256'), undefined)).toBe('none')
    const emptyKid = await buildKeySet({
      keys: [
        { ...rsa, kid: 'k' },
        { ...rsa, kid: '' },
      ],
    })
    expect(emptyKid.select(spec('RS256'), undefined)).toMatchObject({ kid: '' })
    expect(emptyKid.select(spec('RS256'), '')).toMatchObject({ kid: '' })
    const noKid = await buildKeySet({ keys: [{ ...rsa }] })
    expect(noKid.size).toBe(0)
    expect(noKid.skipped[0]?.reason).toMatch(/kid/)
  })

  it('reports duplicate kids of one key type as ambiguous (JWT-16)', async () => {
    const set = await buildKeySet({
      keys: [
        { ...rsa, kid: 'k' },
        { ...rsaOther, kid: 'k' },
      ],
    })
    expect(set.select(spec('RS256'), 'k')).toBe('ambiguous')
  })

  it('separates keys sharing a kid by algorithm family and curve (JWT-17)', async () => {
    const set = await buildKeySet({
      keys: [
        { ...rsa, kid: 'k' },
        { ...p256, kid: 'k' },
        { ...p384, kid: 'k' },
      ],
    })
    expect(set.select(spec('RS256'), 'k')).toMatchObject({ kty: 'RSA' })
    expect(set.select(spec('RS512'), 'k')).toMatchObject({ kty: 'RSA' })
    expect(set.select(spec('ES256'), 'k')).toMatchObject({ crv: 'P-256' })
    expect(set.select(spec('ES384'), 'k')).toMatchObject({ crv: 'P-384' })
    expect(set.select(spec('ES512'), 'k')).toBe('none')
  })

  it('honours the key’s own alg', async () => {
    const set = await buildKeySet({ keys: [{ ...rsa, kid: 'k', alg: 'RS384' }] })
    expect(set.select(spec('RS384'), 'k')).not.toBe('none')
    expect(set.select(spec('RS256'), 'k')).toBe('none')
  })
})

describe('hasRocaFingerprint', () => {
  it('is false for freshly generated moduli', () => {
    for (let i = 0; i < 2; i++) {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const n = publicKey.export({ format: 'jwk' }).n as string
      expect(hasRocaFingerprint(BigInt(`0x${Buffer.from(n, 'base64url').toString('hex')}`))).toBe(
        false,
      )
    }
  })
})
