import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { KubeConfig } from '@kubernetes/client-node'

/**
 * A loopback HTTP server speaking the slice of the Kubernetes API that the webhook uses:
 *
 * - `GET /api/v1/serviceaccounts` — list, with `limit`/`continue` chunking;
 * - `GET /api/v1/serviceaccounts?watch=true&resourceVersion=N` — a chunked stream of
 *   newline-delimited `{"type","object"}` events after N (`ERROR` 410 Gone when N is compacted);
 * - `GET /api/v1/namespaces/{ns}/serviceaccounts/{name}` — the object, or a 404 `Status`;
 * - `POST /api/v1/namespaces/{ns}/events` — stores a core/v1 Event, 201 (409 if the name exists).
 *
 * Test controls: changes can be held back from the watch (a watch that lags behind), watches
 * ended, the server taken down and brought back on the same port, and GETs delayed or failed.
 */
export interface FakeKubeApiServer {
  readonly url: string
  /** A KubeConfig pointing at this server with a bearer token (built with `loadFromOptions`). */
  kubeConfig(): KubeConfig
  /** Creates or updates a ServiceAccount. With `watch: false` the event is held back. */
  putServiceAccount(
    sa: { namespace: string; name: string; annotations?: Record<string, string> },
    options?: { watch?: boolean },
  ): void
  deleteServiceAccount(namespace: string, name: string, options?: { watch?: boolean }): void
  /** Delivers held-back events to open watches, in order. */
  flushWatch(): void
  /** Forgets watch history: watches from an older resourceVersion get `410 Gone`. */
  compact(): void
  /** Ends every open watch stream, as the API server does when `timeoutSeconds` elapse. */
  endWatches(): void
  openWatches(): number
  /** Answers ServiceAccount GETs with this status (`undefined`: normally). */
  failGets(status: number | undefined): void
  /** Answers Event POSTs with this status (`undefined`: normally). */
  failEventPosts(status: number | undefined): void
  /** Holds ServiceAccount GETs (answered with the state they were asked in) until released. */
  holdGets(): void
  /** Answers the held GETs and stops holding. */
  releaseGets(): void
  /** GETs waiting for {@link releaseGets}. */
  heldGets(): number
  /** Stops listening and drops every connection (ECONNREFUSED from now on). */
  down(): Promise<void>
  /** Listens again on the same port. */
  up(): Promise<void>
  readonly requests: ReadonlyArray<{
    method: string
    path: string
    query: URLSearchParams
    authorization?: string
  }>
  /** Serves `/.well-known/openid-configuration` and `/openid/v1/jwks` as kube-apiserver does. */
  setServiceAccountIssuer(issuer: string, jwks: unknown): void
  /** Bodies of the Events POSTed, in order. */
  readonly events: ReadonlyArray<Record<string, unknown>>
  close(): Promise<void>
}

export const FAKE_TOKEN = 'fake-kube-token'

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED'
  object: Record<string, unknown>
  rv: number
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
  )
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts a {@link FakeKubeApiServer} on a free loopback port. */
export async function startFakeKubeApiServer(): Promise<FakeKubeApiServer> {
  let rv = 100
  let compactedBelow = 0
  const store = new Map<string, Record<string, unknown>>()
  const history: WatchEvent[] = []
  const held: WatchEvent[] = []
  const watches = new Set<ServerResponse>()
  const sockets = new Set<Socket>()
  const requests: {
    method: string
    path: string
    query: URLSearchParams
    authorization?: string
  }[] = []
  const events: Record<string, unknown>[] = []
  let getStatus: number | undefined
  let postStatus: number | undefined
  let holding = false
  const heldAnswers: (() => void)[] = []

  const key = (ns: string, name: string) => `${ns}/${name}`

  const send = (res: ServerResponse, e: WatchEvent) =>
    res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`)

  const publish = (e: WatchEvent, announce: boolean) => {
    if (!announce || held.length > 0) {
      held.push(e)
      return
    }
    history.push(e)
    for (const w of watches) send(w, e)
  }

  const list = (query: URLSearchParams, res: ServerResponse) => {
    const all = [...store.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v)
    const limit = Number(query.get('limit') ?? '0')
    const start = Number(query.get('continue') ?? '0')
    const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start)
    const next = limit > 0 && start + limit < all.length ? String(start + limit) : undefined
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        kind: 'ServiceAccountList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(rv), ...(next ? { continue: next } : {}) },
        items: page,
      }),
    )
  }

  const watch = (query: URLSearchParams, res: ServerResponse) => {
    const from = Number(query.get('resourceVersion') ?? '0')
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
    // The API server sends the headers at once; a client waits for them before reading events.
    res.flushHeaders()
    if (from < compactedBelow) {
      res.write(
        `${JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: `too old resource version: ${from} (${compactedBelow})`,
            reason: 'Expired',
            code: 410,
          },
        })}\n`,
      )
      res.end()
      return
    }
    for (const e of history) if (e.rv > from) send(res, e)
    watches.add(res)
    res.on('close', () => watches.delete(res))
  }

  const getServiceAccount = (ns: string, name: string, res: ServerResponse) => {
    // Snapshot now: a held GET answers with what was there when it was asked.
    const code = getStatus
    const sa = store.get(key(ns, name))
    const answer = () => {
      if (res.destroyed) return
      if (code !== undefined) {
        status(res, code, code === 403 ? 'Forbidden' : 'InternalError', 'injected')
        return
      }
      if (!sa) {
        status(res, 404, 'NotFound', `serviceaccounts "${name}" not found`)
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(sa))
    }
    if (holding) heldAnswers.push(answer)
    else answer()
  }

  const createEvent = async (ns: string, req: IncomingMessage, res: ServerResponse) => {
    if (postStatus !== undefined) {
      await readBody(req)
      status(res, postStatus, postStatus === 409 ? 'AlreadyExists' : 'Forbidden', 'injected')
      return
    }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>
    } catch {
      status(res, 400, 'BadRequest', 'invalid json')
      return
    }
    const meta = (body.metadata ?? {}) as Record<string, unknown>
    if (meta.namespace !== undefined && meta.namespace !== ns) {
      status(res, 400, 'BadRequest', 'the namespace of the object does not match the request')
      return
    }
    if (events.some((e) => (e.metadata as Record<string, unknown>).name === meta.name)) {
      status(res, 409, 'AlreadyExists', `events "${String(meta.name)}" already exists`)
      return
    }
    events.push(body)
    rv++
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        ...body,
        metadata: { ...meta, namespace: ns, uid: randomUUID(), resourceVersion: String(rv) },
      }),
    )
  }

  let openId: { issuer: string; jwks: unknown } | undefined

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    })
    if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      status(res, 401, 'Unauthorized', 'Unauthorized')
      return
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    if (req.method === 'GET' && openId && url.pathname === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({ issuer: openId.issuer, jwks_uri: `${openId.issuer}/openid/v1/jwks` }),
      )
      return
    }
    if (req.method === 'GET' && openId && url.pathname === '/openid/v1/jwks') {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' })
      res.end(JSON.stringify(openId.jwks))
      return
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/serviceaccounts') {
      if (url.searchParams.get('watch') === 'true') watch(url.searchParams, res)
      else list(url.searchParams, res)
      return
    }
    // api v1 namespaces <ns> <resource> [<name>]
    if (parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces' && parts[3]) {
      const ns = parts[3]
      if (req.method === 'GET' && parts[4] === 'serviceaccounts' && parts[5] && !parts[6]) {
        getServiceAccount(ns, parts[5], res)
        return
      }
      if (req.method === 'POST' && parts[4] === 'events' && !parts[5]) {
        void createEvent(ns, req, res)
        return
      }
    }
    status(res, 404, 'NotFound', 'the server could not find the requested resource')
  }

  let server: Server = createServer(handle)
  const track = (s: Server) =>
    s.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
  track(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`

  const dropAll = () => {
    heldAnswers.length = 0
    for (const s of sockets) s.destroy()
    sockets.clear()
    watches.clear()
  }

  return {
    setServiceAccountIssuer(issuer: string, jwks: unknown) {
      openId = { issuer, jwks }
    },
    url,
    requests,
    events,

    kubeConfig() {
      const kc = new KubeConfig()
      kc.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'webhook', token: FAKE_TOKEN }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'webhook' }],
        currentContext: 'fake',
      })
      return kc
    },

    putServiceAccount(sa, options = {}) {
      const k = key(sa.namespace, sa.name)
      const existing = store.get(k)
      rv++
      const object = {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: sa.name,
          namespace: sa.namespace,
          uid: ((existing?.metadata as Record<string, unknown>)?.uid as string) ?? randomUUID(),
          resourceVersion: String(rv),
          ...(sa.annotations ? { annotations: sa.annotations } : {}),
        },
      }
      store.set(k, object)
      publish({ type: existing ? 'MODIFIED' : 'ADDED', object, rv }, options.watch ?? true)
    },

    deleteServiceAccount(namespace, name, options = {}) {
      const k = key(namespace, name)
      const existing = store.get(k)
      if (!existing) return
      store.delete(k)
      rv++
      const object = {
        ...existing,
        metadata: { ...(existing.metadata as object), resourceVersion: String(rv) },
      }
      publish({ type: 'DELETED', object, rv }, options.watch ?? true)
    },

    flushWatch() {
      const batch = held.splice(0)
      for (const e of batch) {
        history.push(e)
        for (const w of watches) send(w, e)
      }
    },

    compact() {
      compactedBelow = rv
      history.length = 0
    },

    endWatches() {
      for (const w of watches) w.end()
      watches.clear()
    },

    openWatches: () => watches.size,

    failGets(code) {
      getStatus = code
    },

    failEventPosts(code) {
      postStatus = code
    },

    holdGets() {
      holding = true
    },

    releaseGets() {
      holding = false
      for (const answer of heldAnswers.splice(0)) answer()
    },

    heldGets: () => heldAnswers.length,

    async down() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      dropAll()
      await closed
    },

    async up() {
      server = createServer(handle)
      track(server)
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    },

    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      dropAll()
      await closed
    },
  }
}
