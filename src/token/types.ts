import type { JWK, JWTPayload } from 'jose'
import type { TokenAlgorithm } from './algorithms.js'
import type { KubernetesIdentity, SessionTagsClaim } from './identity-claims.js'
import type { SignatureCheck } from './verify-signature.js'

/** An IAM OIDC provider of the account, as the verifier needs it. */
export interface TrustedProvider {
  /** `arn:aws:iam::<account>:oidc-provider/<url>`. */
  readonly arn: string
  /** The provider URL without `https://`, exactly as registered (no normalisation anywhere). */
  readonly url: string
  /** The audiences (`ClientIDList`) a token's `aud` must contain one of. */
  readonly clientIds: readonly string[]
  /**
   * An uploaded JWK Set (JSON text) for a private issuer: when present it is the provider's only
   * key source and nothing is ever fetched for it.
   */
  readonly jwks?: string | undefined
}

/** The outside world of the verifier: every lookup, the network and the clock are injected. */
export interface VerifyTokenDeps {
  /**
   * The provider whose `'https://' + url` equals `issuer` exactly, if any. The verifier checks
   * the equality again on what is returned.
   */
  findProvider(issuer: string): Promise<TrustedProvider | undefined>
  /**
   * The public JWKs of one of Lanyard's own cluster issuers, read in process (no HTTP), or
   * `undefined` when `issuer` is not one of ours. Returning the same array instance while the
   * keys are unchanged lets the verifier skip even comparing them.
   */
  localKeys(issuer: string): Promise<readonly JWK[] | undefined>
  /** Used for external issuers only (discovery and JWKS). */
  readonly fetch: typeof fetch
  /** DNS resolution for the SSRF check; defaults to `dns.lookup` with `all: true`. */
  readonly resolveHost?: ((hostname: string) => Promise<string[]>) | undefined
  /** The clock, epoch milliseconds. */
  readonly now: () => number
  /**
   * Verifies a signature: `verifySignature` on the calling thread by default, or the `check` of
   * a `createSignatureOffload` to run it on a thread of its own.
   */
  readonly checkSignature?: SignatureCheck | undefined
}

/** Tuning of {@link createTokenVerifier}; every field optional. */
export interface TokenVerifierOptions {
  /** Allowed clock difference for `nbf` and `iat` ahead of us, seconds; default 60. */
  clockSkewSeconds?: number | undefined
  /** Allowed time after `exp`, seconds; default 0. */
  expLeewaySeconds?: number | undefined
  /** Refuse tokens whose `iat` is older than this ("Token too old"); off by default. */
  maxTokenAgeSeconds?: number | undefined
  /** Longest token accepted after trimming; default 20000 (the STS model's maximum). */
  maxTokenLength?: number | undefined
  /** Deadline of each discovery or JWKS request, ms; default 5000. */
  fetchTimeoutMs?: number | undefined
  /** Largest discovery document, bytes; default 65536. */
  maxDiscoveryBytes?: number | undefined
  /** Largest JWKS, bytes; default 262144. */
  maxJwksBytes?: number | undefined
  /** Most keys in a JWKS; default 100. */
  maxJwksKeys?: number | undefined
  /** Cache bounds of a fetched JWKS, seconds; defaults 60, 86400 and (no max-age) 600. */
  jwksMinTtlSeconds?: number | undefined
  jwksMaxTtlSeconds?: number | undefined
  jwksDefaultTtlSeconds?: number | undefined
  /** At most one JWKS refetch per issuer per this many seconds for unknown `kid`s; default 30. */
  refetchCooldownSeconds?: number | undefined
  /** How long a failed fetch is remembered before trying again, seconds; default 5. */
  failureBackoffSeconds?: number | undefined
  /** How long past its TTL a JWKS is still used when the issuer is unreachable, seconds; default 3600. */
  maxStaleSeconds?: number | undefined
  /** External issuers whose JWKS state is kept; default 1000. */
  maxRemoteIssuers?: number | undefined
  /** Which resolved addresses may be fetched from; default {@link isPublicAddress}. */
  isAllowedAddress?: ((address: string) => boolean) | undefined
  /** Verified tokens remembered (keyed by the whole token, until its `exp`); default 0 (off). */
  resultCacheSize?: number | undefined
}

/** A verified web identity: who the token says, and which provider vouched for it. */
export interface WebIdentity {
  /** `iss`, equal to `'https://' + provider.url`. */
  readonly issuer: string
  readonly provider: TrustedProvider
  /** `sub` (SubjectFromWebIdentityToken). */
  readonly subject: string
  /** The `aud` value that matched one of the provider's client ids (the response's `Audience`). */
  readonly audience: string
  /** Every `aud` value, in token order. */
  readonly audiences: readonly string[]
  /** The whole verified claims set. */
  readonly claims: Readonly<JWTPayload>
  readonly jti: string | undefined
  /** `exp`, epoch milliseconds. */
  readonly expiresAt: number
  /** `iat`, epoch milliseconds. */
  readonly issuedAt: number | undefined
  /** The algorithm and key that verified the signature (for the audit trail). */
  readonly algorithm: TokenAlgorithm
  readonly keyId: string | undefined
  /** The `kubernetes.io` claim of a projected service-account token. */
  readonly kubernetes: KubernetesIdentity | undefined
  /** The `https://aws.amazon.com/tags` claim, shape-checked only. */
  readonly sessionTags: SessionTagsClaim | undefined
  /** The `https://aws.amazon.com/source_identity` claim. */
  readonly sourceIdentity: string | undefined
}

/** Verifies web-identity tokens; see {@link createTokenVerifier}. */
export interface TokenVerifier {
  /**
   * Verifies `token` (surrounding whitespace ignored) and returns the identity, or throws a
   * `LanyardError` with a `token.*` code and AWS's message.
   */
  verify(token: string): Promise<WebIdentity>
}
