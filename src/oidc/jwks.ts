import { createHash, createPublicKey } from 'node:crypto'
import type { PublicSigningJwk, SigningKey } from './signing-key.js'

/** A JSON Web Key Set (RFC 7517 §5) holding public signing keys only. */
export interface Jwks {
  keys: PublicSigningJwk[]
}

/**
 * The key id kube-apiserver puts in every token it signs: base64url(SHA-256(DER SubjectPublicKeyInfo))
 * (`keyIDFromPublicKey` in k8s.io/kubernetes pkg/serviceaccount/jwt.go); it has no flag to change it.
 */
export function kubernetesKeyId(n: string, e: string): string {
  const der = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' }).export({
    type: 'spki',
    format: 'der',
  })
  return createHash('sha256').update(der).digest('base64url')
}

/**
 * The JWKS served at `<issuer>/keys`. Each key is rebuilt from its public members only
 * (`kty`, `kid`, `use`, `alg`, `n`, `e` — the member order EKS serves), so private members can
 * never leak even if a caller mutated `publicJwk`. Each key is published under its RFC 7638 `kid`
 * and again under the `kid` kube-apiserver computes for it, so tokens a kube-apiserver signs with
 * a Lanyard-managed key (`--service-account-signing-key-file`) verify too. Entries are
 * de-duplicated by `kid`, keeping the first, because verifiers such as jose reject a set where two
 * keys match one token.
 */
export function buildJwks(keys: readonly SigningKey[]): Jwks {
  const seen = new Set<string>()
  const out: PublicSigningJwk[] = []
  const add = (kid: string, n: string, e: string) => {
    if (seen.has(kid)) return
    seen.add(kid)
    out.push({ kty: 'RSA', kid, use: 'sig', alg: 'RS256', n, e })
  }
  for (const key of keys) {
    const { n, e } = key.publicJwk
    add(key.kid, n, e)
    add(kubernetesKeyId(n, e), n, e)
  }
  return { keys: out }
}
