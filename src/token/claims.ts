import { TOKEN_MESSAGES, tokenError } from './messages.js'

/** The time rules of {@link checkClaims}. */
export interface ClaimRules {
  /** Tolerance for `nbf` and `iat` ahead of our clock, in seconds. */
  readonly clockSkewSeconds: number
  /** Tolerance after `exp`, in seconds. */
  readonly expLeewaySeconds: number
  /** When set, `iat` older than this many seconds is refused as "Token too old". */
  readonly maxTokenAgeSeconds: number | undefined
}

/** What the registered claims of a verified token establish. */
export interface CheckedClaims {
  readonly subject: string
  /** The first `aud` value (in token order) that is one of the provider's client ids. */
  readonly audience: string
  readonly audiences: readonly string[]
  /** `exp`, epoch milliseconds. */
  readonly expiresAt: number
  /** `iat`, epoch milliseconds. */
  readonly issuedAt: number | undefined
  /** `nbf`, epoch milliseconds. */
  readonly notBefore: number | undefined
  readonly jti: string | undefined
}

// SubjectFromWebIdentityToken is 6..255 characters in the STS model; a subject outside that
// range could not be returned, so it is refused up front (UNCONFIRMED what STS does).
const MIN_SUBJECT = 6
const MAX_SUBJECT = 255

const malformed = (message: string) => tokenError('token.malformed', message)

/**
 * A NumericDate (RFC 7519 §2) as STS takes it: "Timestamps in the token must be formatted as
 * either an integer or a long integer" (STS API reference), so `1.5`, `"9999999999"`, `1e308` and
 * negative values are refused (JWT-06, JWT-20).
 */
function numericDate(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(TOKEN_MESSAGES.invalidClaim(name))
  }
  return value
}

/**
 * Checks the registered claims of a token whose signature and issuer are already verified.
 * `exp` is required (JWT-06: jose would accept a token without one); expired tokens get
 * ExpiredTokenException's text (RFC 7519 §4.1.4: now must be before `exp`). `nbf` (§4.1.5) and
 * `iat` (§4.1.6) may not lie ahead of our clock by more than the skew. `aud` (§4.1.3) is a string
 * or an array of strings that must share a value with the provider's client ids (JWT-07);
 * `sub` (§4.1.2) is a string of 6..255 characters.
 */
export function checkClaims(
  claims: Record<string, unknown>,
  clientIds: readonly string[],
  nowMs: number,
  rules: ClaimRules,
): CheckedClaims {
  const exp = numericDate(claims, 'exp')
  if (exp === undefined) throw malformed(TOKEN_MESSAGES.missingClaim('exp'))
  const nbf = numericDate(claims, 'nbf')
  const iat = numericDate(claims, 'iat')
  const nowSeconds = Math.floor(nowMs / 1000)

  if (nowMs >= (exp + rules.expLeewaySeconds) * 1000) {
    throw tokenError('token.expired', TOKEN_MESSAGES.expired(nowSeconds, exp))
  }
  const skewMs = rules.clockSkewSeconds * 1000
  if (nbf !== undefined && nbf * 1000 > nowMs + skewMs) {
    throw malformed(TOKEN_MESSAGES.notYetValid)
  }
  if (iat !== undefined && iat * 1000 > nowMs + skewMs) {
    throw malformed(TOKEN_MESSAGES.issuedInFuture)
  }
  if (rules.maxTokenAgeSeconds !== undefined) {
    if (iat === undefined) throw malformed(TOKEN_MESSAGES.missingClaim('iat'))
    const age = nowSeconds - iat
    if (age > rules.maxTokenAgeSeconds)
      throw tokenError('token.expired', TOKEN_MESSAGES.tooOld(age))
  }

  const aud = claims.aud
  if (aud === undefined) {
    throw tokenError('token.audience_mismatch', TOKEN_MESSAGES.missingClaim('aud'))
  }
  const audiences: readonly unknown[] = Array.isArray(aud) ? aud : [aud]
  if (!audiences.every((a): a is string => typeof a === 'string')) {
    throw malformed(TOKEN_MESSAGES.invalidClaim('aud'))
  }
  const audience = (audiences as readonly string[]).find((a) => clientIds.includes(a))
  if (audience === undefined) {
    throw tokenError('token.audience_mismatch', TOKEN_MESSAGES.audienceMismatch)
  }

  const sub = claims.sub
  if (sub === undefined) throw malformed(TOKEN_MESSAGES.missingClaim('sub'))
  if (typeof sub !== 'string' || sub.length < MIN_SUBJECT || sub.length > MAX_SUBJECT) {
    throw malformed(TOKEN_MESSAGES.invalidClaim('sub'))
  }

  const jti = typeof claims.jti === 'string' ? claims.jti : undefined
  return {
    subject: sub,
    audience,
    audiences: audiences as readonly string[],
    expiresAt: exp * 1000,
    issuedAt: iat === undefined ? undefined : iat * 1000,
    notBefore: nbf === undefined ? undefined : nbf * 1000,
    jti,
  }
}
