import { LanyardError } from '../errors.js'
import { assertIssuer } from './issuer.js'
import { quote } from './kubernetes-names.js'

/** The OpenID Connect discovery document an EKS cluster issuer serves. */
export interface DiscoveryDocument {
  issuer: string
  jwks_uri: string
  authorization_endpoint: 'urn:kubernetes:programmatic_authorization'
  response_types_supported: ['id_token']
  subject_types_supported: ['public']
  claims_supported: ['sub', 'iss']
  id_token_signing_alg_values_supported: string[]
}

const SUPPORTED_ALGS = new Set(['RS256'])

/**
 * The document served at `<issuer>/.well-known/openid-configuration`, member for member and in
 * the order EKS serves it (see docs/oidc-issuer.md for the observed EKS document). Unlike
 * kube-apiserver's own document, EKS includes `authorization_endpoint` (a URN, so OIDC clients
 * that insist on an https authorization endpoint reject it — nov/openid_connect#62) and
 * `claims_supported`. The JWKS lives at `<issuer>/keys`.
 *
 * `algs` are the algorithms of the published keys; they are de-duplicated and sorted as
 * kube-apiserver does. Only `RS256` is accepted, since that is all our issuer signs with.
 */
export function buildDiscoveryDocument(
  issuer: string,
  algs: readonly string[] = ['RS256'],
): DiscoveryDocument {
  assertIssuer(issuer)
  const unique = [...new Set(algs)].sort()
  if (unique.length === 0) {
    throw new LanyardError(
      'request.invalid',
      'a discovery document needs at least one signing algorithm',
    )
  }
  for (const alg of unique) {
    if (!SUPPORTED_ALGS.has(alg)) {
      throw new LanyardError('request.invalid', `signing algorithm ${quote(alg)} is not supported`)
    }
  }
  return {
    issuer,
    jwks_uri: `${issuer}/keys`,
    authorization_endpoint: 'urn:kubernetes:programmatic_authorization',
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'iss'],
    id_token_signing_alg_values_supported: unique,
  }
}
