import { KeyObject } from 'node:crypto'
import { importJWK, type JWK } from 'jose'
import {
  type AlgorithmSpec,
  algorithmForCurve,
  algorithmSpec,
  type TokenAlgorithm,
} from './algorithms.js'
import { hasRocaFingerprint } from './roca.js'
import type { SignatureKey } from './verify-signature.js'

/** A usable public key of a JWK Set, imported once. */
export interface KeySetEntry extends SignatureKey {
  readonly kid: string
  readonly kty: 'RSA' | 'EC'
  readonly crv: 'P-256' | 'P-384' | 'P-521' | undefined
  /** The JWK's own `alg`, which then restricts it to that one algorithm (RFC 7517 §4.4). */
  readonly alg: TokenAlgorithm | undefined
}

/** A JWK Set member that was left out, and why (for diagnostics, never for clients). */
export interface SkippedKey {
  readonly index: number
  readonly kid: string | undefined
  readonly reason: string
}

/** Outcome of a key lookup: the one matching key, none, or more than one (JWT-16). */
export type KeySelection = KeySetEntry | 'none' | 'ambiguous'

/** Options of {@link buildKeySet}. */
export interface KeySetOptions {
  /** More keys than this makes the whole set invalid (OIDC-07); default 100. */
  maxKeys?: number | undefined
}

/** Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const

const MIN_RSA_BITS = 2048 // RFC 7518 §3.3
// A bound on verification cost: an RSA operation grows with the square of the modulus length.
const MAX_RSA_BITS = 8192

const DEFAULT_MAX_KEYS = 100

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The public keys of one issuer, indexed by `kid`. Immutable once built. */
export class KeySet {
  readonly #byKid: ReadonlyMap<string, readonly KeySetEntry[]>
  readonly size: number
  readonly skipped: readonly SkippedKey[]

  constructor(entries: readonly KeySetEntry[], skipped: readonly SkippedKey[]) {
    const byKid = new Map<string, KeySetEntry[]>()
    for (const entry of entries) {
      const list = byKid.get(entry.kid)
      if (list) list.push(entry)
      else byKid.set(entry.kid, [entry])
    }
    this.#byKid = byKid
    this.size = entries.length
    this.skipped = skipped
  }

  /**
   * The key for a token's `alg` and `kid`. `kid` is compared as an exact string (RFC 7515
   * §4.1.4); a token without `kid` is matched only against keys whose `kid` is `""`, which is
   * what STS does for kid-less (pre-1.16 Kubernetes) tokens (aws/amazon-eks-pod-identity-webhook
   * #9, #12), never against every key. The key must fit the algorithm: its `kty`, its curve for
   * ES*, and its own `alg` when it has one (JWT-17).
   */
  select(spec: AlgorithmSpec, kid: string | undefined): KeySelection {
    const candidates = this.#byKid.get(kid ?? '')
    if (candidates === undefined) return 'none'
    let found: KeySetEntry | undefined
    for (const entry of candidates) {
      if (entry.kty !== spec.kty) continue
      if (spec.crv !== undefined && entry.crv !== spec.crv) continue
      if (entry.alg !== undefined && entry.alg !== spec.alg) continue
      if (found !== undefined) return 'ambiguous'
      found = entry
    }
    return found ?? 'none'
  }
}

type Imported = KeySetEntry | { skip: string }

async function importMember(jwk: Record<string, unknown>): Promise<Imported> {
  const { kty, kid, use, key_ops: keyOps, alg, crv } = jwk
  if (kty !== 'RSA' && kty !== 'EC') return { skip: 'unsupported `kty`' } // RFC 7517 §5
  if (kid !== undefined && typeof kid !== 'string') return { skip: '`kid` is not a string' }
  // STS "treats the empty string as the kid value" of a kid-less token and does not match a key
  // that has no `kid` member (aws/amazon-eks-pod-identity-webhook#9, #12): publish `"kid": ""`.
  if (kid === undefined)
    return { skip: 'no `kid`: STS matches kid-less tokens to `"kid": ""` only' }
  if (use !== undefined && use !== 'sig') return { skip: '`use` is not `sig`' } // RFC 7517 §4.2
  if (
    keyOps !== undefined &&
    !(
      Array.isArray(keyOps) &&
      keyOps.every((op) => typeof op === 'string') &&
      keyOps.includes('verify')
    )
  ) {
    return { skip: '`key_ops` does not include `verify`' } // RFC 7517 §4.3
  }
  let ownAlg: TokenAlgorithm | undefined
  if (alg !== undefined) {
    const spec = algorithmSpec(alg)
    if (spec === undefined || spec.kty !== kty || (spec.crv !== undefined && spec.crv !== crv)) {
      return { skip: '`alg` is not an allowed algorithm for this key' }
    }
    ownAlg = spec.alg
  }

  let importAlg: TokenAlgorithm
  let publicJwk: JWK
  if (kty === 'RSA') {
    if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string')
      return { skip: 'missing `n` or `e`' }
    importAlg = ownAlg ?? 'RS256'
    publicJwk = { kty, n: jwk.n, e: jwk.e }
  } else {
    const curveAlg = algorithmForCurve(crv)
    if (curveAlg === undefined) return { skip: 'unsupported `crv`' }
    if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string')
      return { skip: 'missing `x` or `y`' }
    importAlg = curveAlg
    publicJwk = { kty, crv: crv as string, x: jwk.x, y: jwk.y }
  }

  let key: KeyObject
  try {
    // jose (WebCrypto) validates the key material: bad encodings, points off the curve.
    const imported = await importJWK(publicJwk, importAlg, { extractable: true })
    if (imported instanceof Uint8Array) return { skip: 'not an asymmetric key' }
    key = KeyObject.from(imported)
  } catch {
    return { skip: 'invalid key material' }
  }

  const base = { kid, alg: ownAlg, key }
  if (kty === 'RSA') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
    const exponent = key.asymmetricKeyDetails?.publicExponent ?? 0n
    if (bits < MIN_RSA_BITS) return { skip: 'rsa modulus shorter than 2048 bits' }
    if (bits > MAX_RSA_BITS) return { skip: 'rsa modulus longer than 8192 bits' }
    // e = 1 makes every "signature" equal to its padded message (Wycheproof json_web_key tc 9).
    if (exponent < 3n || exponent % 2n === 0n) return { skip: 'rsa public exponent is unsafe' }
    const modulus = BigInt(`0x${Buffer.from(jwk.n as string, 'base64url').toString('hex')}`)
    if (hasRocaFingerprint(modulus)) return { skip: 'rsa modulus has the roca fingerprint' }
    return { ...base, kty, crv: undefined, signatureBytes: Math.ceil(bits / 8) }
  }
  const curve = crv as 'P-256' | 'P-384' | 'P-521'
  const coordinateBytes = curve === 'P-256' ? 32 : curve === 'P-384' ? 48 : 66
  return { ...base, kty, crv: curve, signatureBytes: 2 * coordinateBytes }
}

/**
 * Imports a JWK Set (RFC 7517 §5) for signature verification. The whole set is refused (thrown
 * `Error`) when it is not `{ "keys": [ … ] }`, has more than `maxKeys` members, or contains any
 * private or symmetric key material, since publishing a secret means the issuer is compromised
 * (Wycheproof `MixedKeySet`, JWT-17). Members that are merely unusable here (another `kty`, `use`
 * `enc`, an alg we refuse, RSA below 2048 bits, e < 3, ROCA, bad points) are skipped and listed
 * in `skipped`. Keys are imported once, with jose, into `KeyObject`s.
 */
export async function buildKeySet(jwks: unknown, options: KeySetOptions = {}): Promise<KeySet> {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw new Error('not a JWK Set')
  const members: unknown[] = jwks.keys
  if (members.length > (options.maxKeys ?? DEFAULT_MAX_KEYS)) throw new Error('too many keys')
  for (const member of members) {
    if (isObject(member) && SECRET_MEMBERS.some((name) => Object.hasOwn(member, name))) {
      throw new Error('the JWK Set contains private or symmetric key material')
    }
  }
  const imported = await Promise.all(
    members.map((m) => (isObject(m) ? importMember(m) : { skip: 'not an object' })),
  )
  const entries: KeySetEntry[] = []
  const skipped: SkippedKey[] = []
  imported.forEach((result, index) => {
    if ('skip' in result) {
      const member = members[index]
      const kid = isObject(member) && typeof member.kid === 'string' ? member.kid : undefined
      skipped.push({ index, kid, reason: result.skip })
    } else {
      entries.push(result)
    }
  })
  return new KeySet(entries, skipped)
}
