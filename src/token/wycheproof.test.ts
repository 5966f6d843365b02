import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SIGNATURE_FILES, signatureVectors } from '../../test/wycheproof-signatures.js'
import { isLanyardError } from '../errors.js'
import { ALLOWED_ALGORITHMS, type AlgorithmSpec, algorithmSpec } from './algorithms.js'
import { parseCompactJws } from './compact-jws.js'
import { buildKeySet } from './key-set.js'
import { hasRocaFingerprint } from './roca.js'
import { createTokenVerifier } from './verifier.js'
import { verifySignature } from './verify-signature.js'

// Project Wycheproof vectors, Apache-2.0: see test/fixtures/jose-vectors/wycheproof/NOTICE.md.
const DIR = new URL('../../test/fixtures/jose-vectors/wycheproof/testvectors_v1/', import.meta.url)
const load = (name: string) => JSON.parse(readFileSync(new URL(name, DIR), 'utf8'))

interface JoseTest {
  tcId: string
  comment: string
  jws: unknown
  result: 'valid' | 'invalid'
  flags: string[]
}
interface JoseGroup {
  comment: string
  public?: Record<string, unknown>
  private?: Record<string, unknown>
  tests: JoseTest[]
}

/**
 * Valid vectors we refuse on purpose, with the reason. Everything else valid with an RS or ES
 * header must be accepted; everything invalid must be refused.
 */
const REFUSED_VALID: Record<string, string> = {
  // An empty payload is a valid JWS but can never be a JWT claims set (RFC 7519 §7.2 step 10).
  'json_web_signature_test.json#259': 'empty payload',
  'json_web_signature_test.json#264': 'empty payload',
  'json_web_signature_test.json#268': 'empty payload',
  // RFC 7520 figure 27 with a JWK whose `alg` is "ES521", which is no JWS algorithm (ES512 is):
  // RFC 7517 §4.4 ties the key to that alg, so it can sign nothing we accept.
  'json_web_signature_test.json#347': 'JWK alg ES521',
  'json_web_signature_test.json#351': 'JWK alg ES521',
}

const headerAlg = (jws: unknown): string | undefined => {
  if (typeof jws !== 'string') return undefined
  try {
    return JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString()).alg
  } catch {
    return undefined
  }
}

/** The token module's whole signature path: key-set import, JWS parsing, key selection, verify. */
async function accepts(jws: unknown, jwks: unknown): Promise<boolean> {
  if (typeof jws !== 'string') return false
  let keys: Awaited<ReturnType<typeof buildKeySet>>
  try {
    keys = await buildKeySet(jwks)
  } catch {
    return false
  }
  let parsed: ReturnType<typeof parseCompactJws>
  try {
    parsed = parseCompactJws(jws)
  } catch {
    return false
  }
  const key = keys.select(parsed.spec, parsed.kid)
  if (key === 'none' || key === 'ambiguous') return false
  return verifySignature(parsed.spec, key, parsed.signingInput, parsed.signature)
}

function joseCases(file: string, keysetOf: (g: JoseGroup) => unknown) {
  const doc = load(file) as { testGroups: JoseGroup[] }
  return doc.testGroups.flatMap((group) =>
    group.tests.map((t) => {
      const id = `${file}#${t.tcId}`
      const alg = headerAlg(t.jws)
      const allowed = alg !== undefined && (ALLOWED_ALGORITHMS as readonly string[]).includes(alg)
      const expected = t.result === 'valid' && allowed && REFUSED_VALID[id] === undefined
      return {
        name: `tc ${t.tcId} ${group.comment}/${t.comment} (${t.result}${allowed ? '' : `, ${alg ?? 'no alg'} refused`})`,
        jws: t.jws,
        jwks: keysetOf(group),
        expected,
      }
    }),
  )
}

const jwsCases = joseCases('json_web_signature_test.json', (g) => ({
  keys: g.public ? [g.public] : [g.private],
}))
const jwkCases = joseCases('json_web_key_test.json', (g) => g.public ?? g.private)

describe('Wycheproof json_web_signature_test.json', () => {
  it('has the expected number of vectors', () => {
    expect(jwsCases).toHaveLength(401)
    expect(jwsCases.filter((c) => c.expected).length).toBe(15)
  })

  it.each(jwsCases)('$name → accepted: $expected', async ({ jws, jwks, expected }) => {
    expect(await accepts(jws, jwks)).toBe(expected)
  })
})

describe('Wycheproof json_web_key_test.json', () => {
  it('has the expected number of vectors', () => {
    expect(jwkCases).toHaveLength(26)
  })

  it.each(jwkCases)('$name → accepted: $expected', async ({ jws, jwks, expected }) => {
    expect(await accepts(jws, jwks)).toBe(expected)
  })

  it('detects the ROCA modulus of tc 7 (JWT-18)', () => {
    const group = (load('json_web_key_test.json') as { testGroups: JoseGroup[] }).testGroups.find(
      (g) => g.comment === 'jws_rsa_roca_key',
    )
    const keys = (group?.public as { keys?: { n: string }[] } | undefined)?.keys ?? []
    const n = keys[0]?.n ?? ''
    expect(hasRocaFingerprint(BigInt(`0x${Buffer.from(n, 'base64url').toString('hex')}`))).toBe(
      true,
    )
  })
})

describe('Wycheproof vectors through the whole verifier', () => {
  // The payloads are not JWT claims sets, so nothing can pass; what matters is that every input,
  // however broken, ends in a token.* LanyardError and never in anything else.
  const all = [...jwsCases, ...jwkCases]
  it(`refuses all ${all.length} JOSE vectors with a token.* code`, async () => {
    const verifier = createTokenVerifier({
      findProvider: async () => undefined,
      localKeys: async () => undefined,
      fetch: (() => Promise.reject(new Error('no network'))) as typeof fetch,
      now: () => 0,
    })
    for (const c of all) {
      const input = typeof c.jws === 'string' ? c.jws : JSON.stringify(c.jws)
      const err = await verifier.verify(input).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isLanyardError(err) && err.code.startsWith('token.'), c.name).toBe(true)
    }
  })
})

describe.each(SIGNATURE_FILES)('Wycheproof %s (%s primitive)', (file, alg, count) => {
  const cases = signatureVectors(file, alg)
  const spec = algorithmSpec(alg) as AlgorithmSpec

  it('has the expected number of vectors', () => {
    expect(cases).toHaveLength(count)
  })

  it.each(cases)('$name', async ({ jwk, msg, sig, result }) => {
    const keys = await buildKeySet({ keys: [jwk] })
    const key = keys.select(spec, typeof jwk?.kid === 'string' ? jwk.kid : undefined)
    expect(key).not.toBe('none')
    if (key === 'none' || key === 'ambiguous') return
    const ok = verifySignature(spec, key, Buffer.from(msg, 'hex'), Buffer.from(sig, 'hex'))
    // "acceptable" (e.g. a PKCS#1 DigestInfo without NULL) may go either way.
    if (result !== 'acceptable') expect(ok).toBe(result === 'valid')
  })
})
