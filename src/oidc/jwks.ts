import type { PublicSigningJwk, SigningKey } from './signing-key.js'

/** A JSON Web Key Set (RFC 7517 §5) holding public signing keys only. */
export interface Jwks {
  keys: PublicSigningJwk[]
}

/**
 * The JWKS served at `<issuer>/keys`. Each key is rebuilt from its public members only
 * (`kty`, `kid`, `use`, `alg`, `n`, `e` — the member order EKS serves), so private members can
 * never leak even if a caller mutated `publicJwk`. Keys are de-duplicated by `kid`, keeping the
 * first, because verifiers such as jose reject a set where two keys match one token.
 */
export function buildJwks(keys: readonly SigningKey[]): Jwks {
  const seen = new Set<string>()
  const out: PublicSigningJwk[] = []
  for (const key of keys) {
    if (seen.has(key.kid)) continue
    seen.add(key.kid)
    const { n, e } = key.publicJwk
    out.push({ kty: 'RSA', kid: key.kid, use: 'sig', alg: 'RS256', n, e })
  }
  return { keys: out }
}
