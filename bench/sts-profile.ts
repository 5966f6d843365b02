import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * Summarises a `.cpuprofile` (from `BENCH_PROFILE=<dir> npm run bench:sts`):
 * `node --import tsx bench/sts-profile.ts <file> [top]`. Prints self time by function and by
 * file, and inclusive time by function, over the busy stretches only (the server under load).
 * Given a directory instead, prints each thread's busy time and costliest functions.
 */

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Only 500 ms windows busier than this count: the load, not start-up or idle waits. */
const BUSY_WINDOW = 0.6
const WINDOW_US = 500_000

const file = process.argv[2]
if (file === undefined)
  throw new Error('usage: sts-profile.ts <file.cpuprofile | directory of them> [top]')
const top = Number(process.argv[3] ?? 40)

/**
 * A directory (one server's `--cpu-prof` files, one per thread: the event loop, the audit
 * indexer and counter, tsx's loader): each thread's busy time over the whole profile and
 * its costliest functions, so the threads beside the event loop show what they cost too.
 */
if (statSync(file).isDirectory()) {
  for (const name of readdirSync(file)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()) {
    const p = JSON.parse(readFileSync(join(file, name), 'utf8')) as Profile
    const idle = p.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id
    const nodes = new Map(p.nodes.map((n) => [n.id, n]))
    const own = new Map<string, number>()
    let busy = 0
    p.samples.forEach((id, i) => {
      if (id === idle) return
      const dt = p.timeDeltas[i] ?? 0
      busy += dt
      const n = nodes.get(id) as ProfileNode
      const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`
      own.set(key, (own.get(key) ?? 0) + dt)
    })
    console.log(`${name}: busy ${(busy / 1e6).toFixed(2)} s`)
    for (const [k, us] of [...own].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 8)))
      console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
  }
  process.exit(0)
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const idleId = profile.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id
// Which samples fall in busy windows (the server under load).
const windowOf: number[] = []
const windows = new Map<number, { busy: number; all: number }>()
let clock = 0
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  clock += dt
  const w = Math.floor(clock / WINDOW_US)
  windowOf.push(w)
  const b = windows.get(w) ?? { busy: 0, all: 0 }
  b.all += dt
  if (id !== idleId) b.busy += dt
  windows.set(w, b)
})
const kept = (i: number) => {
  const b = windows.get(windowOf[i] as number)
  return b !== undefined && b.busy >= BUSY_WINDOW * b.all
}
const keptWindows = [...windows.values()].filter((b) => b.busy >= BUSY_WINDOW * b.all).length

const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => {
  if (!kept(i)) return
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})
const total = [...selfUs.values()].reduce((a, b) => a + b, 0)

const where = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '')
  return url === '' ? '' : `${relative(process.cwd(), url)}:${n.callFrame.lineNumber + 1}`
}
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}`

const self = new Map<string, number>()
const byFile = new Map<string, number>()
for (const [id, us] of selfUs) {
  const n = byId.get(id) as ProfileNode
  self.set(label(n), (self.get(label(n)) ?? 0) + us)
  const f = n.callFrame.url
    ? relative(process.cwd(), n.callFrame.url.replace(/^file:\/\//, ''))
    : n.callFrame.functionName
  byFile.set(f, (byFile.get(f) ?? 0) + us)
}

// Inclusive time: each sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>()
profile.samples.forEach((id, i) => {
  if (!kept(i)) return
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur) as ProfileNode)
    if (seen.has(l)) continue
    seen.add(l)
    inclusive.set(l, (inclusive.get(l) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
})

const show = (title: string, map: Map<string, number>, n: number) => {
  console.log(`\n${title}`)
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    )
  }
}

console.log(
  `${file}: ${(total / 1e6).toFixed(2)} s sampled in ${keptWindows} windows of ${WINDOW_US / 1000} ms at least ${100 * BUSY_WINDOW} % busy`,
)
show('self time by function', self, top)
show('self time by file', byFile, 25)
show('inclusive time', inclusive, top)
