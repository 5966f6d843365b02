import { createHash, X509Certificate } from 'node:crypto'
import { LanyardError } from '../errors.js'

/**
 * The IAM OIDC provider thumbprint of a certificate: lower-case hex SHA-1 of its DER encoding,
 * always 40 characters (IAM `CreateOpenIDConnectProvider`, `ThumbprintList`). For a PEM bundle
 * it is the thumbprint of the first certificate.
 */
export function certificateThumbprint(pem: string): string {
  let der: Buffer
  try {
    der = new X509Certificate(pem).raw
  } catch (err) {
    throw new LanyardError('request.invalid', 'certificate is not a valid pem x.509 certificate', {
      cause: err,
    })
  }
  return derThumbprint(der)
}

/** SHA-1 of DER bytes, lower-case hex: what AWS calls a certificate thumbprint. */
export function derThumbprint(der: Uint8Array): string {
  // SHA-1 is what IAM specifies for thumbprints; it identifies, it does not protect.
  return createHash('sha1').update(der).digest('hex')
}
