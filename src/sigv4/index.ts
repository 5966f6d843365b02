/**
 * AWS Signature Version 4 verification: a pure module (no I/O, the clock is an argument).
 *
 * @example
 * ```ts
 * const auth = parseSigV4Auth(request)          // undefined: no SigV4 at all
 * if (auth) {
 *   const secret = await lookUpSecret(auth.accessKeyId)
 *   const verified = verifySigV4(request, auth, secret, { now: Date.now(), signingKeyCache })
 * }
 * ```
 * @module
 */

export { formatAmzDate, parseAmzDate } from './amz-date.js'
export { type Credential, parseCredential, parseSignedHeaders } from './auth-fields.js'
export { canonicalHeaders, trimHeaderValue } from './canonical-headers.js'
export { canonicalQuery } from './canonical-query.js'
export { type CanonicalRequestOptions, canonicalRequest } from './canonical-request.js'
export { canonicalUri, normalizePath } from './canonical-uri.js'
export { parseSigV4Auth } from './parse-auth.js'
export { hashBody, payloadHash } from './payload-hash.js'
export { createSigningKeyCache, deriveSigningKey } from './signing-key.js'
export { credentialScope, SIGV4_ALGORITHM, stringToSign } from './string-to-sign.js'
export type {
  SigningKeyCache,
  SigV4Auth,
  SigV4AuthKind,
  SigV4Request,
  VerifiedRequest,
  VerifyOptions,
} from './types.js'
export { DEFAULT_MAX_SKEW_MS, verifySigV4 } from './verify.js'
