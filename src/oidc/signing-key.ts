import { createPublicKey, type JsonWebKey } from 'node:crypto'
import {
  base64url,
  CompactSign,
  type CryptoKey,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose'
import { LanyardError } from '../errors.js'

/** The only signature algorithm our issuer uses, as EKS and kube-apiserver with RSA keys. */
export const SIGNING_ALG = 'RS256'

/** The public half of a signing key exactly as published in the JWKS. */
export interface PublicSigningJwk {
  kty: 'RSA'
  kid: string
  use: 'sig'
  alg: 'RS256'
  n: string
  e: string
}

/**
 * An issuer signing key as stored: plain JSON data (the private JWK included), so it can be
 * persisted and re-hydrated with {@link importSigningKey}.
 */
export interface SigningKey {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  kid: string
  alg: 'RS256'
  privateJwk: JWK
  publicJwk: PublicSigningJwk
  /** ISO 8601 instant the key was created. */
  createdAt: string
}

/** Options of {@link generateSigningKey}. */
export interface GenerateSigningKeyOptions {
  /** Creation instant in epoch milliseconds; defaults to the current time. */
  now?: number | undefined
}

/** Options of {@link importSigningKey}. */
export interface ImportSigningKeyOptions {
  /** Stored creation instant (ISO 8601); defaults to the current time. */
  createdAt?: string | undefined
}

const MIN_MODULUS_BITS = 2048
const PRIVATE_RSA_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

// Imported CryptoKeys, keyed by the SigningKey object that owns them, so signing does not
// re-import the JWK on every token. A WeakMap lets keys that are dropped be collected.
const importedKeys = new WeakMap<SigningKey, Promise<CryptoKey>>()

function invalidKey(message: string, cause?: unknown): LanyardError {
  return new LanyardError('config.invalid', message, cause === undefined ? undefined : { cause })
}

function modulusBits(n: string): number {
  const bytes = base64url.decode(n)
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] ?? 0))
}

/**
 * Projects an RSA JWK onto the members our JWKS publishes: `kty`, `kid` (the RFC 7638 thumbprint,
 * replacing any `kid` it had), `use: sig`, `alg: RS256`, `n`, `e`. Private members never pass.
 * Refuses non-RSA keys and moduli below 2048 bits (RFC 7518 §3.3).
 */
export async function toPublicJwk(jwk: JWK): Promise<PublicSigningJwk> {
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw invalidKey('signing key is not an rsa jwk')
  }
  let bits: number
  try {
    bits = modulusBits(jwk.n)
  } catch (err) {
    throw invalidKey('signing key modulus is not base64url', err)
  }
  if (bits < MIN_MODULUS_BITS) {
    throw invalidKey(`signing key modulus has ${bits} bits, at least ${MIN_MODULUS_BITS} required`)
  }
  const publicMembers = { kty: 'RSA', n: jwk.n, e: jwk.e }
  try {
    // Let the platform parse the public key so a malformed `n`/`e` fails here, not at signing.
    createPublicKey({ key: publicMembers as JsonWebKey, format: 'jwk' })
  } catch (err) {
    throw invalidKey('signing key is not a valid rsa public key', err)
  }
  // RFC 7638 §3.2: the thumbprint covers only the required members `e`, `kty`, `n`.
  const kid = await calculateJwkThumbprint(publicMembers, 'sha256')
  return { kty: 'RSA', kid, use: 'sig', alg: SIGNING_ALG, n: jwk.n, e: jwk.e }
}

/**
 * Generates a new RS256 signing key (RSA-2048, e = 65537) whose `kid` is its RFC 7638 thumbprint.
 *
 * @example
 * const key = await generateSigningKey()
 * const jwks = buildJwks([key])
 */
export async function generateSigningKey(
  options: GenerateSigningKeyOptions = {},
): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, {
    extractable: true,
    modulusLength: MIN_MODULUS_BITS,
  })
  const publicJwk = await toPublicJwk(await exportJWK(publicKey))
  const exported = await exportJWK(privateKey)
  const key: SigningKey = {
    kid: publicJwk.kid,
    alg: SIGNING_ALG,
    privateJwk: { ...exported, kid: publicJwk.kid, alg: SIGNING_ALG },
    publicJwk,
    createdAt: new Date(options.now ?? Date.now()).toISOString(),
  }
  importedKeys.set(key, Promise.resolve(privateKey))
  return key
}

async function importPrivate(privateJwk: JWK, publicJwk: PublicSigningJwk): Promise<CryptoKey> {
  for (const member of PRIVATE_RSA_MEMBERS) {
    if (typeof privateJwk[member] !== 'string') {
      throw invalidKey(`signing key is not an rsa private jwk (member \`${member}\` missing)`)
    }
  }
  let cryptoKey: CryptoKey
  try {
    cryptoKey = (await importJWK(
      { kty: 'RSA', ...pickPrivate(privateJwk) },
      SIGNING_ALG,
    )) as CryptoKey
  } catch (err) {
    throw invalidKey('signing key could not be imported', err)
  }
  // A private JWK whose `d` does not belong to `n` imports fine and then produces signatures
  // nobody can verify; catch that once here instead of at every relying party.
  await assertKeyPairMatches(cryptoKey, publicJwk)
  return cryptoKey
}

function pickPrivate(jwk: JWK): JWK {
  return {
    n: jwk.n,
    e: jwk.e,
    d: jwk.d,
    p: jwk.p,
    q: jwk.q,
    dp: jwk.dp,
    dq: jwk.dq,
    qi: jwk.qi,
  } as JWK
}

async function assertKeyPairMatches(
  privateKey: CryptoKey,
  publicJwk: PublicSigningJwk,
): Promise<void> {
  const probe = new TextEncoder().encode('lanyard signing key self-test')
  const jws = await new CompactSign(probe).setProtectedHeader({ alg: SIGNING_ALG }).sign(privateKey)
  try {
    await compactVerify(jws, await importJWK(publicJwk, SIGNING_ALG))
  } catch (err) {
    throw invalidKey('signing key private members do not match its public key', err)
  }
}

/**
 * Re-hydrates a stored private JWK into a {@link SigningKey}: validates it (RSA, at least 2048
 * bits, all CRT members, private half matching the public half), recomputes the `kid` and caches
 * the imported CryptoKey for signing. A stored `kid` that is not the thumbprint is refused.
 */
export async function importSigningKey(
  privateJwk: JWK,
  options: ImportSigningKeyOptions = {},
): Promise<SigningKey> {
  const publicJwk = await toPublicJwk(privateJwk)
  if (privateJwk.kid !== undefined && privateJwk.kid !== publicJwk.kid) {
    throw invalidKey('signing key `kid` is not its rfc 7638 thumbprint')
  }
  const cryptoKey = await importPrivate(privateJwk, publicJwk)
  const key: SigningKey = {
    kid: publicJwk.kid,
    alg: SIGNING_ALG,
    privateJwk: { ...privateJwk, kid: publicJwk.kid, alg: SIGNING_ALG },
    publicJwk,
    createdAt: options.createdAt ?? new Date().toISOString(),
  }
  importedKeys.set(key, Promise.resolve(cryptoKey))
  return key
}

/**
 * The CryptoKey to sign with for `key`: cached when the key came from {@link generateSigningKey}
 * or {@link importSigningKey}, otherwise imported (and checked) once and cached.
 */
export function signingCryptoKey(key: SigningKey): Promise<CryptoKey> {
  let cached = importedKeys.get(key)
  if (cached === undefined) {
    cached = (async () => {
      const publicJwk = await toPublicJwk(key.privateJwk)
      if (publicJwk.kid !== key.kid) {
        throw invalidKey('signing key `kid` is not its rfc 7638 thumbprint')
      }
      return importPrivate(key.privateJwk, publicJwk)
    })()
    // Do not cache a failure: a later call with a repaired object must be able to succeed.
    cached.catch(() => {
      importedKeys.delete(key)
    })
    importedKeys.set(key, cached)
  }
  return cached
}
