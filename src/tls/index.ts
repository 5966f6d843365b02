/**
 * TLS for `lanyard up --tls auto` and for `associate-iam-oidc-provider`: a local CA and server
 * certificate kept in the data directory, and the certificate thumbprints IAM stores for OIDC
 * providers. This folder does file and network I/O; it is an adapter, not a pure core.
 *
 * @packageDocumentation
 */
export {
  type EnsureLocalTlsOptions,
  ensureLocalTls,
  LOCAL_TLS_FILES,
  type LocalTls,
  RENEW_BEFORE_DAYS,
} from './ensure-local-tls.js'
export {
  type FetchIssuerThumbprintOptions,
  fetchIssuerThumbprint,
} from './fetch-issuer-thumbprint.js'
export { certificateThumbprint } from './thumbprint.js'
