import { createHmac, timingSafeEqual } from 'node:crypto'
import { LanyardError } from '../errors.js'
import { formatAmzDate, parseAmzDate } from './amz-date.js'
import { type CanonicalRequestOptions, canonicalRequest } from './canonical-request.js'
import {
  BAD_AMZ_DATE,
  REQUEST_EXPIRED,
  SIGNATURE_MISMATCH,
  scopeDateMismatch,
  signatureExpired,
  signatureNotYetCurrent,
} from './messages.js'
import { isParsedFrom, parseSigV4Auth } from './parse-auth.js'
import { payloadHash } from './payload-hash.js'
import { isSha256Hex } from './sha256.js'
import { deriveSigningKey } from './signing-key.js'
import { credentialScope, stringToSign } from './string-to-sign.js'
import type { SigV4Auth, SigV4Request, VerifiedRequest, VerifyOptions } from './types.js'

/** AWS's window for the request time (SIG-01/02). */
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000

const OMIT_SIGNATURE = ['X-Amz-Signature'] as const
const OMIT_SIGNATURE_AND_TOKEN = ['X-Amz-Signature', 'X-Amz-Security-Token'] as const

function sameAuth(a: SigV4Auth, b: SigV4Auth): boolean {
  return (
    a.kind === b.kind &&
    a.accessKeyId === b.accessKeyId &&
    a.date === b.date &&
    a.region === b.region &&
    a.service === b.service &&
    a.signature === b.signature &&
    a.amzDate === b.amzDate &&
    a.securityToken === b.securityToken &&
    a.expires === b.expires &&
    a.signedHeaders.length === b.signedHeaders.length &&
    a.signedHeaders.every((h, i) => h === b.signedHeaders[i])
  )
}

function checkTime(auth: SigV4Auth, signedAt: number, options: VerifyOptions): void {
  const skew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS
  const { now } = options
  const minutes = String(skew / 60000)
  if (signedAt > now + skew) {
    throw new LanyardError(
      'signature.expired',
      signatureNotYetCurrent(auth.amzDate, formatAmzDate(now + skew), formatAmzDate(now), minutes),
    )
  }
  if (auth.kind === 'query') {
    // Presigned: valid from X-Amz-Date until X-Amz-Date + X-Amz-Expires (SIG-08).
    if (now > signedAt + (auth.expires as number) * 1000) {
      throw new LanyardError('signature.expired', REQUEST_EXPIRED)
    }
  } else if (signedAt < now - skew) {
    throw new LanyardError(
      'signature.expired',
      signatureExpired(auth.amzDate, formatAmzDate(now - skew), formatAmzDate(now), minutes),
    )
  }
}

function signatureMatches(
  key: Buffer,
  auth: SigV4Auth,
  scope: string,
  canonical: string,
  provided: Buffer,
): boolean {
  const expected = createHmac('sha256', key)
    .update(stringToSign(auth.amzDate, scope, canonical), 'utf8')
    .digest()
  // Equal lengths are guaranteed (32 bytes each); timingSafeEqual requires them (SIG-12).
  return expected.length === provided.length && timingSafeEqual(expected, provided)
}

/**
 * Verifies a request's SigV4 signature with the signer's secret. `auth` must be what
 * {@link parseSigV4Auth} returned for this very request object, unmodified since: any other auth
 * object is checked against the request by parsing it again, and a mismatched pair is refused
 * rather than trusted.
 *
 * Checks, in order: the credential-scope date equals the date of `X-Amz-Date`; the request time is
 * within `maxSkewMs` (header auth) or between `X-Amz-Date` − skew and `X-Amz-Date + X-Amz-Expires`
 * (presigned); the payload hash (SIG-06/07); then the signature over the canonical request,
 * compared in constant time. The session token may be left out of a presigned signature
 * (STS-style, SIG-11): {@link VerifiedRequest.securityTokenSigned} says which form matched.
 *
 * Throws `signature.mismatch` (SignatureDoesNotMatch), `signature.expired` or
 * `signature.incomplete`; `request.malformed` for an invalid percent-encoding in the query or a
 * path that does not start with `/`.
 */
export function verifySigV4(
  request: SigV4Request,
  auth: SigV4Auth,
  secretAccessKey: string,
  options: VerifyOptions,
): VerifiedRequest {
  // INVARIANT: parseSigV4Auth freezes what it returns, and the request is not modified between
  // parsing and verifying (both come from the edge, in one go): the auth object parsed from this
  // very request object is then still what the request says. Any other object is checked by
  // parsing again and comparing.
  const parsed = isParsedFrom(auth, request) ? auth : parseSigV4Auth(request)
  if (parsed === undefined || (parsed !== auth && !sameAuth(parsed, auth))) {
    throw new LanyardError(
      'signature.incomplete',
      'the authentication does not belong to this request',
    )
  }
  // Origin-form only (RFC 9112 §3.2.1): normalisation would make `x/..` and `/x/..` one URI, and
  // the edge converts an absolute-form target before calling (SIG-15).
  if (!request.path.startsWith('/')) {
    throw new LanyardError('request.malformed', 'the request-target must be an absolute path')
  }
  const signedAt = parseAmzDate(parsed.amzDate)
  if (signedAt === undefined) throw new LanyardError('signature.incomplete', BAD_AMZ_DATE)
  if (parsed.date !== parsed.amzDate.slice(0, 8)) {
    throw new LanyardError('signature.mismatch', scopeDateMismatch(parsed.date, parsed.amzDate))
  }
  checkTime(parsed, signedAt, options)
  const hash = payloadHash(request, options.requireSignedBody ?? true)
  if (!isSha256Hex(parsed.signature))
    throw new LanyardError('signature.mismatch', SIGNATURE_MISMATCH)
  const provided = Buffer.from(parsed.signature, 'hex')
  const { date, region, service } = parsed
  const key =
    options.signingKeyCache?.get(secretAccessKey, date, region, service) ??
    deriveSigningKey(secretAccessKey, date, region, service)
  const scope = credentialScope(date, region, service)
  const base: CanonicalRequestOptions = {
    signedHeaders: parsed.signedHeaders,
    payloadHash: hash,
    normalizePath: options.normalizePath ?? true,
  }
  const presigned = parsed.kind === 'query'
  let tokenSigned = presigned
    ? parsed.securityToken !== undefined
    : parsed.signedHeaders.includes('x-amz-security-token')
  let canonical = canonicalRequest(
    request,
    presigned ? { ...base, omitQueryParameters: OMIT_SIGNATURE } : base,
  )
  let ok = signatureMatches(key, parsed, scope, canonical, provided)
  if (!ok && presigned && parsed.securityToken !== undefined) {
    // Token appended to the URL after signing (aws-c-auth `omit_session_token`).
    canonical = canonicalRequest(request, {
      ...base,
      omitQueryParameters: OMIT_SIGNATURE_AND_TOKEN,
    })
    ok = signatureMatches(key, parsed, scope, canonical, provided)
    tokenSigned = false
  }
  if (!ok) throw new LanyardError('signature.mismatch', SIGNATURE_MISMATCH)
  return {
    accessKeyId: parsed.accessKeyId,
    region,
    service,
    signedAt: new Date(signedAt),
    ...(parsed.securityToken !== undefined && { securityToken: parsed.securityToken }),
    securityTokenSigned: tokenSigned,
    presigned,
  }
}
