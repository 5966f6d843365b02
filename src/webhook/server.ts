import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Server } from 'node:net'
import { type AdmissionDeps, DEFAULT_MAX_BODY_BYTES, handleAdmissionReview } from './admission.js'
import type { WebhookMetrics } from './metrics.js'
import { createTlsReloader, type TlsFiles } from './tls-reloader.js'

/** Default HTTPS port: upstream uses 443; 8443 needs no privilege in the container. */
export const DEFAULT_WEBHOOK_PORT = 8443

/** The events the server reports; a pino logger fits. */
export interface WebhookLogger {
  debug(fields: object, message: string): void
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  /** Everything `POST /mutate` needs; its `metrics` must be the `metrics` below. */
  admission: Omit<AdmissionDeps, 'metrics'>
  metrics: WebhookMetrics
  tls: TlsFiles
  /** Address to bind; all interfaces when absent. */
  host?: string | undefined
  /** `--port`, default 8443; 0 picks a free port. */
  port?: number | undefined
  /** Also serve `/metrics` and `/healthz` over plain HTTP on this port (upstream `--metrics-port`). */
  metricsPort?: number | undefined
  logger?: WebhookLogger | undefined
}

/** A listening webhook. */
export interface WebhookServer {
  /** `https://<host>:<port>`. */
  url: string
  port: number
  /** `http://<host>:<port>` of the plain metrics listener, when there is one. */
  metricsUrl?: string
  /**
   * Checks the certificate files now (new connections check them anyway); true when a new pair
   * was loaded.
   */
  reloadTls(): boolean
  /** Stops accepting, lets requests in flight finish, closes idle connections. */
  close(): Promise<void>
}

const KNOWN_PATHS = new Set(['/mutate', '/healthz', '/metrics'])
const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'])
/** A body above the cap is still read (and dropped) up to this multiple, so the client can read
 * the 413; beyond it the connection is cut. */
const DRAIN_FACTOR = 4

function send(res: ServerResponse, status: number, contentType: string, body: string) {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
  })
  res.end(body)
}

/** Reads the body, or `undefined` after answering 413 when it exceeds `max` bytes. */
async function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'])
  const tooLarge = () => {
    res.setHeader('connection', 'close')
    send(res, 413, 'text/plain; charset=utf-8', `body is larger than ${max} bytes\n`)
  }
  const chunks: Buffer[] = []
  let size = 0
  let refused = false
  if (Number.isFinite(declared) && declared > max) {
    tooLarge()
    refused = true
  }
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (!refused && size > max) {
      tooLarge()
      refused = true
      chunks.length = 0
    }
    if (refused) {
      if (size > max * DRAIN_FACTOR) {
        req.destroy()
        break
      }
      continue
    }
    chunks.push(chunk)
  }
  return refused ? undefined : Buffer.concat(chunks)
}

/**
 * Starts `lanyard webhook`'s HTTPS server: `POST /mutate` (AdmissionReview, see
 * {@link handleAdmissionReview}), `GET /healthz`, `GET /metrics` (Prometheus text from the
 * webhook's own registry). The certificate and key are read from files and re-read when they
 * change — checked on every new connection, before its handshake — so a rotated Secret needs no
 * restart; a pair that does not load keeps the previous one in service.
 *
 * @example
 * const server = await startWebhookServer({
 *   admission: { config: resolveWebhookConfig(), lookupServiceAccount },
 *   metrics: createWebhookMetrics(),
 *   tls: { certFile: 'tls.crt', keyFile: 'tls.key' },
 * })
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { metrics, logger } = options
  const deps: AdmissionDeps = {
    onError: (err, context) => logger?.warn({ err, context }, 'webhook: absorbed error'),
    ...options.admission,
    metrics,
  }
  const max = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES

  const handle = async (req: IncomingMessage, res: ServerResponse, tls: boolean) => {
    const started = process.hrtime.bigint()
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const pathLabel = KNOWN_PATHS.has(path) ? path : 'other'
    const method = req.method ?? 'GET'
    try {
      if (path === '/healthz' && (method === 'GET' || method === 'HEAD')) {
        send(res, 200, 'text/plain; charset=utf-8', 'ok')
      } else if (path === '/metrics' && method === 'GET') {
        send(res, 200, metrics.registry.contentType, await metrics.registry.metrics())
      } else if (path === '/mutate' && tls) {
        if (method !== 'POST') {
          res.setHeader('allow', 'POST')
          send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n')
        } else {
          const contentType = req.headers['content-type']
          if (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
            // Answered before reading a body that will not be used.
            const answer = await handleAdmissionReview({ contentType, body: '' }, deps)
            send(res, answer.status, answer.contentType, answer.body)
          } else {
            const body = await readBody(req, res, max)
            if (body !== undefined) {
              const answer = await handleAdmissionReview({ contentType, body }, deps)
              send(res, answer.status, answer.contentType, answer.body)
            }
          }
        }
      } else {
        send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
      }
    } catch (err) {
      logger?.error({ err, path }, 'webhook: request failed')
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n')
      else res.destroy()
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      metrics.requests.inc({
        method: KNOWN_METHODS.has(method) ? method : 'other',
        path: pathLabel,
        code: String(res.statusCode),
      })
      metrics.requestDuration.observe({ path: pathLabel }, seconds)
      logger?.debug({ method, path, status: res.statusCode, seconds }, 'webhook: request')
    }
  }

  const reloader = createTlsReloader(options.tls)
  const server = createHttpsServer({ ...reloader.load() }, (req, res) => {
    void handle(req, res, true)
  })
  const reloadTls = (): boolean => {
    try {
      const pair = reloader.changed()
      if (!pair) return false
      server.setSecureContext(pair)
      metrics.tlsReloads.inc({ result: 'ok' })
      logger?.info({ cert: options.tls.certFile }, 'webhook: tls certificate reloaded')
      return true
    } catch (err) {
      metrics.tlsReloads.inc({ result: 'error' })
      logger?.warn({ err }, 'webhook: tls certificate not reloaded, keeping the previous one')
      return false
    }
  }
  // Runs before the TLS listener wraps the socket, so this very handshake uses a new pair.
  server.prependListener('connection', () => {
    reloadTls()
  })
  server.on('tlsClientError', (err) => logger?.debug({ err }, 'webhook: tls handshake failed'))
  // Slow clients must not hold sockets: the API server's own call times out after 10 s by default.
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000

  const listen = (s: Server, port: number) =>
    new Promise<AddressInfo>((resolve, reject) => {
      s.once('error', reject)
      s.listen(port, options.host, () => {
        s.off('error', reject)
        resolve(s.address() as AddressInfo)
      })
    })
  const hostOf = (a: AddressInfo) =>
    options.host === undefined ? 'localhost' : a.family === 'IPv6' ? `[${a.address}]` : a.address

  const address = await listen(server, options.port ?? DEFAULT_WEBHOOK_PORT)
  let metricsServer: ReturnType<typeof createHttpServer> | undefined
  let metricsUrl: string | undefined
  if (options.metricsPort !== undefined) {
    metricsServer = createHttpServer((req, res) => {
      void handle(req, res, false)
    })
    try {
      const m = await listen(metricsServer, options.metricsPort)
      metricsUrl = `http://${hostOf(m)}:${m.port}`
    } catch (err) {
      server.close()
      throw err
    }
  }

  const closeOne = (s: ReturnType<typeof createHttpServer> | typeof server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve())
      s.closeIdleConnections()
    })
  return {
    url: `https://${hostOf(address)}:${address.port}`,
    port: address.port,
    ...(metricsUrl !== undefined ? { metricsUrl } : {}),
    reloadTls,
    async close() {
      await Promise.all([closeOne(server), ...(metricsServer ? [closeOne(metricsServer)] : [])])
    },
  }
}
