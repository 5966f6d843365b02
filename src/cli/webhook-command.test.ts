import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { ensureLocalTls } from '../tls/index.js'
import { type RunningWebhook, runWebhook, webhookConfigFromFlags } from './webhook-command.js'

/**
 * `lanyard webhook` end to end without a cluster: a local HTTP server speaking the few
 * Kubernetes API calls the ServiceAccount cache makes (list, watch, get of ServiceAccounts)
 * stands in for the API server, and node:https plays the API server calling the webhook.
 */

const ROLE = 'arn:aws:iam::111122223333:role/app'
const sa = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: {
    name,
    namespace,
    resourceVersion: '10',
    uid: `uid-${name}`,
    annotations: { 'eks.amazonaws.com/role-arn': ROLE },
  },
})

/** Fake Kubernetes API: `app` is listed; `late` exists only for a GET (created after the list). */
function fakeKubeApi(): Server {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/api/v1/serviceaccounts') {
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
        // A watch with no events: held open until the client goes away.
        res.writeHead(200, { 'content-type': 'application/json' })
        res.flushHeaders()
        return
      }
      return json(res, 200, {
        apiVersion: 'v1',
        kind: 'ServiceAccountList',
        metadata: { resourceVersion: '10' },
        items: [sa('team-a', 'app')],
      })
    }
    const get = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)$/.exec(url.pathname)
    if (get?.[2] === 'late') return json(res, 200, sa(get[1] as string, 'late'))
    return json(res, 404, {
      apiVersion: 'v1',
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'not found',
    })
  })
}

let dir: string
let kube: Server
let running: RunningWebhook
let ca: Buffer

function post(path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, running.server.url),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ca,
        servername: 'localhost',
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const review = (uid: string, serviceAccountName: string) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      namespace: 'team-a',
      operation: 'CREATE',
      object: {
        metadata: { name: uid },
        spec: { serviceAccountName, containers: [{ name: 'c' }] },
      },
    },
  })

const envNames = (body: string): string[] => {
  const response = JSON.parse(body).response
  if (!response.patch) return []
  const patch = JSON.parse(Buffer.from(response.patch, 'base64').toString()) as {
    path: string
    value: { name: string }[]
  }[]
  return patch.filter((op) => op.path.endsWith('/env')).flatMap((op) => op.value.map((e) => e.name))
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lanyard-webhook-cli-'))
  kube = fakeKubeApi()
  await new Promise<void>((resolve) => kube.listen(0, '127.0.0.1', resolve))
  const port = (kube.address() as AddressInfo).port
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      // client-node refuses plain HTTP unless TLS verification is off.
      `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: fake, user: {token: fake-token}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: fake}}]',
      'current-context: fake',
      '',
    ].join('\n'),
  )
  const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost'])
  ca = readFileSync(tls.caPath)
  running = await runWebhook(
    {
      host: '127.0.0.1',
      port: 0,
      tlsCert: tls.certPath,
      tlsKey: tls.keyPath,
      kubeconfig,
      stsEndpointUrl: 'https://lanyard.example:8443',
    },
    pino({ level: 'silent' }),
  )
})

afterAll(async () => {
  await running?.stop()
  kube?.closeAllConnections()
  await new Promise((resolve) => kube?.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

describe('lanyard webhook (runWebhook) against a fake Kubernetes API', () => {
  it('mutates a Pod of a listed, annotated ServiceAccount', async () => {
    const res = await post('/mutate', review('u-1', 'app'))
    expect(res.status).toBe(200)
    expect(envNames(res.body)).toEqual([
      'AWS_ROLE_ARN',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_ENDPOINT_URL_STS',
    ])
  })

  it('mutates a Pod whose ServiceAccount the cache has not seen yet (live GET)', async () => {
    const res = await post('/mutate', review('u-2', 'late'))
    expect(envNames(res.body)).toContain('AWS_ROLE_ARN')
  })

  it('admits a Pod of an unknown ServiceAccount unchanged', async () => {
    const res = await post('/mutate', review('u-3', 'ghost'))
    expect(JSON.parse(res.body).response).toEqual({ uid: 'u-3', allowed: true })
  })

  it('reports cache hits and misses in /metrics', async () => {
    const text = await running.metrics.registry.metrics()
    expect(text).toMatch(/lanyard_webhook_sa_cache_hits_total [1-9]/)
    expect(text).toMatch(/lanyard_webhook_sa_cache_misses_total [1-9]/)
    expect(text).toContain('lanyard_webhook_mutations_total{method="sts_web_identity"} 2')
  })
})

describe('webhookConfigFromFlags', () => {
  it('maps the upstream flag names', () => {
    expect(
      webhookConfigFromFlags({
        tlsCert: 'c',
        tlsKey: 'k',
        annotationPrefix: 'lanyard.dev',
        tokenAudience: 'aud',
        tokenExpiration: 100,
        tokenMountPath: '/t',
        awsDefaultRegion: 'eu-west-1',
        stsRegionalEndpoint: true,
        stsEndpointUrl: 'http://lanyard:8080',
        watchContainerCredentialsConfig: '/cc.json',
      }),
    ).toEqual({
      annotationPrefix: 'lanyard.dev',
      tokenAudience: 'aud',
      tokenExpiration: 600,
      tokenMountPath: '/t',
      awsDefaultRegion: 'eu-west-1',
      stsRegionalEndpoint: true,
      stsEndpointUrl: 'http://lanyard:8080',
      containerCredentials: {
        audience: 'pods.eks.amazonaws.com',
        mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount',
        volumeName: 'eks-pod-identity-token',
        tokenPath: 'eks-pod-identity-token',
        fullUri: 'http://169.254.170.23/v1/credentials',
        identities: [],
      },
    })
  })

  it('refuses an STS endpoint that is not a URL', () => {
    let caught: unknown
    try {
      webhookConfigFromFlags({ tlsCert: 'c', tlsKey: 'k', stsEndpointUrl: 'lanyard:8080' })
    } catch (err) {
      caught = err
    }
    expect(isLanyardError(caught, 'config.invalid')).toBe(true)
  })

  it('--check-roles without --issuer refuses to start', async () => {
    await expect(
      runWebhook({ tlsCert: 'c', tlsKey: 'k', checkRoles: true }, pino({ level: 'silent' })),
    ).rejects.toThrow('--check-roles needs --issuer')
  })
})
