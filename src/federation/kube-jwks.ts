import { request as httpRequest } from 'node:http'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import { LanyardError } from '../errors.js'
import { type KubeConnectionOptions, resolveKubeConfig } from '../webhook/kube/index.js'

const MAX_BYTES = 256 * 1024

/** GETs a JSON document from the Kubernetes API with the kubeconfig's credentials and TLS settings. */
async function getJson(
  options: KubeConnectionOptions,
  path: string,
  timeoutMs: number,
): Promise<unknown> {
  const kc = resolveKubeConfig(options)
  const server = kc.getCurrentCluster()?.server as string
  const url = new URL(path, server.endsWith('/') ? server : `${server}/`)
  const opts: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } }
  await kc.applyToHTTPSOptions(opts)
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest
  return new Promise((resolve, reject) => {
    const req = request(url, { ...opts, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BYTES) {
          req.destroy()
          reject(
            new LanyardError(
              'idp.communication_error',
              `${path} is larger than ${MAX_BYTES} bytes`,
            ),
          )
        } else chunks.push(c)
      })
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(
            new LanyardError(
              'idp.communication_error',
              `the Kubernetes API answered ${path} with HTTP ${res.statusCode}`,
            ),
          )
          return
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        } catch {
          reject(
            new LanyardError(
              'idp.communication_error',
              `the Kubernetes API answered ${path} with invalid JSON`,
            ),
          )
        }
      })
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (err) =>
      reject(
        new LanyardError('idp.communication_error', `cannot reach the Kubernetes API for ${path}`, {
          cause: err,
        }),
      ),
    )
    req.end()
  })
}

/**
 * Reads a cluster's service-account issuer keys through the Kubernetes API
 * (`/.well-known/openid-configuration` and `/openid/v1/jwks`), for a private issuer nothing
 * public serves. The discovery document's `issuer` must equal `expectedIssuer` exactly: the keys
 * of another issuer are never taken.
 */
export async function fetchKubernetesJwks(
  options: KubeConnectionOptions & { expectedIssuer: string; timeoutMs?: number },
): Promise<unknown> {
  const timeout = options.timeoutMs ?? 10_000
  const discovery = (await getJson(options, '.well-known/openid-configuration', timeout)) as {
    issuer?: unknown
  }
  if (discovery?.issuer !== options.expectedIssuer) {
    throw new LanyardError(
      'request.invalid',
      `the cluster's issuer is \`${String(discovery?.issuer).slice(0, 256)}\`, not the provider's \`${options.expectedIssuer}\``,
    )
  }
  return getJson(options, 'openid/v1/jwks', timeout)
}
