import type { DeliveryResult, ResponseRegistry } from '../../stack/custom/response-registry.js'
import { RESPONSE_PATH } from '../../stack/custom/response-registry.js'
import type { RestRoute } from '../rest.js'

/**
 * The pre-signed ResponseURLs of custom resource requests: `PUT <prefix><token>` with the
 * response JSON (crpg-ref-responses). Unsigned, like an S3 pre-signed URL: the unguessable
 * token is the credential, and it works once. A token this process did not open goes to `relay`
 * when there is one: the other worker processes of the server, one of which waits for it.
 */
export function createResponseRoute(
  registry: ResponseRegistry,
  relay?: (token: string, body: string) => Promise<DeliveryResult>,
): RestRoute {
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
      let r = registry.deliver(token, body)
      if (r.status === 403 && relay !== undefined) r = await relay(token, body)
      return {
        status: r.status,
        headers: { 'content-type': 'text/plain' },
        body: r.message === '' ? '' : `${r.message}\n`,
      }
    },
  }
}
