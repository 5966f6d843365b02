/**
 * A received HTTP request, in the raw form SigV4 canonicalises. Everything is as it came off the
 * wire: the verifier does its own decoding, so the edge must not normalise anything.
 */
export interface SigV4Request {
  /** Request method as received (case-sensitive, e.g. `GET`). */
  readonly method: string
  /** Raw path of the request-target, before `?`, still percent-encoded (e.g. `/a%20b/`). */
  readonly path: string
  /** Raw query string without the leading `?`; `''` when there is none. */
  readonly query: string
  /**
   * Raw header pairs in received order, duplicates preserved (node's `req.rawHeaders` paired up).
   * Names in any case; values as node delivers them (leading/trailing whitespace may remain).
   */
  readonly headers: readonly (readonly [string, string])[]
  /** The whole request body (its SHA-256 is part of the signature). */
  readonly body: Uint8Array
}

/** Where a request carries its SigV4 authentication. */
export type SigV4AuthKind = 'header' | 'query'

/** What a request claims about its signature, parsed without any secret. */
export interface SigV4Auth {
  /** `header`: `Authorization: AWS4-HMAC-SHA256 …`; `query`: presigned `X-Amz-*` parameters. */
  readonly kind: SigV4AuthKind
  readonly accessKeyId: string
  /** `yyyymmdd` from the credential scope. */
  readonly date: string
  readonly region: string
  readonly service: string
  /** Lower-case, sorted, as listed by the signer. */
  readonly signedHeaders: readonly string[]
  /** The signature as sent (not validated here: a malformed one simply does not match). */
  readonly signature: string
  /** The `X-Amz-Date` value (`yyyymmddThhmmssZ`), header or query parameter. */
  readonly amzDate: string
  /** `x-amz-security-token` header (header auth) or `X-Amz-Security-Token` parameter (query auth). */
  readonly securityToken?: string
  /** Presigned `X-Amz-Expires`, in seconds (1..604800); always set for query auth. */
  readonly expires?: number
}

/** Options of {@link verifySigV4}. */
export interface VerifyOptions {
  /** The current time, epoch milliseconds (inject the clock). */
  readonly now: number
  /** Allowed clock skew either way; default 15 minutes (AWS's window, SIG-01/02). */
  readonly maxSkewMs?: number
  /**
   * `true` (default): canonical URI normalised (dot segments, empty segments) and URI-encoded
   * twice, as every AWS service but S3 expects. `false`: S3 rules, no normalisation, one encoding.
   */
  readonly normalizePath?: boolean
  /**
   * `true` (default): the payload hash is always the SHA-256 of the body, so `UNSIGNED-PAYLOAD` is
   * refused (SIG-06). `false`: `x-amz-content-sha256: UNSIGNED-PAYLOAD` is accepted as such.
   * Streaming payloads are refused either way (SIG-07).
   */
  readonly requireSignedBody?: boolean
  /** Cache of derived signing keys; without it every call derives the key (four HMACs). */
  readonly signingKeyCache?: SigningKeyCache
}

/** A request whose signature checked out. */
export interface VerifiedRequest {
  readonly accessKeyId: string
  readonly region: string
  readonly service: string
  /** The `X-Amz-Date` of the signature. */
  readonly signedAt: Date
  readonly securityToken?: string
  /**
   * Whether the session token is covered by the signature. STS-style services let signers add it
   * after signing (SIG-11); then nothing but the token lookup ties it to the request.
   */
  readonly securityTokenSigned: boolean
  /** `true` for query (presigned) authentication. */
  readonly presigned: boolean
}

/**
 * A bounded cache of derived SigV4 signing keys, keyed by secret, date, region and service. It holds
 * secrets: never log or serialise it (its entries are private and `inspect` shows none of them).
 */
export interface SigningKeyCache {
  /** The signing key for the scope, derived and remembered on a miss. */
  get(secretAccessKey: string, date: string, region: string, service: string): Buffer
  /** Number of keys held. */
  readonly size: number
  /** Forgets every key (e.g. after a secret was rotated). */
  clear(): void
}
