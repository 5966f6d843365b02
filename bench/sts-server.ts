import cluster from 'node:cluster'
import {
  constants,
  createCipheriv,
  createHmac,
  createPublicKey,
  hash,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
  verify,
} from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// BENCH_FROM_DIST=1 runs the built server (dist/, `npm run build`): profiles then carry the
// compiled JavaScript's line numbers, which tsx's on-the-fly transpiling does not give.
const fromDist = process.env.BENCH_FROM_DIST === '1'
const { loadConfig } = (await import(
  fromDist ? '../dist/config/config.js' : '../src/config/config.js'
)) as typeof import('../src/config/config.js')
const { startServerProcesses, workerCount } = (await import(
  fromDist ? '../dist/cluster/primary.js' : '../src/cluster/primary.js'
)) as typeof import('../src/cluster/primary.js')

/** CPU time (user + system, all threads) of another process so far, in microseconds (Linux). */
function processCpuUs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return 0 // exited
  }
}

/**
 * One server under test, in its own process (`node --import tsx bench/sts-server.ts <mode>`), so
 * it never shares an event loop with the load generator or with another server. Modes:
 *
 * - `baseline`: bare `node:http`; reads the POST body and answers a constant;
 * - `limit`: bare `node:http` doing only the irreducible work of an exchange: read the form,
 *   take `WebIdentityToken`, one RS256 (RSA-2048) verification with `node:crypto`, answer the
 *   same constant;
 * - `sigv4`: bare `node:http` doing only the irreducible work of a signed call: one SigV4
 *   verification of the bench's signed GETs (see {@link sigv4Handler}), answering Lanyard's own
 *   DescribeCluster body (`BENCH_DESCRIBE`) for the sessions in `BENCH_SESSIONS`; in as many
 *   processes as Lanyard's (`BENCH_WORKERS`, `node:cluster`), so the two differ only in the work;
 * - `lanyard`: the real server (`startServerProcesses`, as `lanyard up` starts it) on the data dir
 *   in `BENCH_DATA_DIR`, with `BENCH_WORKERS` processes (`--workers`: a count or `auto`).
 *
 * IPC: sends `{ type: 'ready', port }` once listening; `{ type: 'usage' }` answers the event loop's
 * busy time and the process's
 * CPU time so far (all threads, microseconds); `{ type: 'settle' }` answers `settled` once Lanyard's
 * audit indexer has copied its journal into SQLite; `{ type: 'stop' }` closes it (Lanyard drains and
 * closes its store) and exits, which also writes a `--cpu-prof` profile. It exits when the
 * parent goes away.
 */

export type ServerMode = 'baseline' | 'limit' | 'prototype' | 'sigv4' | 'lanyard'

export type ServerRequest = { type: 'stop' } | { type: 'usage' } | { type: 'settle' }

export type ServerReply =
  | { type: 'ready'; port: number }
  | { type: 'usage'; cpuUs: number; mainUs: number | null }
  | { type: 'settled' }
  | { type: 'failed'; error: string }

/** The constant answer of the bare servers: a real exchange response (set by the parent). */
const CONSTANT = Buffer.from(process.env.BENCH_CONSTANT ?? '<ok/>', 'utf8')
const HEADERS = { 'content-type': 'text/xml', 'content-length': String(CONSTANT.length) }

function readAll(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)))
}

/** The value of `name` in an `application/x-www-form-urlencoded` body. */
function formValue(body: string, name: string): string | undefined {
  const key = `${name}=`
  let at: number
  if (body.startsWith(key)) at = key.length
  else {
    const i = body.indexOf(`&${key}`)
    if (i < 0) return undefined
    at = i + 1 + key.length
  }
  const end = body.indexOf('&', at)
  const raw = body.slice(at, end === -1 ? body.length : end)
  return raw.includes('%') || raw.includes('+') ? decodeURIComponent(raw.replaceAll('+', ' ')) : raw
}

/** A bare server's answer once it has checked a signature: `body` if it held, else 403. */
function answerChecked(
  res: ServerResponse,
  ok: boolean,
  headers: Record<string, string>,
  body: Buffer,
): void {
  if (ok) {
    res.writeHead(200, headers)
    res.end(body)
  } else {
    res.writeHead(403, { 'content-type': 'text/plain' })
    res.end('bad signature\n')
  }
}

function baseline(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, HEADERS)
  res.end(CONSTANT)
}

function limitHandler(key: KeyObject) {
  const options = { key, padding: constants.RSA_PKCS1_PADDING }
  return (_req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const token = formValue(body.toString('latin1'), 'WebIdentityToken')?.trim() ?? ''
    const dot = token.lastIndexOf('.')
    const ok =
      dot > 0 &&
      verify(
        'sha256',
        Buffer.from(token.slice(0, dot), 'latin1'),
        options,
        Buffer.from(token.slice(dot + 1), 'base64url'),
      )
    answerChecked(res, ok, HEADERS, CONSTANT)
  }
}

/** A session's keys, as the `sigv4` server is given them (`BENCH_SESSIONS`). */
export interface SigV4Secret {
  accessKeyId: string
  secretAccessKey: string
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()
const EMPTY_SHA256 = hash('sha256', '', 'hex')
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/

/**
 * `sigv4`: the irreducible work of a signed call, the way the bench signs it (a header-signed
 * GET without a query or body, as `@smithy/signature-v4` signs it; nothing else is handled):
 * the Authorization header taken apart by one regular expression, the secret found by access
 * key id in a map (no session token opened), the canonical request built from the signed
 * headers as `node:http` gives them, its SHA-256, one HMAC-SHA256 with the signing key derived
 * once per key and day, compared in constant time; then `body`. No time window, no
 * authorization, no audit. It calibrates the `signed_call / baseline` target to this machine,
 * as `limit` does the exchange's.
 */
function sigv4Handler(secrets: readonly SigV4Secret[], body: Buffer) {
  const secretOf = new Map(secrets.map((s) => [s.accessKeyId, s.secretAccessKey]))
  const signingKeys = new Map<string, Buffer>()
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) }
  return (req: IncomingMessage, res: ServerResponse): void => {
    const m = AUTHORIZATION.exec(req.headers.authorization ?? '')
    const amzDate = req.headers['x-amz-date']
    const secret = m === null ? undefined : secretOf.get(m[1] as string)
    let ok = false
    if (m !== null && secret !== undefined && typeof amzDate === 'string') {
      const [, accessKeyId, date, region, service, signedHeaders, signature] = m as unknown as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ]
      let canonical = `${req.method}\n${req.url}\n\n`
      for (const name of signedHeaders.split(';')) {
        canonical += `${name}:${String(req.headers[name] ?? '').trim()}\n`
      }
      canonical += `\n${signedHeaders}\n${EMPTY_SHA256}`
      const scope = `${date}/${region}/${service}/aws4_request`
      const id = `${accessKeyId}/${scope}`
      let key = signingKeys.get(id)
      if (key === undefined) {
        key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request')
        signingKeys.set(id, key)
      }
      const expected = hmac(
        key,
        `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hash('sha256', canonical, 'hex')}`,
      )
      ok = timingSafeEqual(expected, Buffer.from(signature, 'hex'))
    }
    answerChecked(res, ok, headers, body)
  }
}

/** What the prototype checks a token against (set by the parent from the bench's fixture). */
export interface PrototypeConfig {
  issuer: string
  subject: string
  audience: string
  roleArn: string
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/**
 * `prototype`: the naive exchange the issue's planning measured (about 65 % of `limit` there,
 * without durable audit), written the plain way: the form through URLSearchParams, the JWT's
 * header and claims parsed, one RS256 verification, `iss`/`aud`/`exp`/`sub` and the role checked
 * (a trust policy's StringEquals), credentials from `randomBytes`, the session sealed with
 * AES-256-GCM, the XML answer from a template. No audit record, no input validation beyond
 * that, no request context. It calibrates the `exchange / limit` target to this machine.
 */
function prototypeHandler(key: KeyObject, config: PrototypeConfig) {
  const options = { key, padding: constants.RSA_PKCS1_PADDING }
  const sealKey = randomBytes(32)
  const deny = (res: ServerResponse) => {
    res.writeHead(403, { 'content-type': 'text/xml' })
    res.end('<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>')
  }
  return (_req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const form = new URLSearchParams(body.toString('utf8'))
    const token = (form.get('WebIdentityToken') ?? '').trim()
    const parts = token.split('.')
    if (parts.length !== 3) {
      deny(res)
      return
    }
    const [h, p, s] = parts as [string, string, string]
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string }
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
      iss?: string
      sub?: string
      aud?: string | string[]
      exp?: number
    }
    const now = Math.floor(Date.now() / 1000)
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    const ok =
      header.alg === 'RS256' &&
      verify('sha256', Buffer.from(`${h}.${p}`, 'latin1'), options, Buffer.from(s, 'base64url')) &&
      claims.iss === config.issuer &&
      audiences.includes(config.audience) &&
      typeof claims.exp === 'number' &&
      claims.exp > now &&
      claims.sub === config.subject &&
      form.get('RoleArn') === config.roleArn
    if (!ok) {
      deny(res)
      return
    }
    const sessionName = form.get('RoleSessionName') ?? ''
    const id = randomBytes(16)
    let accessKeyId = 'ASIA'
    for (let i = 0; i < 16; i++) accessKeyId += BASE32[(id[i] as number) & 31]
    const secret = randomBytes(30).toString('base64')
    const expiration = new Date((now + 3600) * 1000).toISOString()
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv)
    const sealed = Buffer.concat([
      cipher.update(
        JSON.stringify({
          role: config.roleArn,
          session: sessionName,
          sub: claims.sub,
          key: accessKeyId,
          secret,
          exp: now + 3600,
        }),
        'utf8',
      ),
      cipher.final(),
    ])
    const sessionToken = Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64')
    const xml = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey><SessionToken>${sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials><SubjectFromWebIdentityToken>${claims.sub}</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>${config.roleArn}/${sessionName}</Arn><AssumedRoleId>AROA:${sessionName}</AssumedRoleId></AssumedRoleUser><Audience>${config.audience}</Audience></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${randomBytes(16).toString('hex')}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) })
    res.end(xml)
  }
}

/** A `sigv4` worker process (forked by {@link main} through `node:cluster`). */
function sigv4Worker(): void {
  const secrets = JSON.parse(process.env.BENCH_SESSIONS ?? '[]') as SigV4Secret[]
  const handle = sigv4Handler(secrets, Buffer.from(process.env.BENCH_DESCRIBE ?? '', 'utf8'))
  const server = createServer((req, res) => readAll(req, () => handle(req, res)))
  server.keepAliveTimeout = 65_000
  process.on('disconnect', () => process.exit(0))
  // Every worker listening on port 0 shares the one port the primary opens.
  server.listen(0, '127.0.0.1')
}

/** Starts `count` `sigv4` workers; resolves with their port once all are listening. */
async function startSigV4Workers(
  count: number,
): Promise<{ port: number; pids: number[]; close: () => Promise<void> }> {
  const workers = Array.from({ length: count }, () => cluster.fork())
  const ports = await Promise.all(
    workers.map(
      (w) =>
        new Promise<number>((resolve, reject) => {
          w.once('listening', (address) => resolve(address.port))
          w.once('exit', (code) => reject(new Error(`a sigv4 worker exited with ${code}`)))
        }),
    ),
  )
  const stop = (w: (typeof workers)[number]) =>
    new Promise<void>((resolve) => {
      if (w.isDead()) return resolve()
      w.once('exit', () => resolve())
      w.kill()
    })
  const close = async () => {
    await Promise.all(workers.map(stop))
  }
  return { port: ports[0] as number, pids: workers.map((w) => w.process.pid as number), close }
}

async function main(): Promise<void> {
  if (cluster.isWorker) {
    sigv4Worker()
    return
  }
  const send = process.send?.bind(process)
  if (send === undefined) throw new Error('sts-server.ts runs as a child process with IPC')
  process.on('disconnect', () => process.exit(0))
  const mode = process.argv[2] as ServerMode
  let close: () => Promise<void>
  let settle: () => Promise<void> = async () => undefined
  let port: number
  let workerPids: number[] = []
  if (mode === 'lanyard') {
    const dataDir = process.env.BENCH_DATA_DIR
    if (dataDir === undefined) throw new Error('BENCH_DATA_DIR is not set')
    const config = loadConfig({
      flags: {
        port: 0,
        dataDir,
        issuerBaseUrl: process.env.BENCH_ISSUER_BASE,
        logLevel: 'silent',
        workers: process.env.BENCH_WORKERS ?? 'auto',
      },
      env: {},
    })
    const running = await startServerProcesses(config)
    port = Number(new URL(running.url).port)
    workerPids = running.pids().filter((pid) => pid !== process.pid)
    close = () => running.close()
    settle = () => running.flushAudit()
  } else if (mode === 'sigv4') {
    // As many processes as Lanyard's `--workers` gives, read the way Lanyard reads it.
    const config = loadConfig({ flags: { workers: process.env.BENCH_WORKERS ?? 'auto' }, env: {} })
    const workers = await startSigV4Workers(workerCount(config))
    port = workers.port
    workerPids = workers.pids
    close = workers.close
  } else {
    let handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void
    if (mode === 'baseline') handle = baseline
    else if (mode === 'limit') {
      const jwk = JSON.parse(process.env.BENCH_JWK ?? '{}') as JsonWebKey
      handle = limitHandler(createPublicKey({ key: jwk, format: 'jwk' }))
    } else if (mode === 'prototype') {
      const jwk = JSON.parse(process.env.BENCH_JWK ?? '{}') as JsonWebKey
      const config = JSON.parse(process.env.BENCH_PROTOTYPE ?? '{}') as PrototypeConfig
      handle = prototypeHandler(createPublicKey({ key: jwk, format: 'jwk' }), config)
    } else throw new Error(`unknown mode ${mode}`)
    const server = createServer((req, res) => readAll(req, (body) => handle(req, res, body)))
    server.keepAliveTimeout = 65_000
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
  }
  process.on('message', (m: ServerRequest) => {
    if (m.type === 'usage') {
      const u = process.cpuUsage()
      let cpuUs = u.user + u.system
      for (const pid of workerPids) cpuUs += processCpuUs(pid)
      // The event loop's busy time: what the request thread itself spent (not known of worker
      // processes: null then).
      const mainUs =
        workerPids.length === 0 ? performance.eventLoopUtilization().active * 1000 : null
      send({ type: 'usage', cpuUs, mainUs } satisfies ServerReply)
      return
    }
    if (m.type === 'settle') {
      void settle().then(() => send({ type: 'settled' } satisfies ServerReply))
      return
    }
    void close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
  send({ type: 'ready', port } satisfies ServerReply)
}

main().catch((err: unknown) => {
  process.send?.({
    type: 'failed',
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  } satisfies ServerReply)
  process.exit(1)
})
