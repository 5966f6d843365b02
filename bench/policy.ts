import { type ChildProcess, fork } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { SCENARIOS, type Scenario } from './corpus.js'
import type { EngineName, WorkerReply, WorkerRequest } from './engine-process.js'
import { harmonicMean, median } from './measure.js'

/**
 * `npm run bench:policy`: decisions per second of Lanyard's evaluator, iam-simulate's core
 * evaluator and Cedar (wasm) on the same corpus (bench/corpus.ts). Each engine lives in its own
 * child process and is first checked against the expected decisions; then, after a warm-up,
 * each engine runs each scenario for BENCH_MS (default 1000) milliseconds, BENCH_RUNS (default
 * 5) times, interleaved (one engine at a time; the engine order rotates each run), and the
 * medians are reported. The last line is the headline, for the trust scenario:
 * `policy-bench: lanyard=<n>/s iam-simulate=<n>/s cedar=<n>/s`.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const MS = Number(process.env.BENCH_MS ?? 1000)
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 500)
const ALL_ENGINES: readonly EngineName[] = ['lanyard', 'iam-simulate', 'cedar']
// BENCH_ENGINES=lanyard,cedar runs a subset (for profiling); the headline needs all three.
const ENGINES: readonly EngineName[] =
  process.env.BENCH_ENGINES === undefined
    ? ALL_ENGINES
    : ALL_ENGINES.filter((e) => (process.env.BENCH_ENGINES ?? '').split(',').includes(e))
const BASELINE: EngineName = 'iam-simulate'
const TARGET_RATE = 1_000_000
const TARGET_RATIO = 20

/** A child process running one engine, answering one message at a time. */
class EngineProcess {
  readonly name: EngineName
  readonly #child: ChildProcess
  #pending: ((m: WorkerReply) => void) | undefined
  readonly ready: Promise<WorkerReply>

  constructor(name: EngineName) {
    this.name = name
    this.#child = fork(fileURLToPath(new URL('./engine-process.ts', import.meta.url)), [name], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.ready = this.#next()
    const settle = (m: WorkerReply) => {
      const resolve = this.#pending
      this.#pending = undefined
      resolve?.(m)
    }
    this.#child.on('message', (m: WorkerReply) => settle(m))
    this.#child.on('exit', (code, signal) =>
      settle({ type: 'failed', error: `exited with ${signal ?? code}` }),
    )
  }

  #next(): Promise<WorkerReply> {
    return new Promise((resolve) => {
      this.#pending = resolve
    })
  }

  async measure(scenario: string, ms: number): Promise<number> {
    const reply = this.#next()
    this.#child.send({ type: 'measure', scenario, ms } satisfies WorkerRequest)
    const m = await reply
    if (m.type !== 'measured') throw new Error(`${this.name}: ${JSON.stringify(m)}`)
    return m.perSecond
  }

  stop(): void {
    this.#child.removeAllListeners('exit')
    this.#child.disconnect()
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const ratio = (a: number, b: number) =>
  b > 0 ? `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}x` : 'n/a'

async function main(): Promise<void> {
  const cpu = cpus()
  console.log(
    `policy-bench: node ${process.version}, ${cpu[0]?.model ?? 'unknown cpu'} x${cpu.length}; each engine in its own process; ${RUNS} runs x ${MS} ms per engine and scenario, interleaved, after ${WARMUP_MS} ms warm-up`,
  )
  const threads = ENGINES.map((name) => new EngineProcess(name))
  try {
    const problems: string[] = []
    for (const t of threads) {
      const m = await t.ready
      if (m.type === 'failed') problems.push(`${t.name} failed to start: ${m.error}`)
      else if (m.type === 'ready') problems.push(...m.problems)
    }
    if (problems.length > 0) {
      for (const p of problems) console.error(`policy-bench: ${p}`)
      process.exitCode = 1
      return
    }
    const requests = SCENARIOS.reduce((n, s) => n + s.requests.length, 0)
    console.log(
      `policy-bench: ${ENGINES.join(', ')} agree with the expected decisions (${requests} requests)`,
    )
    for (const s of SCENARIOS) for (const t of threads) await t.measure(s.name, WARMUP_MS)
    const samples = new Map<string, number[]>()
    const key = (s: Scenario, e: EngineName) => `${s.name}/${e}`
    for (let run = 0; run < RUNS; run++) {
      for (const s of SCENARIOS) {
        for (let k = 0; k < threads.length; k++) {
          const t = threads[(k + run) % threads.length] as EngineProcess
          const rate = await t.measure(s.name, MS)
          samples.set(key(s, t.name), [...(samples.get(key(s, t.name)) ?? []), rate])
        }
      }
    }
    report(samples, key)
  } finally {
    for (const t of threads) t.stop()
  }
}

function report(
  samples: ReadonlyMap<string, readonly number[]>,
  key: (s: Scenario, e: EngineName) => string,
): void {
  const med = (s: Scenario, e: EngineName) => median(samples.get(key(s, e)) ?? [0])
  const spread = (s: Scenario, e: EngineName) => {
    const list = samples.get(key(s, e)) ?? [0]
    return `${fmt(Math.min(...list))}..${fmt(Math.max(...list))}`
  }
  const hasBaseline = ENGINES.includes(BASELINE)
  const others = hasBaseline ? ENGINES.filter((e) => e !== BASELINE) : []
  console.log('')
  console.log(
    [
      'scenario'.padEnd(18),
      ...ENGINES.map((e) => `${e} /s`.padStart(14)),
      ...others.map((e) => `${e} vs ${BASELINE}`.padStart(24)),
    ].join(' '),
  )
  const rows: [string, number[]][] = SCENARIOS.map((s) => [s.name, ENGINES.map((e) => med(s, e))])
  rows.push([
    'corpus (harmonic)',
    ENGINES.map((e) => harmonicMean(SCENARIOS.map((s) => med(s, e)))),
  ])
  for (const [name, rates] of rows) {
    const base = hasBaseline ? (rates[ENGINES.indexOf(BASELINE)] as number) : 0
    console.log(
      [
        name.padEnd(18),
        ...rates.map((r) => fmt(r).padStart(14)),
        ...others.map((e) => ratio(rates[ENGINES.indexOf(e)] as number, base).padStart(24)),
      ].join(' '),
    )
  }
  console.log('')
  console.log('median decisions/s above; min..max over the runs:')
  for (const s of SCENARIOS) {
    console.log(
      `  ${s.name.padEnd(17)} ${ENGINES.map((e) => `${e} ${spread(s, e)}`).join('; ')}  (${s.requests.length} requests: ${s.title})`,
    )
  }
  const head = SCENARIOS[0] as Scenario
  const lanyard = med(head, 'lanyard')
  const simulate = med(head, BASELINE)
  const met = lanyard >= TARGET_RATE && simulate > 0 && lanyard / simulate >= TARGET_RATIO
  console.log(
    `headline (last line): the ${head.name} scenario; target lanyard >= ${fmt(TARGET_RATE)}/s and >= ${TARGET_RATIO}x ${BASELINE}: ${met ? 'met' : 'MISSED'} (${ratio(lanyard, simulate)})`,
  )
  console.log(
    `policy-bench: lanyard=${Math.round(lanyard)}/s iam-simulate=${Math.round(simulate)}/s cedar=${Math.round(med(head, 'cedar'))}/s`,
  )
}

await main()
