import { canonicalHeaders } from './canonical-headers.js'
import { canonicalQuery } from './canonical-query.js'
import { canonicalUri } from './canonical-uri.js'
import type { SigV4Request } from './types.js'

/** Inputs of {@link canonicalRequest} that do not come from the request itself. */
export interface CanonicalRequestOptions {
  /** Lower-case, sorted names of the signed headers. */
  readonly signedHeaders: readonly string[]
  /** Hex SHA-256 of the body, or a keyword such as `UNSIGNED-PAYLOAD`. */
  readonly payloadHash: string
  /** Non-S3 path normalisation and double encoding; default `true`. */
  readonly normalizePath?: boolean
  /** Canonically encoded query keys left out (presigned `X-Amz-Signature`). */
  readonly omitQueryParameters?: readonly string[]
}

/**
 * The SigV4 canonical request (IAM User Guide, "Create a canonical request"):
 * `method \n uri \n query \n headers \n signedHeaders \n payloadHash`.
 */
export function canonicalRequest(request: SigV4Request, options: CanonicalRequestOptions): string {
  return (
    `${request.method}\n` +
    `${canonicalUri(request.path, options.normalizePath ?? true)}\n` +
    `${canonicalQuery(request.query, options.omitQueryParameters)}\n` +
    `${canonicalHeaders(request.headers, options.signedHeaders)}\n` +
    `${options.signedHeaders.join(';')}\n` +
    options.payloadHash
  )
}
