import { LanyardError } from '../errors.js'
import {
  type Credential,
  checkAmzDate,
  parseCredentialKept,
  parseExpires,
  parseSignedHeadersKept,
} from './auth-fields.js'
import { trimHeaderValue } from './canonical-headers.js'
import { forEachQueryParameter } from './canonical-query.js'
import { isHeaderName, signedHeaderIndex } from './header-names.js'
import {
  missingAuthorizationParts,
  ONE_AUTH_MECHANISM,
  PRESIGNED_PARAMETERS_REQUIRED,
  UNSUPPORTED_ALGORITHM,
} from './messages.js'
import { parseAuthorizationHeader } from './parse-authorization.js'
import { SIGV4_ALGORITHM } from './string-to-sign.js'
import type { SigV4Auth, SigV4Request } from './types.js'
import { decodeQueryComponent } from './uri-encode.js'

function incomplete(message: string): LanyardError {
  return new LanyardError('signature.incomplete', message)
}

/** The presigned-URL parameters (names as canonically encoded, i.e. as AWS spells them). */
const QUERY_AUTH_PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
] as const
type QueryAuthParameter = (typeof QUERY_AUTH_PARAMETERS)[number]
type QueryAuth = Partial<Record<QueryAuthParameter, string>>

function isQueryAuthParameter(key: string): key is QueryAuthParameter {
  return (QUERY_AUTH_PARAMETERS as readonly string[]).includes(key)
}

const NO_QUERY_AUTH: QueryAuth = Object.freeze({})

function scanQuery(rawQuery: string): QueryAuth {
  if (rawQuery === '') return NO_QUERY_AUTH
  const found: QueryAuth = {}
  forEachQueryParameter(rawQuery, (key, rawValue) => {
    if (!key.startsWith('X-Amz-') || !isQueryAuthParameter(key)) return
    // The verifier and the handler must never disagree on which copy counts (SIG-13, XML-03).
    if (found[key] !== undefined)
      throw incomplete(`the query parameter \`${key}\` appears more than once`)
    found[key] = decodeQueryComponent(rawValue)
  })
  return found
}

interface HeaderScan {
  authorizationCount: number
  authorization: string | undefined
  amzDateCount: number
  amzDate: string | undefined
  securityTokenCount: number
  securityToken: string | undefined
  hasDate: boolean
}

// One pass, no allocation but the result: this runs for every request. Values are trimmed as
// canonicalisation trims them, so what is reported is what was signed.
function scanHeaders(headers: SigV4Request['headers']): HeaderScan {
  const scan: HeaderScan = {
    authorizationCount: 0,
    authorization: undefined,
    amzDateCount: 0,
    amzDate: undefined,
    securityTokenCount: 0,
    securityToken: undefined,
    hasDate: false,
  }
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as readonly [string, string]
    if (isHeaderName(name, 'authorization')) {
      if (scan.authorizationCount++ === 0) scan.authorization = value.trim()
    } else if (isHeaderName(name, 'x-amz-date')) {
      if (scan.amzDateCount++ === 0) scan.amzDate = trimHeaderValue(value)
    } else if (isHeaderName(name, 'x-amz-security-token')) {
      if (scan.securityTokenCount++ === 0) scan.securityToken = trimHeaderValue(value)
    } else if (isHeaderName(name, 'date')) scan.hasDate = true
  }
  return scan
}

function requirePresent(headers: SigV4Request['headers'], signedHeaders: readonly string[]): void {
  let found = 0
  const seen: boolean[] = new Array(signedHeaders.length).fill(false)
  for (let h = 0; h < headers.length && found < signedHeaders.length; h++) {
    const i = signedHeaderIndex((headers[h] as readonly [string, string])[0], signedHeaders)
    if (i !== -1 && !seen[i]) {
      seen[i] = true
      found++
    }
  }
  if (found === signedHeaders.length) return
  const missing = signedHeaders[seen.indexOf(false)] as string
  throw incomplete(`the signed header \`${missing}\` is not in the request`)
}

/**
 * What parseSigV4Auth returns: a frozen SigV4Auth that remembers (privately) the request object it
 * was read from, so verifySigV4 can trust the pair without parsing twice.
 */
class ParsedAuth implements SigV4Auth {
  readonly kind: SigV4Auth['kind']
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
  readonly amzDate: string
  declare readonly securityToken?: string
  declare readonly expires?: number
  readonly #request: SigV4Request

  constructor(
    request: SigV4Request,
    kind: SigV4Auth['kind'],
    credential: Credential,
    signedHeaders: readonly string[],
    signature: string,
    amzDate: string,
    securityToken: string | undefined,
    expires: number | undefined,
  ) {
    this.kind = kind
    this.accessKeyId = credential.accessKeyId
    this.date = credential.date
    this.region = credential.region
    this.service = credential.service
    this.signedHeaders = signedHeaders
    this.signature = signature
    this.amzDate = amzDate
    if (securityToken !== undefined) this.securityToken = securityToken
    if (expires !== undefined) this.expires = expires
    this.#request = request
    Object.freeze(this)
  }

  static isFrom(auth: SigV4Auth, request: SigV4Request): boolean {
    return #request in auth && (auth as ParsedAuth).#request === request
  }
}

/** True when `auth` is the very object {@link parseSigV4Auth} returned for `request`. */
export function isParsedFrom(auth: SigV4Auth, request: SigV4Request): boolean {
  return ParsedAuth.isFrom(auth, request)
}

function fromHeader(request: SigV4Request, scan: HeaderScan, query: QueryAuth): SigV4Auth {
  if (scan.authorizationCount > 1) {
    throw incomplete('the request has more than one Authorization header')
  }
  const amzDate = scan.amzDate
  const parts = parseAuthorizationHeader(scan.authorization as string, amzDate !== undefined)
  if (amzDate === undefined) {
    // The Date header is a valid alternative for AWS; Lanyard does not implement it.
    throw incomplete(
      scan.hasDate
        ? "the 'Date' header is not supported for signing here: send 'X-Amz-Date'"
        : missingAuthorizationParts([], true),
    )
  }
  if (scan.amzDateCount > 1) throw incomplete('the request has more than one X-Amz-Date header')
  checkAmzDate(amzDate)
  const credential = parseCredentialKept(parts.credential)
  const signedHeaders = parseSignedHeadersKept(parts.signedHeaders)
  // The request time must be signed when it travels in a header (SIG-14).
  if (!signedHeaders.includes('x-amz-date')) {
    throw incomplete("the 'x-amz-date' header must be signed")
  }
  requirePresent(request.headers, signedHeaders)
  if (scan.securityTokenCount > 1) {
    throw incomplete('the request has more than one X-Amz-Security-Token header')
  }
  if (query['X-Amz-Security-Token'] !== undefined) {
    throw incomplete('the security token must be sent in one place only')
  }
  return new ParsedAuth(
    request,
    'header',
    credential,
    signedHeaders,
    parts.signature,
    amzDate,
    scan.securityToken,
    undefined,
  )
}

function fromQuery(request: SigV4Request, scan: HeaderScan, query: QueryAuth): SigV4Auth {
  const algorithm = query['X-Amz-Algorithm']
  const credentialValue = query['X-Amz-Credential']
  const signature = query['X-Amz-Signature']
  const signedHeadersValue = query['X-Amz-SignedHeaders']
  const amzDate = query['X-Amz-Date']
  const expiresValue = query['X-Amz-Expires']
  if (
    !algorithm ||
    !credentialValue ||
    !signature ||
    !signedHeadersValue ||
    !amzDate ||
    !expiresValue
  ) {
    throw incomplete(PRESIGNED_PARAMETERS_REQUIRED)
  }
  if (algorithm !== SIGV4_ALGORITHM) throw incomplete(UNSUPPORTED_ALGORITHM)
  checkAmzDate(amzDate)
  const expires = parseExpires(expiresValue)
  const credential = parseCredentialKept(credentialValue)
  const signedHeaders = parseSignedHeadersKept(signedHeadersValue)
  requirePresent(request.headers, signedHeaders)
  if (scan.securityTokenCount > 0) {
    throw incomplete('the security token must be sent in one place only')
  }
  return new ParsedAuth(
    request,
    'query',
    credential,
    signedHeaders,
    signature,
    amzDate,
    query['X-Amz-Security-Token'],
    expires,
  )
}

/**
 * Reads the SigV4 authentication a request claims, without any secret: the `Authorization` header
 * or the presigned `X-Amz-*` query parameters. Returns `undefined` when the request carries no
 * SigV4 authentication at all (no `Authorization` header and none of `X-Amz-Algorithm`,
 * `X-Amz-Credential`, `X-Amz-Signature` in the query): the edge answers
 * MissingAuthenticationToken.
 *
 * Throws `signature.incomplete` for malformed or ambiguous authentication: both mechanisms at once,
 * two `Authorization` headers, a parameter given twice, missing parts, a bad credential scope, an
 * algorithm other than AWS4-HMAC-SHA256 (SigV4a included), a missing or malformed `X-Amz-Date`,
 * `SignedHeaders` not lower-case and sorted or without `host` (or without `x-amz-date` for header
 * auth), a signed header absent from the request, `X-Amz-Expires` outside 1..604800, a session
 * token both in a header and in the query. Throws `request.malformed` for an invalid
 * percent-encoding in the query string.
 */
export function parseSigV4Auth(request: SigV4Request): SigV4Auth | undefined {
  const scan = scanHeaders(request.headers)
  const query = scanQuery(request.query)
  const hasQueryAuth =
    query['X-Amz-Algorithm'] !== undefined ||
    query['X-Amz-Credential'] !== undefined ||
    query['X-Amz-Signature'] !== undefined
  const hasHeaderAuth = scan.authorizationCount > 0
  if (!hasHeaderAuth && !hasQueryAuth) return undefined
  if (hasHeaderAuth && hasQueryAuth) throw incomplete(ONE_AUTH_MECHANISM)
  return hasHeaderAuth ? fromHeader(request, scan, query) : fromQuery(request, scan, query)
}
