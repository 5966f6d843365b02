import { SCENARIOS, type Scenario } from './corpus.js'
import type { Decide, Engine } from './engine.js'
import { measure } from './measure.js'

/**
 * One engine in its own child process (`node --import tsx engine-process.ts <engine>`): its JIT
 * state and heap are not mixed with the other engines', and running iam-simulate and
 * cedar-wasm in one V8 isolate crashed V8's deoptimizer on Node 20.20 ("Fatal error …
 * unreachable code"). IPC protocol (see policy.ts): on start `{ type: 'ready', problems }`;
 * then `{ type: 'measure', scenario, ms }` → `{ type: 'measured', perSecond }`.
 */

export type EngineName = 'lanyard' | 'iam-simulate' | 'cedar'

export type WorkerRequest = {
  readonly type: 'measure'
  readonly scenario: string
  readonly ms: number
}

export type WorkerReply =
  | { readonly type: 'ready'; readonly problems: readonly string[] }
  | { readonly type: 'measured'; readonly perSecond: number }
  | { readonly type: 'failed'; readonly error: string }

async function loadEngine(name: string | undefined): Promise<Engine> {
  switch (name) {
    case 'lanyard':
      return (await import('./lanyard-engine.js')).lanyardEngine
    case 'iam-simulate':
      return (await import('./iam-simulate-engine.js')).iamSimulateEngine
    case 'cedar':
      return (await import('./cedar-engine.js')).cedarEngine
    default:
      throw new Error(`unknown engine ${name}`)
  }
}

function verify(scenario: Scenario, engine: Engine, decide: Decide): string[] {
  const wrong: string[] = []
  scenario.requests.forEach((r, i) => {
    const got = decide(i)
    if (got !== r.allowed) {
      wrong.push(
        `${engine.name} on ${scenario.name}: "${r.label}" gave ${got ? 'allowed' : 'denied'}, expected ${r.allowed ? 'allowed' : 'denied'}`,
      )
    }
  })
  return wrong
}

async function main(): Promise<void> {
  const send = process.send?.bind(process)
  if (send === undefined) throw new Error('engine-process.ts runs as a child process with IPC')
  const reply = (m: WorkerReply) => send(m)
  try {
    const engine = await loadEngine(process.argv[2])
    const deciders = new Map<string, Decide>()
    const problems: string[] = []
    for (const s of SCENARIOS) {
      const decide = engine.prepare(s)
      problems.push(...verify(s, engine, decide))
      deciders.set(s.name, decide)
    }
    process.on('message', (m: WorkerRequest) => {
      const decide = deciders.get(m.scenario)
      if (decide === undefined) {
        reply({ type: 'failed', error: `unknown scenario ${m.scenario}` })
        return
      }
      reply({ type: 'measured', perSecond: measure(decide, m.ms).perSecond })
    })
    reply({ type: 'ready', problems })
  } catch (e) {
    reply({ type: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) })
  }
}

await main()
