import { SignJWT } from 'jose'
import { LanyardError } from '../errors.js'
import { timeOrderedUuid } from '../time-ordered-id.js'
import { assertIssuer } from './issuer.js'
import { assertDns1123Label, assertDns1123Subdomain, assertUid, quote } from './kubernetes-names.js'
import { deriveServiceAccountUid } from './service-account-uid.js'
import { type SigningKey, signingCryptoKey } from './signing-key.js'

/** Audience the pod identity webhook requests by default (`--token-audience`). */
export const DEFAULT_TOKEN_AUDIENCE = 'sts.amazonaws.com'
/** Token lifetime the pod identity webhook requests by default (`--token-expiration`). */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 86_400
/** kube-apiserver refuses `expirationSeconds` below 10 minutes (TokenRequest validation). */
export const MIN_TOKEN_EXPIRATION_SECONDS = 600
/** kube-apiserver refuses `expirationSeconds` above 2^32 (TokenRequest validation). */
export const MAX_TOKEN_EXPIRATION_SECONDS = 2 ** 32

/** What a projected service-account token is minted for. */
export interface ServiceAccountTokenInput {
  /** The cluster's issuer url, becomes `iss`. */
  issuer: string
  key: SigningKey
  namespace: string
  serviceAccount: string
  /** Defaults to {@link deriveServiceAccountUid} of issuer, namespace and name. */
  serviceAccountUid?: string | undefined
  /** Defaults to `['sts.amazonaws.com']`. */
  audiences?: readonly string[] | undefined
  /** Defaults to 86400; at least 600 and at most 2^32. */
  expirationSeconds?: number | undefined
  /** The issue instant in epoch milliseconds. */
  now: number
  /** Pod binding: give `podName` and `podUid` together. */
  podName?: string | undefined
  podUid?: string | undefined
  /** Node binding: give `nodeName` and `nodeUid` together. */
  nodeName?: string | undefined
  nodeUid?: string | undefined
  /** Defaults to a random UUID. */
  jti?: string | undefined
}

interface ObjectRef {
  name: string
  uid: string
}

/**
 * The claims of a kube-apiserver projected service-account token, in the order kube-apiserver
 * serialises them (`pkg/serviceaccount/claims.go`). `warnafter` is left out: kube-apiserver sets
 * it only on the auto-mounted `kube-api-access` token, not on IRSA tokens.
 */
export interface ServiceAccountTokenClaims {
  aud: string[]
  exp: number
  iat: number
  iss: string
  jti: string
  'kubernetes.io': {
    namespace: string
    node?: ObjectRef
    pod?: ObjectRef
    serviceaccount: ObjectRef
  }
  nbf: number
  sub: string
}

function optionalPair(
  what: string,
  name: string | undefined,
  uid: string | undefined,
): ObjectRef | undefined {
  if (name === undefined && uid === undefined) return undefined
  if (name === undefined || uid === undefined) {
    throw new LanyardError('request.invalid', `${what} name and ${what} uid must be given together`)
  }
  assertDns1123Subdomain(`${what} name`, name)
  assertUid(`${what} uid`, uid)
  return { name, uid }
}

function checkAudiences(audiences: readonly string[]): string[] {
  if (!Array.isArray(audiences) || audiences.length === 0) {
    throw new LanyardError('request.invalid', 'at least one audience is required')
  }
  for (const aud of audiences) {
    if (typeof aud !== 'string' || aud.length === 0) {
      throw new LanyardError('request.invalid', `audience ${quote(aud)} must be a non-empty string`)
    }
  }
  return [...new Set(audiences)]
}

function checkExpiration(seconds: number): number {
  if (
    !Number.isInteger(seconds) ||
    seconds < MIN_TOKEN_EXPIRATION_SECONDS ||
    seconds > MAX_TOKEN_EXPIRATION_SECONDS
  ) {
    throw new LanyardError(
      'request.invalid',
      `expiration ${quote(seconds)} must be a whole number of seconds from 600 to 4294967296`,
    )
  }
  return seconds
}

/**
 * Builds (and validates) the claims of a projected service-account token without signing it.
 * Names follow Kubernetes validation: the namespace is a DNS-1123 label, service account, pod
 * and node names are DNS-1123 subdomains. Throws `request.invalid`.
 */
export function buildServiceAccountClaims(
  input: Omit<ServiceAccountTokenInput, 'key'>,
): ServiceAccountTokenClaims {
  assertIssuer(input.issuer)
  assertDns1123Label('namespace', input.namespace)
  assertDns1123Subdomain('service account name', input.serviceAccount)
  if (!Number.isFinite(input.now) || input.now < 0) {
    throw new LanyardError(
      'request.invalid',
      `issue time ${quote(input.now)} is not a valid instant`,
    )
  }
  const audiences = checkAudiences(input.audiences ?? [DEFAULT_TOKEN_AUDIENCE])
  const expirationSeconds = checkExpiration(
    input.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS,
  )
  const serviceAccountUid =
    input.serviceAccountUid ??
    deriveServiceAccountUid(input.issuer, input.namespace, input.serviceAccount)
  assertUid('service account uid', serviceAccountUid)
  const pod = optionalPair('pod', input.podName, input.podUid)
  const node = optionalPair('node', input.nodeName, input.nodeUid)
  // Time-ordered (UUIDv7, where Kubernetes uses v4): the audit table's index on the jti then
  // takes each exchange near the tokens alive now, not on a random leaf page of its history.
  const jti = input.jti ?? timeOrderedUuid(input.now)
  if (typeof jti !== 'string' || jti.length === 0) {
    throw new LanyardError('request.invalid', 'jti must be a non-empty string')
  }

  // claims.go: iat = nbf = now, exp = now + expirationSeconds, all whole seconds.
  const iat = Math.floor(input.now / 1000)
  return {
    aud: audiences,
    exp: iat + expirationSeconds,
    iat,
    iss: input.issuer,
    jti,
    'kubernetes.io': {
      namespace: input.namespace,
      ...(node === undefined ? {} : { node }),
      ...(pod === undefined ? {} : { pod }),
      serviceaccount: { name: input.serviceAccount, uid: serviceAccountUid },
    },
    nbf: iat,
    sub: `system:serviceaccount:${input.namespace}:${input.serviceAccount}`,
  }
}

/**
 * Mints a projected service-account token as kube-apiserver would: an RS256 JWS with the
 * protected header `{"alg":"RS256","kid":<kid>}` (no `typ`) over
 * {@link buildServiceAccountClaims}.
 *
 * @example
 * const token = await mintServiceAccountToken({
 *   issuer, key, namespace: 'default', serviceAccount: 'my-app', now: Date.now(),
 * })
 */
export async function mintServiceAccountToken(input: ServiceAccountTokenInput): Promise<string> {
  const claims = buildServiceAccountClaims(input)
  const cryptoKey = await signingCryptoKey(input.key)
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: input.key.kid })
    .sign(cryptoKey)
}
