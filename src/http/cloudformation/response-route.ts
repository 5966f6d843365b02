import type { ResponseRegistry } from '../../stack/custom/response-registry.js'
import { RESPONSE_PATH } from '../../stack/custom/response-registry.js'
import type { RestRoute } from '../rest.js'

/**
 * The pre-signed ResponseURLs of custom resource requests: `PUT <prefix><token>` with the
 * response JSON (crpg-ref-responses). Unsigned, like an S3 pre-signed URL: the unguessable
 * token is the credential, and it works once.
 */
export function createResponseRoute(registry: ResponseRegistry): RestRoute {
  return {
    matches: (path) => path.startsWith(RESPONSE_PATH),
    async handle(request) {
      if (request.method !== 'PUT')
        return {
          status: 405,
          headers: { 'content-type': 'text/plain' },
          body: 'method not allowed\n',
        }
      const token = request.path.slice(RESPONSE_PATH.length)
      const body = new TextDecoder('utf-8').decode(request.body)
      const r = registry.deliver(token, body)
      return {
        status: r.status,
        headers: { 'content-type': 'text/plain' },
        body: r.message === '' ? '' : `${r.message}\n`,
      }
    },
  }
}
