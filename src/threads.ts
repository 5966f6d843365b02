import { readlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { setPriority } from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * A worker thread running the module `name` (without extension) beside the module at `base`
 * (`import.meta.url`). Run from source (vitest, tsx) the module is TypeScript and the thread
 * first registers tsx's loader (a devDependency); built, it is the `.js` file.
 */
export function moduleWorker(base: string, name: string, workerData: unknown): Worker {
  const fromSource = base.endsWith('.ts')
  const module = new URL(`${name}${fromSource ? '.ts' : '.js'}`, base)
  if (!fromSource) return new Worker(module, { workerData })
  const tsxPackage = createRequire(base).resolve('tsx/package.json')
  const tsx = new URL('./dist/esm/api/index.mjs', pathToFileURL(tsxPackage)).href
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(module.href)}) })`
  return new Worker(boot, { eval: true, workerData })
}

/** A thread that ran this long before it died had started well: its restart is not delayed more. */
const STABLE_MS = 10_000
const MAX_RESTART_MS = 60_000

/**
 * How long to wait before starting again a thread that died, the `quickExits`-th time in a row
 * soon after its start: `baseMs`, then twice as long each time, at most a minute.
 */
export function restartDelay(quickExits: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, quickExits - 1), Math.max(baseMs, MAX_RESTART_MS))
}

/**
 * The restart delays of one thread (see {@link restartDelay}): it counts the deaths in a row that
 * each came within `STABLE_MS` of their thread's start.
 */
export function restartBackoff(baseMs: number) {
  let quickExits = 0
  return {
    /** The delay before starting again a thread that was started at `startedAt` and died now. */
    afterExit(startedAt: number): number {
      quickExits = Date.now() - startedAt < STABLE_MS ? quickExits + 1 : 1
      return restartDelay(quickExits, baseMs)
    },
  }
}

/**
 * Gives the calling thread the lowest CPU priority (nice 19), for a thread whose work must not
 * take CPU from the request thread. Linux lets a thread set its own nice value through its
 * thread id; elsewhere, or when not allowed, it stays as it is.
 */
export function lowerThisThreadsPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (Number.isInteger(tid)) setPriority(tid, 19)
  } catch {
    // Not Linux, or not allowed: normal priority.
  }
}
