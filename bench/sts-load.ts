import { connect } from 'node:net'
import { performance } from 'node:perf_hooks'
import { SignatureV4 } from '@smithy/signature-v4'
import { NodeSha256 } from '../test/smithy-sha256.js'
import { type Answer, readAnswer, requestBytes, type WireRequest } from './http-wire.js'
import { type LatencyHistogram, latencyHistogram } from './latency-histogram.js'

/**
 * The load generator, in its own process (`node --import tsx bench/sts-load.ts`), so it never
 * shares an event loop with a server under test. Closed loop: `connections` keep-alive
 * connections, each sending its next request as soon as the previous answer has been read in
 * full. HTTP/1.1 is written and read on raw sockets (bench/http-wire.ts): `node:http`'s client
 * cost more CPU per request than the bare servers it drove, so it set their pace. Every answer
 * is checked (status and content); throughput counts the answers completed inside the measured
 * window, latency is taken over the requests started inside it. Requests are prepared before
 * the clock starts: form bodies are sent once by the parent, SigV4 requests are signed here
 * (with `@smithy/signature-v4`, the SDK's own signer) before the run, so no signing happens
 * while measuring.
 *
 * IPC (see sts.ts): `bodies` and `sign` prepare a named request set and answer `{ type: 'ok' }`;
 * `run` answers `{ type: 'result', … }`. It exits when the parent goes away.
 */

export interface SessionCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
}

export type LoadRequest =
  | { type: 'stop' }
  | { type: 'bodies'; name: string; path: string; bodies: string[] }
  | {
      type: 'sign'
      name: string
      port: number
      path: string
      region: string
      service: string
      sessions: SessionCredentials[]
      count: number
    }
  | {
      type: 'run'
      set: string
      port: number
      connections: number
      warmupMs: number
      durationMs: number
      maxRequests: number
      /** Every answer must have this status and contain each of these strings. */
      expect: { status: number; contains: string[] }
    }

export interface RunResult {
  /** Answers completed inside the measured window. */
  completed: number
  seconds: number
  rps: number
  /** Latency over the requests started inside the window, milliseconds (p50: pooled, below). */
  p99: number
  max: number
  /** The same latencies, counted per bucket (pooled over a scenario's windows by the parent). */
  histogram: LatencyHistogram
  /** Every answer received, warm-up and drain included (what the audit trail must hold). */
  total: number
  errors: number
  firstError?: string
  /** CPU time of this process during the run, microseconds. */
  cpuUs: number
}

export type LoadReply =
  | { type: 'ok'; count: number }
  | ({ type: 'result' } & RunResult)
  | { type: 'failed'; error: string }

type Prepared = WireRequest

const HOST = '127.0.0.1'
const sets = new Map<string, Prepared[]>()

function formSet(path: string, bodies: string[]): Prepared[] {
  return bodies.map((b) => {
    const body = Buffer.from(b, 'latin1')
    return {
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-length': String(body.length),
        'user-agent': 'lanyard-sts-bench',
      },
      body,
    }
  })
}

/**
 * Signs `count` GETs, round-robin over the sessions, each session's requests dated one second
 * apart going back from now (all well inside SigV4's 15-minute window), so no two are equal.
 */
async function signSet(m: Extract<LoadRequest, { type: 'sign' }>): Promise<Prepared[]> {
  const signers = m.sessions.map(
    (credentials) =>
      new SignatureV4({ credentials, region: m.region, service: m.service, sha256: NodeSha256 }),
  )
  const now = Date.now()
  const out: Prepared[] = []
  for (let i = 0; i < m.count; i++) {
    const signer = signers[i % signers.length] as SignatureV4
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: HOST,
        port: m.port,
        path: m.path,
        query: {},
        headers: { host: `${HOST}:${m.port}`, 'user-agent': 'lanyard-sts-bench' },
      },
      { signingDate: new Date(now - Math.floor(i / signers.length) * 1000) },
    )
    out.push({
      method: 'GET',
      path: m.path,
      headers: signed.headers,
      body: undefined,
    })
  }
  return out
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i] as number
}

function run(m: Extract<LoadRequest, { type: 'run' }>): Promise<RunResult> {
  const prepared = sets.get(m.set)
  if (prepared === undefined || prepared.length === 0)
    return Promise.reject(new Error(`no request set ${m.set}`))
  const requests = prepared.map((r) => requestBytes(r, `${HOST}:${m.port}`))
  const latencies = new Float64Array(m.maxRequests)
  let samples = 0
  let completed = 0
  let total = 0
  let started = 0
  let errors = 0
  let firstError: string | undefined
  // Each run starts at another place in the set, so consecutive runs do not replay one order.
  let cursor = Math.floor(Math.random() * requests.length)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const from = t0 + m.warmupMs
  const until = from + m.durationMs
  const ok = (status: number, body: string) =>
    status === m.expect.status && m.expect.contains.every((s) => body.includes(s))

  return new Promise((resolve) => {
    let active = m.connections
    const finish = () => {
      active--
      if (active > 0) return
      const cpu = process.cpuUsage(cpu0)
      const sorted = latencies.subarray(0, samples).sort()
      const seconds = m.durationMs / 1000
      resolve({
        completed,
        seconds,
        rps: completed / seconds,
        p99: quantile(sorted, 0.99),
        max: quantile(sorted, 1),
        histogram: latencyHistogram(sorted),
        total,
        errors,
        ...(firstError !== undefined ? { firstError } : {}),
        cpuUs: cpu.user + cpu.system,
      })
    }
    /** One keep-alive connection sending its next request when the previous answer is in. */
    const connection = () => {
      const socket = connect({ host: HOST, port: m.port, noDelay: true })
      let received: Buffer | undefined
      let begin = 0
      let waiting = false
      let open = true
      const close = () => {
        if (!open) return
        open = false
        socket.destroy()
        finish()
      }
      const fail = (error: string) => {
        errors++
        firstError ??= error
      }
      const answered = (status: number, body: string) => {
        waiting = false
        const end = performance.now()
        total++
        if (end >= from && end <= until) completed++
        if (begin >= from && samples < latencies.length) latencies[samples++] = end - begin
        if (!ok(status, body)) fail(`status ${status}: ${body.slice(0, 300)}`)
      }
      const next = () => {
        begin = performance.now()
        if (begin >= until || started >= m.maxRequests) return close()
        started++
        waiting = true
        socket.write(requests[cursor++ % requests.length] as Buffer)
      }
      socket.on('connect', next)
      socket.on('data', (chunk: Buffer) => {
        received = received === undefined ? chunk : Buffer.concat([received, chunk])
        let answer: Answer | undefined
        try {
          answer = readAnswer(received)
        } catch (e) {
          fail((e as Error).message)
          return close()
        }
        if (answer === undefined) return
        if (answer.length !== received.length) {
          fail('bytes after the answer to the only request sent')
          return close()
        }
        received = undefined
        answered(answer.status, answer.body)
        next()
      })
      socket.on('error', (e) => {
        if (waiting) fail(e.message)
      })
      socket.on('close', () => {
        if (waiting && open) fail('the server closed the connection before answering')
        close()
      })
    }
    for (let c = 0; c < m.connections; c++) connection()
  })
}

async function handle(m: LoadRequest): Promise<LoadReply> {
  switch (m.type) {
    case 'bodies':
      sets.set(m.name, formSet(m.path, m.bodies))
      return { type: 'ok', count: m.bodies.length }
    case 'sign': {
      const set = await signSet(m)
      sets.set(m.name, set)
      return { type: 'ok', count: set.length }
    }
    case 'run':
      return { type: 'result', ...(await run(m)) }
    case 'stop':
      process.exit(0)
  }
}

const send = process.send?.bind(process)
if (send === undefined) throw new Error('sts-load.ts runs as a child process with IPC')
process.on('disconnect', () => process.exit(0))
process.on('message', (m: LoadRequest) => {
  handle(m).then(
    (reply) => send(reply),
    (err: unknown) =>
      send({
        type: 'failed',
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      } satisfies LoadReply),
  )
})
send({ type: 'ok', count: 0 } satisfies LoadReply)
