import { constants, type KeyObject, verify } from 'node:crypto'
import { weakMemo } from '../weak-memo.js'
import type { AlgorithmSpec } from './algorithms.js'

/** A public key ready for one-shot verification. */
export interface SignatureKey {
  readonly key: KeyObject
  /** RSA: the modulus length in bytes; EC: 2 × the coordinate length (the R‖S length). */
  readonly signatureBytes: number
}

// The options objects `verify` takes, one per key.
const rsaOptions = weakMemo((key: KeyObject) => ({ key, padding: constants.RSA_PKCS1_PADDING }))
const ecOptions = weakMemo((key: KeyObject) => ({ key, dsaEncoding: 'ieee-p1363' as const }))

/**
 * Verifies a JWS signature (RFC 7518 §3.3 RSASSA-PKCS1-v1_5, §3.4 ECDSA) with `node:crypto`'s
 * one-shot `verify`. jose v6 verifies through WebCrypto only, whose asynchronous job per call
 * costs several times the RSA operation itself (measured in docs/token-verification.md); the
 * primitive here is the same OpenSSL one. Lengths are checked first: an RSA signature must be
 * exactly the modulus length (RFC 8017 §8.2.2 step 1) and an ECDSA one exactly R‖S (RFC 7518
 * §3.4), never DER. Any error from the primitive counts as a failed verification.
 */
export function verifySignature(
  spec: AlgorithmSpec,
  key: SignatureKey,
  data: Buffer,
  signature: Buffer,
): boolean {
  if (signature.length !== key.signatureBytes) return false
  try {
    const options = spec.kty === 'EC' ? ecOptions(key.key) : rsaOptions(key.key)
    return verify(spec.hash, data, options, signature)
  } catch {
    return false
  }
}

/** How the verifier checks a signature: {@link verifySignature} here, or on another thread. */
export type SignatureCheck = (
  spec: AlgorithmSpec,
  key: SignatureKey,
  data: Buffer,
  signature: Buffer,
) => boolean | Promise<boolean>
