import { randomBytes } from 'node:crypto'
import { LanyardError } from '../errors.js'
import { quote } from './kubernetes-names.js'

const ISSUER_ID = /^[0-9A-F]{32}$/

/**
 * A new cluster issuer id: 32 upper-case hex characters, the shape EKS uses in
 * `https://oidc.eks.<region>.amazonaws.com/id/<ID>`.
 */
export function newIssuerId(): string {
  return randomBytes(16).toString('hex').toUpperCase()
}

/** True when `id` has the EKS issuer id shape (32 upper-case hex characters). */
export function isIssuerId(id: string): boolean {
  return ISSUER_ID.test(id)
}

/**
 * Parses an http(s) URL that may carry a path but no credentials, query or fragment
 * (OpenID Connect Discovery 1.0 §3 `issuer`; Kubernetes refuses query and fragment too).
 */
function parseBase(what: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new LanyardError('config.invalid', `${what} ${quote(value)} is not an absolute url`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LanyardError('config.invalid', `${what} ${quote(value)} must use https or http`)
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new LanyardError(
      'config.invalid',
      `${what} ${quote(value)} must not contain credentials, a query or a fragment`,
    )
  }
  // `new URL` drops an empty `?`/`#`; the raw text must not carry them either.
  if (value.includes('?') || value.includes('#')) {
    throw new LanyardError(
      'config.invalid',
      `${what} ${quote(value)} must not contain credentials, a query or a fragment`,
    )
  }
  return url
}

/**
 * The issuer url of one cluster: `<base>/id/<ID>`. The base is canonicalised by the WHATWG URL
 * parser (lower-case host, default port dropped) and loses trailing slashes, so the same
 * configuration always yields the same, byte-identical issuer string — `iss` is compared by
 * exact string equality everywhere (RFC 7519 §4.1.1, OIDC Discovery 1.0 §4.3).
 */
export function issuerUrl(baseUrl: string, id: string): string {
  if (!isIssuerId(id)) {
    throw new LanyardError(
      'config.invalid',
      `issuer id ${quote(id)} must be 32 upper-case hex characters`,
    )
  }
  const url = parseBase('issuer base url', baseUrl)
  const path = url.pathname.replace(/\/+$/, '')
  return `${url.origin}${path}/id/${id}`
}

/**
 * Checks that `issuer` is usable as an `iss` value: an http(s) URL without credentials, query,
 * fragment or trailing slash. Throws `request.invalid`.
 */
export function assertIssuer(issuer: unknown): asserts issuer is string {
  if (typeof issuer !== 'string') {
    throw new LanyardError('request.invalid', `issuer ${quote(issuer)} is not a string`)
  }
  try {
    parseBase('issuer', issuer)
  } catch (err) {
    throw new LanyardError('request.invalid', (err as Error).message)
  }
  if (issuer.endsWith('/')) {
    throw new LanyardError('request.invalid', `issuer ${quote(issuer)} must not end with \`/\``)
  }
}
