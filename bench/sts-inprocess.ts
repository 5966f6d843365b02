import { EventEmitter } from 'node:events'
import { rmSync } from 'node:fs'
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import { syncBuiltinESMExports } from 'node:module'
import { performance } from 'node:perf_hooks'
import { SignatureV4 } from '@smithy/signature-v4'
import pino from 'pino'
import { NodeSha256 } from '../test/smithy-sha256.js'
import { median } from './measure.js'
import { CLUSTER_NAME, createFixture, ISSUER_BASE } from './sts-setup.js'

/**
 * `npm run bench:sts-inprocess`: the real server's request handler driven in this process,
 * without sockets, so what is measured is Lanyard's own work per request (what `node:http`
 * costs is the same for every server and is left out). The handler is the one `startServer`
 * builds (taken from `node:http`'s `createServer`), over the bench's store with one role; 50
 * requests are kept in flight, as the load generator's 50 connections do, so as many requests'
 * objects are alive at once. It reports the event loop's busy time per request (median of
 * BENCH_RUNS runs of BENCH_REQUESTS requests, exchange and signed call alternating). Meant for
 * comparing two versions of the code on a noisy machine, and for profiling
 * (`node --cpu-prof --import tsx bench/sts-inprocess.ts`) without the HTTP stack's share.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000)
const TOKENS = Number(process.env.BENCH_TOKENS ?? 4000)
const IN_FLIGHT = 50

let handler: RequestListener | undefined
const createServer = http.createServer
http.createServer = ((...args: unknown[]) => {
  handler = args.find((a) => typeof a === 'function') as RequestListener
  return (createServer as (...a: unknown[]) => http.Server)(...args)
}) as typeof http.createServer
syncBuiltinESMExports()
const { loadConfig } = await import('../src/config/config.js')
const { startServer } = await import('../src/main.js')

interface Prepared {
  method: string
  url: string
  rawHeaders: string[]
  body: Buffer | undefined
}

interface Answer {
  status: number
  body: string
}

/** One request through the handler, answered when it calls `end`. */
function call(h: RequestListener, r: Prepared): Promise<Answer> {
  return new Promise((resolve) => {
    const req = new EventEmitter() as unknown as IncomingMessage & { resume(): void }
    const headers: Record<string, string> = {}
    for (let i = 0; i < r.rawHeaders.length; i += 2)
      headers[(r.rawHeaders[i] as string).toLowerCase()] = r.rawHeaders[i + 1] as string
    Object.assign(req, {
      method: r.method,
      url: r.url,
      headers,
      rawHeaders: r.rawHeaders,
      socket: { remoteAddress: '127.0.0.1' },
      resume() {},
    })
    let status = 0
    const res = {
      writeHead(s: number) {
        status = s
        return res
      },
      end(body: string) {
        resolve({ status, body })
      },
      destroy() {},
    } as unknown as ServerResponse
    h(req, res)
    if (r.body !== undefined) {
      req.emit('data', r.body)
      req.emit('end')
    }
  })
}

/** `count` requests from `set`, `IN_FLIGHT` at a time; the event loop's busy µs per request. */
async function drive(
  h: RequestListener,
  set: readonly Prepared[],
  count: number,
  expect: string,
): Promise<number> {
  let next = 0
  let cursor = Math.floor(Math.random() * set.length)
  const elu0 = performance.eventLoopUtilization()
  const worker = async () => {
    while (next < count) {
      next++
      const a = await call(h, set[cursor++ % set.length] as Prepared)
      if (a.status !== 200 || !a.body.includes(expect))
        throw new Error(`unexpected answer ${a.status}: ${a.body.slice(0, 300)}`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  // Lets the turn's journal write happen inside the measured time as well.
  await new Promise((r) => setImmediate(r))
  const elu = performance.eventLoopUtilization(elu0)
  return (elu.active * 1000) / count
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]

async function main(): Promise<void> {
  const fixture = await createFixture({ tokens: TOKENS, log: () => undefined, roles: false })
  try {
    const config = loadConfig({
      flags: {
        port: 0,
        dataDir: fixture.stores.one.dir,
        issuerBaseUrl: ISSUER_BASE,
        logLevel: 'silent',
      },
      env: {},
    })
    const running = await startServer(config, { logger: pino({ level: 'silent' }) })
    const h = handler as RequestListener
    const exchanges: Prepared[] = fixture.tokens.map((token, i) => {
      const body = Buffer.from(
        `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=${encodeURIComponent(fixture.roleArn)}&RoleSessionName=bench-${i}&WebIdentityToken=${token}`,
        'latin1',
      )
      return {
        method: 'POST',
        url: '/',
        rawHeaders: [
          'Host',
          '127.0.0.1',
          'Content-Type',
          'application/x-www-form-urlencoded; charset=utf-8',
          'Content-Length',
          String(body.length),
          'User-Agent',
          'lanyard-sts-bench',
        ],
        body,
      }
    })
    const signers: SignatureV4[] = []
    for (let i = 0; i < 20; i++) {
      const a = await call(h, exchanges[i] as Prepared)
      signers.push(
        new SignatureV4({
          credentials: {
            accessKeyId: tag(a.body, 'AccessKeyId') as string,
            secretAccessKey: tag(a.body, 'SecretAccessKey') as string,
            sessionToken: tag(a.body, 'SessionToken') as string,
          },
          region: fixture.region,
          service: 'eks',
          sha256: NodeSha256,
        }),
      )
    }
    const now = Date.now()
    const signed: Prepared[] = []
    for (let i = 0; i < 2000; i++) {
      const s = await (signers[i % signers.length] as SignatureV4).sign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path: `/clusters/${CLUSTER_NAME}`,
          query: {},
          headers: { host: '127.0.0.1', 'user-agent': 'lanyard-sts-bench' },
        },
        { signingDate: new Date(now - Math.floor(i / signers.length) * 1000) },
      )
      signed.push({
        method: 'GET',
        url: `/clusters/${CLUSTER_NAME}`,
        rawHeaders: Object.entries(s.headers).flat(),
        body: undefined,
      })
    }
    const results = { exchange: [] as number[], signed: [] as number[] }
    await drive(h, exchanges, REQUESTS / 2, '<AccessKeyId>ASIA')
    await drive(h, signed, REQUESTS / 2, `"name":"${CLUSTER_NAME}"`)
    for (let run = 0; run < RUNS; run++) {
      results.exchange.push(await drive(h, exchanges, REQUESTS, '<AccessKeyId>ASIA'))
      await running.flushAudit()
      results.signed.push(await drive(h, signed, REQUESTS, `"name":"${CLUSTER_NAME}"`))
      await running.flushAudit()
    }
    const show = (xs: number[]) =>
      `${median(xs).toFixed(1)} us (${xs.map((x) => x.toFixed(1)).join(' ')})`
    console.log(`sts-inprocess: exchange ${show(results.exchange)}`)
    console.log(`sts-inprocess: signed ${show(results.signed)}`)
    await running.close()
  } finally {
    rmSync(fixture.root, { recursive: true, force: true })
  }
}

await main()
