/**
 * The JWS algorithms STS accepts: "Tokens must be signed using either RSA keys (RS256, RS384, or
 * RS512) or ECDSA keys (ES256, ES384, or ES512)" (STS API reference, `WebIdentityToken`). HS*
 * (a shared secret the relying party cannot hold), PS* and EdDSA are refused.
 */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const

/** One of {@link ALLOWED_ALGORITHMS}. */
export type TokenAlgorithm = (typeof ALLOWED_ALGORITHMS)[number]

/** How an algorithm is verified with `node:crypto` and which JWKs can serve it. */
export interface AlgorithmSpec {
  readonly alg: TokenAlgorithm
  readonly kty: 'RSA' | 'EC'
  /** `node:crypto` digest name. */
  readonly hash: 'sha256' | 'sha384' | 'sha512'
  /** RFC 7518 §3.4: the curve an ES* algorithm is bound to. */
  readonly crv?: 'P-256' | 'P-384' | 'P-521'
  /** RFC 7518 §3.4: an ES* signature is exactly R‖S, each the curve's byte length. */
  readonly signatureBytes?: number
}

const SPECS: Readonly<Record<TokenAlgorithm, AlgorithmSpec>> = {
  RS256: { alg: 'RS256', kty: 'RSA', hash: 'sha256' },
  RS384: { alg: 'RS384', kty: 'RSA', hash: 'sha384' },
  RS512: { alg: 'RS512', kty: 'RSA', hash: 'sha512' },
  ES256: { alg: 'ES256', kty: 'EC', hash: 'sha256', crv: 'P-256', signatureBytes: 64 },
  ES384: { alg: 'ES384', kty: 'EC', hash: 'sha384', crv: 'P-384', signatureBytes: 96 },
  ES512: { alg: 'ES512', kty: 'EC', hash: 'sha512', crv: 'P-521', signatureBytes: 132 },
}

/**
 * The spec of `alg` when it is allowed, else `undefined`. Exact, case-sensitive comparison
 * (RFC 7515 §4.1.1: `alg` values are case-sensitive), so `none`, `NONE` and `rs256` all miss.
 */
export function algorithmSpec(alg: unknown): AlgorithmSpec | undefined {
  if (typeof alg !== 'string' || !Object.hasOwn(SPECS, alg)) return undefined
  return SPECS[alg as TokenAlgorithm]
}

/** The ES* algorithm bound to a curve, used to import an EC JWK that carries no `alg`. */
export function algorithmForCurve(crv: unknown): TokenAlgorithm | undefined {
  if (crv === 'P-256') return 'ES256'
  if (crv === 'P-384') return 'ES384'
  if (crv === 'P-521') return 'ES512'
  return undefined
}
