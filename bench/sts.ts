import { type ChildProcess, fork } from 'node:child_process'
import { rmSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { SignatureV4 } from '@smithy/signature-v4'
import { NodeSha256 } from '../test/smithy-sha256.js'
import { pooledQuantile } from './latency-histogram.js'
import { median } from './measure.js'
import type { LoadReply, LoadRequest, RunResult, SessionCredentials } from './sts-load.js'
import type { PrototypeConfig, ServerMode, ServerReply, ServerRequest } from './sts-server.js'
import {
  auditCounts,
  type BenchFixture,
  CLUSTER_NAME,
  createFixture,
  ISSUER_BASE,
  NAMESPACE,
  SERVICE_ACCOUNT,
} from './sts-setup.js'

/**
 * `npm run bench:sts`: the web-identity exchange and a signed call, over loopback HTTP, against
 * bare `node:http` servers (`baseline`, `limit`) and the real server, in one run. Every server
 * and the load generator run in their own child processes (bench/sts-server.ts,
 * bench/sts-load.ts); this process only sets up, orders the runs and reports. Each scenario is
 * measured BENCH_RUNS times (default 5) for BENCH_MS (default 3000) after BENCH_WARMUP_MS
 * (default 1000), the scenario order rotating from run to run, and the medians are reported.
 * Throughput at 50 connections, latency p99 at 10. The last line is
 * `sts-bench: baseline=… limit=… exchange=… exchange_p99_ms=… signed_call=… exchange_100k_roles_p99_ms=…`.
 *
 * BENCH_PROFILE=<dir> runs the Lanyard servers under `--cpu-prof`, into `<dir>/lanyard-<store>/`
 * (summarise the main thread's file, the largest, with bench/sts-profile.ts);
 * BENCH_SCENARIOS=exchange-50,signed-50 runs a subset (then the last line is not printed);
 * BENCH_FROM_DIST=1 runs the servers from dist/ (`npm run build` first; compiled line numbers in
 * profiles).
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const MS = Number(process.env.BENCH_MS ?? 3000)
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000)
const TOKENS = Number(process.env.BENCH_TOKENS ?? 4000)
const PROFILE_DIR = process.env.BENCH_PROFILE
/** Signed requests prepared before each signed run (20 sessions x 100 distinct dates). */
const SIGNED_REQUESTS = 2000
const SESSIONS = 20
const MAX_REQUESTS = 1_000_000
/** Everything stops by itself: the whole bench is killed after this long. */
const WATCHDOG_MS = 30 * 60_000

const TARGETS = {
  exchangeVsLimit: 0.7,
  exchangeP99Ms: 10,
  signedVsBaseline: 0.6,
  rolesP99Growth: 0.2,
}

type Target = 'baseline' | 'limit' | 'prototype' | 'sigv4' | 'one' | 'r100' | 'r100k'

/** The targets served by bare `node:http` servers (bench/sts-server.ts), not by Lanyard. */
const BARE = ['baseline', 'limit', 'prototype', 'sigv4'] as const
type BareTarget = (typeof BARE)[number]
const isBare = (t: Target): t is BareTarget => (BARE as readonly Target[]).includes(t)
type SetName = 'exchange' | 'signed'

interface Scenario {
  key: string
  label: string
  target: Target
  set: SetName
  connections: number
}

const LABELS: Record<Target, string> = {
  baseline: 'baseline: bare node:http, constant',
  limit: 'limit: form + one RS256 verify',
  prototype: 'prototype: naive exchange, no audit',
  sigv4: 'sigv4: one SigV4 verification',
  one: 'exchange: AssumeRoleWithWebIdentity',
  r100: 'exchange, 100 roles in the store',
  r100k: 'exchange, 100,000 roles in the store',
}

const scenario = (target: Target, set: SetName, connections: number): Scenario => ({
  key: `${target === 'one' ? (set === 'signed' ? 'signed' : 'exchange') : target}-${connections}`,
  label: set === 'signed' && target === 'one' ? 'signed call: eks:DescribeCluster' : LABELS[target],
  target,
  set,
  connections,
})

/** `exchange-*` runs against the store with only the bench role (and its cluster and provider). */
const SCENARIOS: readonly Scenario[] = [
  scenario('baseline', 'exchange', 50),
  scenario('limit', 'exchange', 50),
  scenario('limit', 'exchange', 10),
  scenario('prototype', 'exchange', 50),
  scenario('one', 'exchange', 50),
  scenario('one', 'exchange', 10),
  scenario('one', 'signed', 50),
  scenario('sigv4', 'signed', 50),
  scenario('r100', 'exchange', 50),
  scenario('r100', 'exchange', 10),
  scenario('r100k', 'exchange', 50),
  scenario('r100k', 'exchange', 10),
]

/**
 * Scenarios whose ratio is a target run back to back in every run (their order within the pair
 * alternating from run to run), so both sides of a ratio see the same phase of a shared host;
 * a target's ratio is the median of the runs' ratios.
 */
const PAIRS: readonly (readonly string[])[] = [
  ['baseline-50', 'signed-50', 'sigv4-50'],
  ['limit-50', 'exchange-50', 'prototype-50'],
  ['limit-10', 'exchange-10'],
  ['r100-10', 'r100k-10'],
  ['r100-50', 'r100k-50'],
]

/** The order of run `run`: pairs rotating, each pair's two sides adjacent, then the rest. */
function runOrder(scenarios: readonly Scenario[], run: number): Scenario[] {
  const byKey = new Map(scenarios.map((s) => [s.key, s]))
  const groups: Scenario[][] = []
  const paired = new Set<string>()
  for (const keys of PAIRS) {
    const group = keys.flatMap((k) => byKey.get(k) ?? [])
    if (group.length < 2) continue
    groups.push(run % 2 === 0 ? group : group.reverse())
    for (const s of group) paired.add(s.key)
  }
  for (const s of scenarios) if (!paired.has(s.key)) groups.push([s])
  return groups.flatMap((_, i) => groups[(i + run) % groups.length] as Scenario[])
}

const EXPECT: Record<SetName, { status: number; contains: string[] }> = {
  exchange: {
    status: 200,
    contains: ['<AccessKeyId>ASIA', '</SessionToken>', '</SecretAccessKey>'],
  },
  signed: { status: 200, contains: [`"name":"${CLUSTER_NAME}"`] },
}

/** One measured run, with the CPU both sides spent per request (robust to a busy machine). */
interface Sample extends RunResult {
  serverUsPerRequest: number
  /** The server's event loop (request thread) busy time per request. */
  mainUsPerRequest: number
  loadUsPerRequest: number
  /**
   * Lanyard: the CPU its audit indexer spent after the window copying what was left of the
   * journal, per request of the run (0 for the bare servers): the indexing the window did not pay.
   */
  catchUpUsPerRequest: number
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

/** A child process that answers one IPC message at a time. */
class Child<Req, Reply> {
  readonly name: string
  readonly #child: ChildProcess
  #pending: ((m: Reply | { type: 'failed'; error: string }) => void) | undefined
  readonly first: Promise<Reply | { type: 'failed'; error: string }>

  constructor(
    name: string,
    file: string,
    args: string[],
    options: { env?: Record<string, string>; execArgv?: string[] } = {},
  ) {
    this.name = name
    this.first = this.#next()
    this.#child = fork(here(file), args, {
      execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const settle = (m: Reply | { type: 'failed'; error: string }) => {
      const resolve = this.#pending
      this.#pending = undefined
      resolve?.(m)
    }
    this.#child.on('message', (m: Reply) => settle(m))
    this.#child.on('exit', (code, signal) =>
      settle({ type: 'failed', error: `${name} exited with ${signal ?? code}` }),
    )
  }

  #next(): Promise<Reply | { type: 'failed'; error: string }> {
    return new Promise((resolve) => {
      this.#pending = resolve
    })
  }

  async ask(m: Req): Promise<Reply | { type: 'failed'; error: string }> {
    const reply = this.#next()
    this.#child.send(m as object)
    return reply
  }

  /** Asks the child to stop and waits for it to exit (a CPU profile is written on exit). */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) return resolve()
      this.#child.removeAllListeners('exit')
      this.#child.once('exit', () => resolve())
      if (this.#child.connected) this.#child.send({ type: 'stop' })
      setTimeout(() => this.#child.kill('SIGKILL'), 30_000).unref()
    })
  }

  kill(): void {
    this.#child.kill('SIGKILL')
  }
}

type ServerChild = Child<ServerRequest, ServerReply>
type LoadChild = Child<LoadRequest, LoadReply>

async function startServerChild(
  name: string,
  mode: ServerMode,
  env: Record<string, string>,
  profile: boolean,
): Promise<{ child: ServerChild; port: number }> {
  const execArgv =
    profile && PROFILE_DIR !== undefined
      ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${name}`]
      : []
  const child: ServerChild = new Child(name, './sts-server.ts', [mode], { env, execArgv })
  const m = await child.first
  if (m.type !== 'ready') throw new Error(`${name} did not start: ${JSON.stringify(m)}`)
  return { child, port: m.port }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => n.toFixed(2)
const pct = (n: number) => `${(100 * n).toFixed(1)} %`

const exchangeBody = (roleArn: string, token: string, i: number) =>
  `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=${encodeURIComponent(roleArn)}&RoleSessionName=bench-${i}&WebIdentityToken=${token}`

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]

/** Exchanges one token over plain HTTP (the setup's own requests, counted for the audit check). */
async function exchange(
  port: number,
  body: string,
): Promise<{ xml: string; credentials: SessionCredentials }> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  })
  const xml = await res.text()
  const accessKeyId = tag(xml, 'AccessKeyId')
  const secretAccessKey = tag(xml, 'SecretAccessKey')
  const sessionToken = tag(xml, 'SessionToken')
  if (res.status !== 200 || !accessKeyId || !secretAccessKey || !sessionToken) {
    throw new Error(
      `setup exchange failed with status ${res.status}: ${tag(xml, 'Code') ?? ''} ${tag(xml, 'Message') ?? ''}`,
    )
  }
  return { xml, credentials: { accessKeyId, secretAccessKey, sessionToken } }
}

/** One DescribeCluster signed with `credentials` (the setup's own call): its JSON answer. */
async function describeCluster(
  port: number,
  credentials: SessionCredentials,
  region: string,
): Promise<string> {
  const signer = new SignatureV4({ credentials, region, service: 'eks', sha256: NodeSha256 })
  const path = `/clusters/${CLUSTER_NAME}`
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path,
    query: {},
    headers: { host: `127.0.0.1:${port}` },
  })
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: signed.headers as Record<string, string>,
  })
  const body = await res.text()
  if (res.status !== 200 || !body.includes(`"name":"${CLUSTER_NAME}"`))
    throw new Error(`setup DescribeCluster failed with status ${res.status}`)
  return body
}

async function main(): Promise<void> {
  const killers: (() => void)[] = []
  const watchdog = setTimeout(() => {
    console.error('sts-bench: watchdog: still running after 30 minutes, stopping')
    for (const k of killers) k()
    process.exit(2)
  }, WATCHDOG_MS)
  watchdog.unref()
  const cpu = cpus()
  const loadStart = loadavg()[0] ?? 0
  const only = process.env.BENCH_SCENARIOS?.split(',')
  const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.key)) : SCENARIOS
  console.log(
    `sts-bench: node ${process.version}, ${cpu[0]?.model ?? 'unknown cpu'} x${cpu.length}, load average ${loadavg()[0]?.toFixed(2)}; servers and load generator in separate processes on loopback; Lanyard with --workers ${process.env.BENCH_WORKERS ?? 'auto'}; ${RUNS} runs x ${MS} ms per scenario after ${WARMUP_MS} ms warm-up; compared scenarios back to back, in rotating order`,
  )
  const log = (line: string) => console.log(`sts-bench: ${line}`)
  const fixture: BenchFixture = await createFixture({ tokens: TOKENS, log })
  const children: { stop(): Promise<void>; kill(): void }[] = []
  killers.push(() => {
    for (const c of children) c.kill()
  })
  let failed = false
  try {
    const bodies = fixture.tokens.map((t, i) => exchangeBody(fixture.roleArn, t, i))
    const before = new Map<Target, Map<string, number>>()
    const lanyard = new Map<Target, { child: ServerChild; port: number }>()
    for (const [target, store] of [
      ['one', fixture.stores.one],
      ['r100', fixture.stores.r100],
      ['r100k', fixture.stores.r100k],
    ] as const) {
      before.set(target, auditCounts(store.dir))
      const s = await startServerChild(
        `lanyard-${target}`,
        'lanyard',
        { BENCH_DATA_DIR: store.dir, BENCH_ISSUER_BASE: ISSUER_BASE },
        true,
      )
      children.push(s.child)
      lanyard.set(target, s)
    }
    const one = lanyard.get('one') as { child: ServerChild; port: number }

    // The setup's own exchanges: one answer becomes the bare servers' constant, and 20 sessions
    // sign the DescribeCluster calls. They are counted for the audit check.
    const setupExchanges = SESSIONS
    const sessions: SessionCredentials[] = []
    let constant = ''
    for (let i = 0; i < SESSIONS; i++) {
      const r = await exchange(
        one.port,
        exchangeBody(fixture.roleArn, fixture.tokens[i] as string, 900_000 + i),
      )
      sessions.push(r.credentials)
      constant = r.xml
    }
    // The answer of one signed DescribeCluster, for the `sigv4` server to give (counted too).
    const describe = await describeCluster(
      one.port,
      sessions[0] as SessionCredentials,
      fixture.region,
    )
    const bare = new Map<Target, { child: ServerChild; port: number }>()
    const prototype: PrototypeConfig = {
      issuer: (
        JSON.parse(
          Buffer.from(fixture.tokens[0]?.split('.')[1] ?? '', 'base64url').toString('utf8'),
        ) as { iss: string }
      ).iss,
      subject: `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}`,
      audience: 'sts.amazonaws.com',
      roleArn: fixture.roleArn,
    }
    for (const mode of BARE) {
      const s = await startServerChild(
        mode,
        mode,
        {
          BENCH_CONSTANT: constant,
          BENCH_JWK: JSON.stringify(fixture.publicJwk),
          BENCH_PROTOTYPE: JSON.stringify(prototype),
          BENCH_SESSIONS: JSON.stringify(
            sessions.map(({ accessKeyId, secretAccessKey }) => ({ accessKeyId, secretAccessKey })),
          ),
          BENCH_DESCRIBE: describe,
        },
        false,
      )
      children.push(s.child)
      bare.set(mode, s)
    }
    const serverOf = (t: Target) =>
      (isBare(t) ? bare.get(t) : lanyard.get(t)) as { child: ServerChild; port: number }
    const cpuOf = async (t: Target): Promise<{ cpuUs: number; mainUs: number }> => {
      const u = await serverOf(t).child.ask({ type: 'usage' })
      if (u.type !== 'usage') throw new Error(`${t}: ${JSON.stringify(u)}`)
      // Worker processes' event loops are not measured: NaN, shown as `-`.
      return { cpuUs: u.cpuUs, mainUs: u.mainUs ?? Number.NaN }
    }
    const portOf = (t: Target) => serverOf(t).port

    const load: LoadChild = new Child('load generator', './sts-load.ts', [])
    children.push(load)
    const started = await load.first
    if (started.type !== 'ok')
      throw new Error(`the load generator did not start: ${JSON.stringify(started)}`)
    const prepared = await load.ask({ type: 'bodies', name: 'exchange', path: '/', bodies })
    if (prepared.type !== 'ok') throw new Error(JSON.stringify(prepared))
    log(
      `${fmt(bodies.length)} distinct exchange requests (one token each), ${SIGNED_REQUESTS} signed requests per signed run (${SESSIONS} sessions)`,
    )

    const totals = new Map<string, number>()
    const add = (key: string, n: number) => totals.set(key, (totals.get(key) ?? 0) + n)
    const answered = { exchange: 0, signed: 0 }
    const errors: string[] = []
    const measure = async (s: Scenario, warmupMs: number, durationMs: number): Promise<Sample> => {
      if (s.set === 'signed') {
        const signed = await load.ask({
          type: 'sign',
          name: 'signed',
          port: portOf(s.target),
          path: `/clusters/${CLUSTER_NAME}`,
          region: fixture.region,
          service: 'eks',
          sessions,
          count: SIGNED_REQUESTS,
        })
        if (signed.type !== 'ok') throw new Error(JSON.stringify(signed))
      }
      const cpuBefore = await cpuOf(s.target)
      const r = await load.ask({
        type: 'run',
        set: s.set,
        port: portOf(s.target),
        connections: s.connections,
        warmupMs,
        durationMs,
        maxRequests: MAX_REQUESTS,
        expect: EXPECT[s.set],
      })
      if (r.type !== 'result') throw new Error(`${s.key}: ${JSON.stringify(r)}`)
      const cpuAfter = await cpuOf(s.target)
      const serverCpuUs = cpuAfter.cpuUs - cpuBefore.cpuUs
      // What Lanyard's audit indexer has not copied yet it copies now, between the measured
      // windows, not inside the next scenario's; the CPU that takes is reported beside the
      // window's (the indexer copies under load too, at the lowest priority, and falls behind
      // when the request threads leave it no CPU).
      let catchUpUs = 0
      if (!isBare(s.target)) {
        const settled = await serverOf(s.target).child.ask({ type: 'settle' })
        if (settled.type !== 'settled') throw new Error(`${s.target}: ${JSON.stringify(settled)}`)
        catchUpUs = (await cpuOf(s.target)).cpuUs - cpuAfter.cpuUs
      }
      if (s.target === 'one' || s.target === 'r100' || s.target === 'r100k')
        add(`${s.target}/${s.set}`, r.total)
      answered[s.set] += r.total
      if (r.errors > 0)
        errors.push(`${s.key}: ${r.errors} of ${r.total} answers wrong, first: ${r.firstError}`)
      return {
        ...r,
        serverUsPerRequest: serverCpuUs / r.total,
        mainUsPerRequest: (cpuAfter.mainUs - cpuBefore.mainUs) / r.total,
        loadUsPerRequest: r.cpuUs / r.total,
        catchUpUsPerRequest: catchUpUs / r.total,
      }
    }

    // Warm-up: JIT, connections, page cache; counted for the audit but not reported.
    for (const s of scenarios) if (s.connections === 50) await measure(s, 0, 2000)

    const samples = new Map<string, Sample[]>()
    for (let run = 0; run < RUNS; run++) {
      for (const s of runOrder(scenarios, run)) {
        const r = await measure(s, WARMUP_MS, MS)
        samples.set(s.key, [...(samples.get(s.key) ?? []), r])
      }
    }

    for (const c of children) await c.stop()
    children.length = 0

    // Every answer was written after its audit record committed: the rows must match exactly.
    const audit: string[] = []
    let auditOk = true
    for (const [target, store] of [
      ['one', fixture.stores.one],
      ['r100', fixture.stores.r100],
      ['r100k', fixture.stores.r100k],
    ] as const) {
      const after = auditCounts(store.dir)
      const delta = (name: string) => (after.get(name) ?? 0) - (before.get(target)?.get(name) ?? 0)
      const expectedExchanges =
        (totals.get(`${target}/exchange`) ?? 0) + (target === 'one' ? setupExchanges : 0)
      const expectedSigned = (totals.get(`${target}/signed`) ?? 0) + (target === 'one' ? 1 : 0)
      const gotExchanges = delta('AssumeRoleWithWebIdentity')
      const gotSigned = delta('DescribeCluster')
      const match = gotExchanges === expectedExchanges && gotSigned === expectedSigned
      auditOk &&= match
      audit.push(
        `${target} (${fmt(store.roles)} roles): ${fmt(gotExchanges)} AssumeRoleWithWebIdentity rows for ${fmt(expectedExchanges)} exchanges, ${fmt(gotSigned)} DescribeCluster rows for ${fmt(expectedSigned)} calls${match ? '' : ' MISMATCH'}`,
      )
    }
    failed = errors.length > 0 || !auditOk
    report(scenarios, samples, answered, errors, audit, auditOk, loadStart)
  } finally {
    for (const c of children) await c.stop()
    if (process.env.BENCH_KEEP === undefined) rmSync(fixture.root, { recursive: true, force: true })
    clearTimeout(watchdog)
  }
  if (failed) process.exitCode = 1
}

function report(
  scenarios: readonly Scenario[],
  samples: ReadonlyMap<string, Sample[]>,
  answered: { exchange: number; signed: number },
  errors: readonly string[],
  audit: readonly string[],
  auditOk: boolean,
  loadStart: number,
): void {
  const rps = (key: string) => median((samples.get(key) ?? []).map((r) => r.rps))
  /** A latency quantile of every request the scenario measured, its windows pooled. */
  const pooled = (key: string, q: number) =>
    pooledQuantile(
      (samples.get(key) ?? []).map((r) => r.histogram),
      q,
    )
  const p99 = (key: string) => pooled(key, 0.99)
  const p50 = (key: string) => pooled(key, 0.5)
  const serverUs = (key: string) =>
    median((samples.get(key) ?? []).map((r) => r.serverUsPerRequest))
  const loadUs = (key: string) => median((samples.get(key) ?? []).map((r) => r.loadUsPerRequest))
  const mainUs = (key: string) => median((samples.get(key) ?? []).map((r) => r.mainUsPerRequest))
  const catchUpUs = (key: string) =>
    median((samples.get(key) ?? []).map((r) => r.catchUpUsPerRequest))
  /** The median over the runs of run i's `f(a_i, b_i)` (paired scenarios run back to back). */
  const paired = (a: string, b: string, f: (x: Sample, y: Sample) => number) => {
    const xs = samples.get(a) ?? []
    const ys = samples.get(b) ?? []
    return median(xs.map((x, i) => f(x, ys[i] as Sample)))
  }
  const spread = (key: string, f: (r: Sample) => number, show: (n: number) => string) => {
    const list = (samples.get(key) ?? []).map(f)
    return list.length === 0 ? '' : `${show(Math.min(...list))}..${show(Math.max(...list))}`
  }
  console.log('')
  console.log(
    [
      'scenario'.padEnd(38),
      'conns'.padStart(5),
      'req/s'.padStart(9),
      'min..max req/s'.padStart(17),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'min..max p99'.padStart(13),
      'server CPU'.padStart(10),
      'event loop'.padStart(10),
      'loadgen CPU'.padStart(11),
      'catch-up'.padStart(9),
    ].join(' '),
  )
  for (const s of scenarios) {
    console.log(
      [
        s.label.padEnd(38),
        String(s.connections).padStart(5),
        fmt(rps(s.key)).padStart(9),
        spread(s.key, (r) => r.rps, fmt).padStart(17),
        ms(p50(s.key)).padStart(8),
        ms(p99(s.key)).padStart(8),
        spread(s.key, (r) => r.p99, ms).padStart(13),
        `${Math.round(serverUs(s.key))} us`.padStart(10),
        (Number.isNaN(mainUs(s.key)) ? '-' : `${Math.round(mainUs(s.key))} us`).padStart(10),
        `${Math.round(loadUs(s.key))} us`.padStart(11),
        (isBare(s.target) ? '-' : `${Math.round(catchUpUs(s.key))} us`).padStart(9),
      ].join(' '),
    )
  }
  console.log(
    'medians of the runs, but p50 and p99 are over every request of the scenario, all its runs pooled (min..max p99: run by run); throughput is read at 50 connections, latency at 10; per request: server CPU (all its threads), busy time of its event loop (the request thread; - for worker processes), load generator CPU, and the CPU Lanyard spent after the window copying the rest of its audit journal into SQLite (catch-up)',
  )
  console.log('')
  const has = (...keys: string[]) => keys.every((k) => samples.has(k))
  const checks: [string, string, string, boolean][] = []
  if (has('exchange-50', 'limit-50')) {
    const r = paired('exchange-50', 'limit-50', (x, y) => x.rps / y.rps)
    checks.push([
      'exchange / limit',
      pct(r),
      `>= ${pct(TARGETS.exchangeVsLimit)}`,
      r >= TARGETS.exchangeVsLimit,
    ])
  }
  if (has('exchange-10')) {
    const v = p99('exchange-10')
    checks.push([
      'exchange p99 (10 connections)',
      `${ms(v)} ms`,
      `<= ${TARGETS.exchangeP99Ms} ms`,
      v <= TARGETS.exchangeP99Ms,
    ])
  }
  if (has('signed-50', 'baseline-50')) {
    const r = paired('signed-50', 'baseline-50', (x, y) => x.rps / y.rps)
    checks.push([
      'signed_call / baseline',
      pct(r),
      `>= ${pct(TARGETS.signedVsBaseline)}`,
      r >= TARGETS.signedVsBaseline,
    ])
  }
  if (has('r100k-10', 'r100-10')) {
    const g = p99('r100k-10') / p99('r100-10') - 1
    checks.push([
      'p99 100,000 roles vs 100 roles',
      `${g >= 0 ? '+' : ''}${pct(g)}`,
      `within ${pct(TARGETS.rolesP99Growth)}`,
      Math.abs(g) <= TARGETS.rolesP99Growth,
    ])
    const w = paired('r100k-10', 'r100-10', (x, y) => x.p99 / y.p99) - 1
    checks.push(['(the same, window by window)', `${w >= 0 ? '+' : ''}${pct(w)}`, '', true])
  }
  if (has('exchange-50', 'limit-50')) {
    const r = paired(
      'limit-50',
      'exchange-50',
      (x, y) => x.serverUsPerRequest / y.serverUsPerRequest,
    )
    checks.push(['(exchange / limit, by server CPU)', pct(r), '', true])
  }
  if (has('signed-50', 'baseline-50')) {
    const r = paired(
      'baseline-50',
      'signed-50',
      (x, y) => x.serverUsPerRequest / y.serverUsPerRequest,
    )
    checks.push(['(signed_call / baseline, by CPU)', pct(r), '', true])
  }
  if (has('prototype-50', 'limit-50')) {
    const r = paired('prototype-50', 'limit-50', (x, y) => x.rps / y.rps)
    checks.push(['(prototype / limit, calibration)', pct(r), '', true])
  }
  if (has('sigv4-50', 'baseline-50')) {
    const r = paired('sigv4-50', 'baseline-50', (x, y) => x.rps / y.rps)
    checks.push(['(sigv4 / baseline, calibration)', pct(r), '', true])
  }
  if (has('signed-50', 'sigv4-50')) {
    const r = paired('signed-50', 'sigv4-50', (x, y) => x.rps / y.rps)
    checks.push(['(signed_call / sigv4)', pct(r), '', true])
  }
  if (has('limit-50', 'baseline-50')) {
    checks.push([
      '(limit / baseline, for reference)',
      pct(rps('limit-50') / rps('baseline-50')), // not paired: medians
      '',
      true,
    ])
  }
  console.log(
    "ratios: the median over the runs of each run's ratio between two scenarios measured back to back",
  )
  console.log(['ratio'.padEnd(34), 'measured'.padStart(10), 'target'.padStart(14), ''].join(' '))
  for (const [name, value, target, met] of checks) {
    console.log(
      [
        name.padEnd(34),
        value.padStart(10),
        target.padStart(14),
        target === '' ? '' : met ? 'met' : 'MISSED',
      ].join(' '),
    )
  }
  console.log('')
  console.log(
    `correctness: ${fmt(answered.exchange)} exchange-shaped requests and ${fmt(answered.signed)} signed calls answered; ${errors.length === 0 ? 'every one 200 with its expected content' : 'WRONG ANSWERS:'}`,
  )
  for (const e of errors) console.log(`  ${e}`)
  console.log(
    `audit rows (counted in SQLite after the servers stopped) ${auditOk ? 'match the requests' : 'DO NOT MATCH'}:`,
  )
  for (const a of audit) console.log(`  ${a}`)
  console.log(
    `load average (1 min) at the start ${loadStart.toFixed(2)}, at the end ${(loadavg()[0] ?? 0).toFixed(2)} (2 cores: above 2, other processes took CPU from the bench)`,
  )
  if (has('baseline-50', 'limit-50', 'exchange-50', 'exchange-10', 'signed-50', 'r100k-10')) {
    console.log(
      `sts-bench: baseline=${Math.round(rps('baseline-50'))} limit=${Math.round(rps('limit-50'))} exchange=${Math.round(rps('exchange-50'))} exchange_p99_ms=${ms(p99('exchange-10'))} signed_call=${Math.round(rps('signed-50'))} exchange_100k_roles_p99_ms=${ms(p99('r100k-10'))}`,
    )
  }
}

await main()
