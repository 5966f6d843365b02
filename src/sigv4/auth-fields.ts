import { rememberedPerText } from '../bounded-map.js'
import { LanyardError } from '../errors.js'
import { parseAmzDate } from './amz-date.js'
import { BAD_AMZ_DATE, badTerminator, MALFORMED_CREDENTIAL } from './messages.js'

const ACCESS_KEY_ID = /^\w{1,128}$/
const SCOPE_DATE = /^\d{8}$/
// Region and service names are lower-case words and dashes in AWS; the set is kept a little wider
// but never admits `/`, NUL or whitespace (the signing-key cache relies on that).
const SCOPE_NAME = /^[A-Za-z0-9._-]{1,64}$/
// RFC 9110 §5.6.2 tchar, lower-case only: SigV4 lists header names in lower case.
const SIGNED_HEADER = /^[a-z0-9!#$%&'*+.^_`|~-]+$/
const NEGATIVE = /^-\d+$/
const DIGITS = /^\d{1,9}$/

function incomplete(message: string): LanyardError {
  return new LanyardError('signature.incomplete', message)
}

export interface Credential {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
}

/** Parses `AKID/yyyymmdd/region/service/aws4_request` (SIG-03). */
export function parseCredential(value: string): Credential {
  const parts = value.split('/')
  // Five parts exactly: an access key id containing `/` cannot shift the scope (SIG-03).
  if (parts.length !== 5) throw incomplete(MALFORMED_CREDENTIAL)
  const [accessKeyId, date, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ]
  if (!ACCESS_KEY_ID.test(accessKeyId) || !SCOPE_DATE.test(date)) {
    throw incomplete(MALFORMED_CREDENTIAL)
  }
  if (!SCOPE_NAME.test(region)) throw incomplete('Credential should be scoped to a valid region.')
  if (!SCOPE_NAME.test(service)) throw incomplete('Credential should be scoped to a valid service.')
  if (terminator !== 'aws4_request') throw incomplete(badTerminator(terminator))
  return { accessKeyId, date, region, service }
}

/**
 * Parses a `SignedHeaders` list: non-empty, lower-case header names, strictly ascending (sorted, no
 * duplicates) as every signer writes them, `host` among them (SIG-14).
 */
export function parseSignedHeaders(value: string): string[] {
  const names = value.split(';')
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    if (!SIGNED_HEADER.test(name)) {
      throw incomplete(
        `SignedHeaders must list lower-case header names separated by ';', got \`${value.slice(0, 256)}\``,
      )
    }
    if (i > 0 && (names[i - 1] as string) >= name) {
      throw incomplete(
        `SignedHeaders must be sorted and free of duplicates, got \`${value.slice(0, 256)}\``,
      )
    }
  }
  if (!names.includes('host')) throw incomplete("the 'host' header must be signed")
  return names
}

/**
 * Texts remembered per parser, and the longest text remembered (real ones are under 200): a
 * client signs call after call with the same credential scope and the same header list, so most
 * calls find them parsed.
 */
const KEPT = 1024
const KEPT_TEXT = 256

/** {@link parseCredential}, remembered per text; the result is frozen. */
export const parseCredentialKept = rememberedPerText(
  (value) => Object.freeze(parseCredential(value)),
  KEPT,
  KEPT_TEXT,
)

/** {@link parseSignedHeaders}, remembered per text; the result is frozen. */
export const parseSignedHeadersKept = rememberedPerText(
  (value): readonly string[] => Object.freeze(parseSignedHeaders(value)),
  KEPT,
  KEPT_TEXT,
)

/** Validates an `X-Amz-Date` value; returns it. */
export function checkAmzDate(value: string): string {
  if (parseAmzDate(value) === undefined) throw incomplete(BAD_AMZ_DATE)
  return value
}

/** AWS's presigned-URL bounds: 1 second to 7 days (SIG-08). */
export const MAX_PRESIGNED_EXPIRES = 604800

/** Parses `X-Amz-Expires` (SIG-08). */
export function parseExpires(value: string): number {
  if (NEGATIVE.test(value)) throw incomplete('X-Amz-Expires must be non-negative')
  if (!DIGITS.test(value)) throw incomplete('X-Amz-Expires should be a number')
  const seconds = Number(value)
  if (seconds < 1) throw incomplete('X-Amz-Expires must be at least 1 second')
  if (seconds > MAX_PRESIGNED_EXPIRES) {
    throw incomplete(
      `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES}`,
    )
  }
  return seconds
}
