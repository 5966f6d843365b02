// Error messages. Where AWS's wording is known it is kept verbatim (clients and people search for
// it), minus anything AWS echoes that could carry a secret (AWS appends "Authorization=<header>",
// signature included, to IncompleteSignature messages: never done here).

/** SignatureDoesNotMatch, as STS/IAM word it. */
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

/** IncompleteSignature sentences for an Authorization header lacking parameters (observed AWS text). */
export function missingAuthorizationParts(
  missing: readonly ('Credential' | 'Signature' | 'SignedHeaders')[],
  missingDate: boolean,
): string {
  const sentences = missing.map((p) => `Authorization header requires '${p}' parameter.`)
  if (missingDate) {
    sentences.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    )
  }
  return sentences.join(' ')
}

/** S3's wording for an algorithm other than AWS4-HMAC-SHA256 (SigV4a, SHA-1, SigV2). */
export const UNSUPPORTED_ALGORITHM =
  'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.'

/** S3's wording when a request carries both header and query authentication (SIG-13). */
export const ONE_AUTH_MECHANISM =
  'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified'

/** S3's wording for presigned requests missing a parameter. */
export const PRESIGNED_PARAMETERS_REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.'

export const MALFORMED_CREDENTIAL =
  'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'

/** AWS's wording for a bad credential-scope terminator. */
export function badTerminator(terminator: string): string {
  return `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator.slice(0, 64)}'.`
}

export const BAD_AMZ_DATE = `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`

/** AWS's wording (IAM User Guide, "Troubleshoot signed requests"). */
export function scopeDateMismatch(scopeDate: string, amzDate: string): string {
  return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`
}

/** AWS's wording, e.g. "Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)". */
export function signatureExpired(
  amzDate: string,
  limit: string,
  now: string,
  skew: string,
): string {
  return `Signature expired: ${amzDate} is now earlier than ${limit} (${now} - ${skew} min.)`
}

/** AWS's wording, e.g. "Signature not yet current: … is still later than … (… + 15 min.)". */
export function signatureNotYetCurrent(
  amzDate: string,
  limit: string,
  now: string,
  skew: string,
): string {
  return `Signature not yet current: ${amzDate} is still later than ${limit} (${now} + ${skew} min.)`
}

/** S3's wording for a presigned URL past X-Amz-Date + X-Amz-Expires. */
export const REQUEST_EXPIRED = 'Request has expired'

/** S3's wording for a body that does not hash to x-amz-content-sha256. */
export const CONTENT_SHA256_MISMATCH =
  "The provided 'x-amz-content-sha256' header does not match what was computed."

export const CONTENT_SHA256_INVALID =
  "The provided 'x-amz-content-sha256' header must be a valid SHA256."
