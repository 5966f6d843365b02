import { readFileSync } from 'node:fs'

// Project Wycheproof vectors, Apache-2.0: see test/fixtures/jose-vectors/wycheproof/NOTICE.md.
const DIR = new URL('./fixtures/jose-vectors/wycheproof/testvectors_v1/', import.meta.url)

interface SigTest {
  tcId: number
  comment: string
  msg: string
  sig: string
  result: 'valid' | 'invalid' | 'acceptable'
  flags: string[]
}

interface SigGroup {
  publicKeyJwk?: Record<string, unknown>
  keyJwk?: Record<string, unknown>
  publicKey?: { curve?: string; uncompressed?: string }
  tests: SigTest[]
}

/** Some ECDSA groups only give the point uncompressed (04 ‖ X ‖ Y); make the JWK from it. */
function jwkOf(group: SigGroup): Record<string, unknown> | undefined {
  const given = group.publicKeyJwk ?? group.keyJwk
  if (given !== undefined || group.publicKey?.uncompressed === undefined) return given
  const point = Buffer.from(group.publicKey.uncompressed, 'hex').subarray(1)
  const half = point.length / 2
  const crv = group.publicKey.curve === 'secp384r1' ? 'P-384' : 'P-256'
  return {
    kid: 'none',
    kty: 'EC',
    crv,
    x: point.subarray(0, half).toString('base64url'),
    y: point.subarray(half).toString('base64url'),
  }
}

export interface SignatureVector {
  name: string
  jwk: Record<string, unknown> | undefined
  alg: 'ES256' | 'ES384' | 'RS256'
  /** Hex. */
  msg: string
  /** Hex. */
  sig: string
  result: SigTest['result']
}

/** The signature primitive files of Wycheproof our algorithms use, and their vector counts. */
export const SIGNATURE_FILES = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256', 262],
  ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384', 280],
  ['rsa_signature_2048_sha256_test.json', 'RS256', 259],
] as const

/** Every vector of `file`, each with its group's public key as a JWK. */
export function signatureVectors(file: string, alg: SignatureVector['alg']): SignatureVector[] {
  const doc = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as { testGroups: SigGroup[] }
  return doc.testGroups.flatMap((group, index) =>
    group.tests.map((t) => ({
      name: `group ${index} tc ${t.tcId} ${t.comment} (${t.result})`,
      jwk: jwkOf(group),
      alg,
      msg: t.msg,
      sig: t.sig,
      result: t.result,
    })),
  )
}
