/**
 * Lanyard's own OIDC issuer: one issuer per cluster at `<base>/id/<ID>` (the EKS shape), its
 * discovery document and JWKS, RS256 signing keys with RFC 7638 `kid`s, and projected
 * service-account tokens with exactly the claims kube-apiserver puts in them.
 *
 * @packageDocumentation
 */
export {
  discoveryCacheControl,
  issuerCacheMaxAgeSeconds,
  jwksCacheControl,
} from './cache-control.js'
export { buildDiscoveryDocument, type DiscoveryDocument } from './discovery.js'
export { assertIssuer, isIssuerId, issuerUrl, newIssuerId } from './issuer.js'
export { buildJwks, type Jwks } from './jwks.js'
export {
  buildServiceAccountClaims,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_EXPIRATION_SECONDS,
  MAX_TOKEN_EXPIRATION_SECONDS,
  MIN_TOKEN_EXPIRATION_SECONDS,
  mintServiceAccountToken,
  type ServiceAccountTokenClaims,
  type ServiceAccountTokenInput,
} from './mint-token.js'
export { deriveServiceAccountUid } from './service-account-uid.js'
export {
  type GenerateSigningKeyOptions,
  generateSigningKey,
  type ImportSigningKeyOptions,
  importSigningKey,
  type PublicSigningJwk,
  SIGNING_ALG,
  type SigningKey,
  toPublicJwk,
} from './signing-key.js'
