/**
 * Verification of inbound web-identity tokens for STS AssumeRoleWithWebIdentity: a compact JWS
 * from an issuer registered as an IAM OIDC provider, checked against that provider's keys only
 * (Lanyard's own issuers in process, an uploaded JWKS, or discovery + JWKS over https under SSRF
 * rules), with AWS's error messages. Rules, codes and caching: docs/token-verification.md.
 *
 * Errors are `LanyardError`s with these codes: `token.malformed`, `token.bad_signature`,
 * `token.untrusted_issuer`, `token.audience_mismatch` (all InvalidIdentityToken on the wire),
 * `token.expired` (ExpiredTokenException) and `token.idp_unreachable` (IDPCommunicationError).
 *
 * @packageDocumentation
 */
export { isPublicAddress } from './address-policy.js'
export { ALLOWED_ALGORITHMS, type TokenAlgorithm } from './algorithms.js'
export type { KubernetesIdentity, SessionTag, SessionTagsClaim } from './identity-claims.js'
export { buildKeySet, type KeySet, type KeySetOptions, type SkippedKey } from './key-set.js'
export { TOKEN_MESSAGES } from './messages.js'
export { createGuardedLookup, createPinnedFetch, type PinnedFetchOptions } from './pinned-fetch.js'
export {
  createSignatureOffload,
  type SignatureOffload,
  type SignatureOffloadOptions,
} from './signature-offload.js'
export type {
  TokenVerifier,
  TokenVerifierOptions,
  TrustedProvider,
  VerifyTokenDeps,
  WebIdentity,
} from './types.js'
export { createTokenVerifier } from './verifier.js'
