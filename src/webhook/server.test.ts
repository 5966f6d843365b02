import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureLocalTls } from '../tls/index.js'
import { createWebhookMetrics, type WebhookMetrics } from './metrics.js'
import { startWebhookServer, type WebhookServer } from './server.js'
import { resolveWebhookConfig } from './webhook-config.js'

/**
 * The real HTTPS server on a loopback port, with certificates from `ensureLocalTls`. No
 * kube-apiserver can run here: the client is node:https sending what the API server sends.
 */

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  fingerprint: string | undefined
}

let dir: string
let ca: Buffer[]
let server: WebhookServer
let metrics: WebhookMetrics
const certFile = () => join(dir, 'serving', 'tls.crt')
const keyFile = () => join(dir, 'serving', 'tls.key')

function call(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const url = new URL(path, server.url)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers, ca, servername: 'localhost', agent: false },
      (res) => {
        const chunks: Buffer[] = []
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            fingerprint,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const review = (uid: string) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      namespace: 'team-a',
      operation: 'CREATE',
      object: {
        metadata: { name: 'p' },
        spec: { serviceAccountName: 'app', containers: [{ name: 'c' }] },
      },
    },
  })

/** Replaces the serving pair the way a Secret volume update does: new files, renamed in. */
function installPair(from: { certPath: string; keyPath: string }) {
  copyFileSync(from.keyPath, `${keyFile()}.new`)
  copyFileSync(from.certPath, `${certFile()}.new`)
  renameSync(`${keyFile()}.new`, keyFile())
  renameSync(`${certFile()}.new`, certFile())
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lanyard-webhook-server-'))
  const first = await ensureLocalTls(join(dir, 'a'), ['localhost'])
  const second = await ensureLocalTls(join(dir, 'b'), ['localhost'])
  ca = [readFileSync(first.caPath), readFileSync(second.caPath)]
  const { mkdirSync } = await import('node:fs')
  mkdirSync(join(dir, 'serving'))
  installPair(first)
  metrics = createWebhookMetrics()
  server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    metrics,
    tls: { certFile: certFile(), keyFile: keyFile() },
    admission: {
      config: resolveWebhookConfig({ stsEndpointUrl: 'https://lanyard.example:8443' }),
      maxBodyBytes: 64 * 1024,
      lookupServiceAccount: async (namespace, name) => {
        // What the ServiceAccount cache does on a hit.
        metrics.cacheHits.inc()
        return {
          namespace,
          name,
          annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/app' },
        }
      },
    },
  })
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('webhook HTTPS server', () => {
  it('answers POST /mutate with a patched AdmissionReview', async () => {
    const res = await call('POST', '/mutate', review('u-1'), { 'content-type': 'application/json' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    const body = JSON.parse(res.body)
    expect(body.response).toMatchObject({ uid: 'u-1', allowed: true, patchType: 'JSONPatch' })
    const patch = JSON.parse(Buffer.from(body.response.patch, 'base64').toString())
    expect(JSON.stringify(patch)).toContain('AWS_ENDPOINT_URL_STS')
  })

  it.each([
    ['GET /healthz', 'GET', '/healthz', undefined, {}, 200],
    [
      '415 without application/json',
      'POST',
      '/mutate',
      review('u'),
      { 'content-type': 'text/plain' },
      415,
    ],
    [
      '400 for a malformed review',
      'POST',
      '/mutate',
      '{"kind":"AdmissionReview"',
      { 'content-type': 'application/json' },
      400,
    ],
    ['405 for GET /mutate', 'GET', '/mutate', undefined, {}, 405],
    ['404 elsewhere', 'GET', '/admin', undefined, {}, 404],
  ])('%s', async (_name, method, path, body, headers, status) => {
    const res = await call(method, path, body, headers)
    expect(res.status).toBe(status)
  })

  it('answers 413 to a body above the cap (declared or streamed)', async () => {
    const big = `{"x":"${'a'.repeat(100 * 1024)}"}`
    const declared = await call('POST', '/mutate', big, { 'content-type': 'application/json' })
    expect(declared.status).toBe(413)
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(
        new URL('/mutate', server.url),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          ca,
          servername: 'localhost',
          agent: false,
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      for (let i = 0; i < 10; i++) req.write('a'.repeat(10 * 1024))
      req.end()
    })
    expect(streamed).toBe(413)
  })

  it('serves /metrics: requests, latency, mutations and the cache counters', async () => {
    const res = await call('GET', '/metrics')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    expect(res.body).toContain('lanyard_webhook_mutations_total{method="sts_web_identity"} 1')
    expect(res.body).toMatch(/lanyard_webhook_sa_cache_hits_total \d+/)
    expect(res.body).toContain(
      'lanyard_webhook_requests_total{method="POST",path="/mutate",code="200"} 1',
    )
    expect(res.body).toContain(
      'lanyard_webhook_requests_total{method="POST",path="/mutate",code="413"} 2',
    )
    expect(res.body).toContain(
      'lanyard_webhook_request_duration_seconds_bucket{le="0.001",path="/mutate"}',
    )
    // The default registry of prom-client is not used.
    expect(res.body).not.toContain('process_cpu_user_seconds_total')
  })

  it('serves /metrics and /healthz, but not /mutate, on the plain metrics port', async () => {
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        httpRequest(new URL(path, server.metricsUrl), (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
          .on('error', reject)
          .end()
      })
    expect(await get('/metrics')).toBe(200)
    expect(await get('/healthz')).toBe(200)
    expect(await get('/mutate')).toBe(404)
  })

  it('reloads the certificate when the files change, for new connections', async () => {
    const before = await call('GET', '/healthz')
    installPair({
      certPath: join(dir, 'b', 'server.pem'),
      keyPath: join(dir, 'b', 'server-key.pem'),
    })
    const after = await call('GET', '/healthz')
    expect(after.status).toBe(200)
    expect(after.fingerprint).not.toBe(before.fingerprint)
    expect((await metrics.tlsReloads.get()).values).toEqual([
      expect.objectContaining({ labels: { result: 'ok' }, value: 1 }),
    ])
  })

  it('keeps serving the previous certificate when the new files do not load', async () => {
    const before = await call('GET', '/healthz')
    writeFileSync(`${certFile()}.new`, 'not a certificate')
    renameSync(`${certFile()}.new`, certFile())
    const after = await call('GET', '/healthz')
    expect(after.status).toBe(200)
    expect(after.fingerprint).toBe(before.fingerprint)
    const errors = (await metrics.tlsReloads.get()).values.find((v) => v.labels.result === 'error')
    expect(errors?.value).toBeGreaterThan(0)
    // Put a good pair back: it is picked up again.
    installPair({
      certPath: join(dir, 'a', 'server.pem'),
      keyPath: join(dir, 'a', 'server-key.pem'),
    })
    expect((await call('GET', '/healthz')).fingerprint).not.toBe(before.fingerprint)
  })
})
