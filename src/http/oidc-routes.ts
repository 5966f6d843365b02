import type { IssuerService } from '../issuer/issuer-service.js'
import { discoveryCacheControl, jwksCacheControl } from '../oidc/index.js'
import type { PublicRoute } from './app.js'

const ISSUER_PATH = /^\/id\/([0-9A-F]{32})\/(\.well-known\/openid-configuration|keys)$/

/** Unsigned issuer endpoints: `/id/<ID>/.well-known/openid-configuration` and `/id/<ID>/keys`. */
export function createOidcRoute(issuers: IssuerService): PublicRoute {
  return {
    match: (path) => path.startsWith('/id/'),
    async handle(path) {
      const m = ISSUER_PATH.exec(path)
      if (!m) return undefined
      const id = m[1] as string
      const discovery = m[2] !== 'keys'
      const doc = discovery ? await issuers.discovery(id) : await issuers.jwks(id)
      if (!doc) return undefined
      return {
        status: 200,
        headers: {
          'content-type': discovery ? 'application/json' : 'application/jwk-set+json',
          'cache-control': discovery ? discoveryCacheControl : jwksCacheControl,
        },
        body: JSON.stringify(doc),
      }
    },
  }
}
