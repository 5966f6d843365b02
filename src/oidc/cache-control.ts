/**
 * How long relying parties may cache the discovery document and the JWKS, in seconds.
 * kube-apiserver serves both with `Cache-Control: public, max-age=3600` for static keys
 * (`pkg/routes/openidmetadata.go`, `externalStaticPublicKeysGetter.GetCacheAgeMaxSeconds`);
 * EKS documents that its endpoint sends a cache-control header clients must respect, without
 * stating the value. A new signing key must be published at least this long before it signs.
 */
export const issuerCacheMaxAgeSeconds = 3600

/** `Cache-Control` for `<issuer>/.well-known/openid-configuration`. */
export const discoveryCacheControl = `public, max-age=${issuerCacheMaxAgeSeconds}`

/** `Cache-Control` for `<issuer>/keys`. */
export const jwksCacheControl = `public, max-age=${issuerCacheMaxAgeSeconds}`
