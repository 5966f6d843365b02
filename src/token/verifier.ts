import type { JWTPayload } from 'jose'
import { isPublicAddress } from './address-policy.js'
import { checkClaims } from './claims.js'
import { parseCompactJws, parseJsonObject } from './compact-jws.js'
import { kubernetesIdentity, sessionTagsClaim, sourceIdentityClaim } from './identity-claims.js'
import { KeyResolver } from './key-resolver.js'
import { echoIssuer, TOKEN_MESSAGES, tokenError } from './messages.js'
import { RemoteKeyStore } from './remote-key-store.js'
import { resolveHostWithSystemResolver } from './resolve-host.js'
import { ResultCache } from './result-cache.js'
import type {
  TokenVerifier,
  TokenVerifierOptions,
  TrustedProvider,
  VerifyTokenDeps,
  WebIdentity,
} from './types.js'
import { verifySignature } from './verify-signature.js'

const MIN_TOKEN_LENGTH = 4 // STS model: WebIdentityToken min 4
const MAX_TOKEN_LENGTH = 20_000 // STS model: WebIdentityToken max 20000
const MAX_ISSUER_LENGTH = 'https://'.length + 255 // IAM: provider URL at most 255 characters

const seconds = (value: number | undefined, fallback: number) => (value ?? fallback) * 1000

const malformed = () => tokenError('token.malformed', TOKEN_MESSAGES.malformed)

/**
 * Creates the verifier of inbound web-identity tokens for AssumeRoleWithWebIdentity. Every rule
 * and message is listed in docs/token-verification.md; in order:
 *
 * 1. trim surrounding whitespace (SDKs send the token file verbatim, newline included), then
 *    4..`maxTokenLength` characters;
 * 2. compact JWS only: three canonical base64url segments, JSON header with an allowed `alg`
 *    (RS256/384/512, ES256/384/512), no `crit`; `jku`, `x5u`, `x5c`, `jwk` are ignored;
 * 3. `iss` read from the still unverified payload, only to find the provider whose
 *    `'https://' + url` is exactly `iss`; none → "No OpenIDConnect provider found…", with no
 *    network I/O at all;
 * 4. the key from that provider's keys only (local, uploaded, or fetched under the SSRF rules);
 * 5. the signature, with `node:crypto`;
 * 6. `exp` (required), `nbf`, `iat`, `aud` (any value among the client ids), `sub`.
 *
 * @example
 * ```ts
 * const verifier = createTokenVerifier({
 *   findProvider: (iss) => providers.byIssuer(iss),
 *   localKeys: (iss) => issuers.publicJwks(iss),
 *   fetch: globalThis.fetch,
 *   now: Date.now,
 * })
 * const identity = await verifier.verify(webIdentityToken)
 * identity.subject // 'system:serviceaccount:default:my-app'
 * ```
 */
export function createTokenVerifier(
  deps: VerifyTokenDeps,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const maxTokenLength = options.maxTokenLength ?? MAX_TOKEN_LENGTH
  const maxKeys = options.maxJwksKeys ?? 100
  const maxIssuers = options.maxRemoteIssuers ?? 1000
  const rules = {
    clockSkewSeconds: options.clockSkewSeconds ?? 60,
    expLeewaySeconds: options.expLeewaySeconds ?? 0,
    maxTokenAgeSeconds: options.maxTokenAgeSeconds,
  }
  const remote = new RemoteKeyStore(
    {
      fetch: deps.fetch,
      resolveHost: deps.resolveHost ?? resolveHostWithSystemResolver,
      isAllowedAddress: options.isAllowedAddress ?? isPublicAddress,
    },
    deps.now,
    {
      fetchTimeoutMs: options.fetchTimeoutMs ?? 5000,
      maxDiscoveryBytes: options.maxDiscoveryBytes ?? 64 * 1024,
      maxJwksBytes: options.maxJwksBytes ?? 256 * 1024,
      maxKeys,
      ttl: {
        minMs: seconds(options.jwksMinTtlSeconds, 60),
        maxMs: seconds(options.jwksMaxTtlSeconds, 86_400),
        defaultMs: seconds(options.jwksDefaultTtlSeconds, 600),
      },
      refetchCooldownMs: seconds(options.refetchCooldownSeconds, 30),
      failureBackoffMs: seconds(options.failureBackoffSeconds, 5),
      maxStaleMs: seconds(options.maxStaleSeconds, 3600),
      maxIssuers,
    },
  )
  const keys = new KeyResolver(deps, remote, maxKeys, maxIssuers)
  const results = new ResultCache(options.resultCacheSize ?? 0)
  const checkSignature = deps.checkSignature ?? verifySignature

  const trustedProvider = async (iss: string): Promise<TrustedProvider> => {
    // An unregistered issuer never causes a fetch (OIDC-06) and is compared exactly (JWT-08).
    const provider =
      iss.startsWith('https://') && iss.length <= MAX_ISSUER_LENGTH
        ? await deps.findProvider(iss)
        : undefined
    if (provider === undefined || `https://${provider.url}` !== iss) {
      throw tokenError('token.untrusted_issuer', TOKEN_MESSAGES.untrustedIssuer(echoIssuer(iss)))
    }
    return provider
  }

  const cachedHit = async (token: string): Promise<WebIdentity | undefined> => {
    const now = deps.now()
    const hit = results.get(token, now)
    if (hit === undefined) return undefined
    const { maxTokenAgeSeconds } = rules
    if (
      maxTokenAgeSeconds !== undefined &&
      (hit.issuedAt === undefined || now - hit.issuedAt > maxTokenAgeSeconds * 1000)
    ) {
      return undefined
    }
    // The provider may have been deleted or lost the client id since.
    const provider = await deps.findProvider(hit.issuer)
    if (
      provider === undefined ||
      provider.arn !== hit.provider.arn ||
      `https://${provider.url}` !== hit.issuer ||
      !provider.clientIds.includes(hit.audience)
    ) {
      results.delete(token)
      return undefined
    }
    return { ...hit, provider }
  }

  return {
    async verify(input: string): Promise<WebIdentity> {
      if (typeof input !== 'string') throw malformed()
      const token = input.trim()
      if (token.length < MIN_TOKEN_LENGTH || token.length > maxTokenLength) throw malformed()
      if (results.enabled) {
        const cached = await cachedHit(token)
        if (cached !== undefined) return cached
      }

      const jws = parseCompactJws(token)
      const claims = parseJsonObject(jws.payload)
      const iss = claims.iss
      if (iss === undefined) throw tokenError('token.malformed', TOKEN_MESSAGES.missingClaim('iss'))
      if (typeof iss !== 'string')
        throw tokenError('token.malformed', TOKEN_MESSAGES.invalidClaim('iss'))
      const provider = await trustedProvider(iss)

      const key = await keys.resolve(jws, iss, provider)
      if (!(await checkSignature(jws.spec, key, jws.signingInput, jws.signature))) {
        throw tokenError('token.bad_signature', TOKEN_MESSAGES.badSignature)
      }

      const checked = checkClaims(claims, provider.clientIds, deps.now(), rules)
      const identity: WebIdentity = {
        issuer: iss,
        provider,
        subject: checked.subject,
        audience: checked.audience,
        audiences: checked.audiences,
        claims: claims as JWTPayload,
        jti: checked.jti,
        expiresAt: checked.expiresAt,
        issuedAt: checked.issuedAt,
        algorithm: jws.spec.alg,
        keyId: jws.kid,
        kubernetes: kubernetesIdentity(claims),
        sessionTags: sessionTagsClaim(claims),
        sourceIdentity: sourceIdentityClaim(claims),
      }
      results.set(token, identity)
      return identity
    },
  }
}
