import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { DEFAULT_MAX_BACKLOG_BYTES } from '../audit-journal/backlog.js'
import type { AuditWorkerData, CounterMoved, IndexerReport, IndexRequest } from './audit-worker.js'

export interface SqliteAuditIndexer {
  /**
   * The database's change counter (`Store.changeCounter`) as the counter thread last read it
   * (every `counterIntervalMs`), or undefined before its first report.
   */
  changeCounter(): number | undefined
  /** Resolves once everything the journal held when called is in the database. */
  flush(): Promise<void>
  /** Copies the rest of the journal (its writer must be closed), then stops both threads. */
  close(): Promise<void>
}

export interface AuditIndexerOptions {
  /**
   * How often the indexer looks at the journal (default 100 ms); it copies when nothing was
   * appended since its last look, or when `maxBacklogBytes` wait (default 16 MiB).
   */
  indexIntervalMs?: number
  maxBacklogBytes?: number
  /** How often the counter thread reads the change counter (default 10 ms). */
  counterIntervalMs?: number
  /** Told when the journal held lines that are not records (they are skipped). */
  onSkipped?: (lines: number, segment: number) => void
}

// Run from source (vitest, tsx) the worker is TypeScript and needs tsx's loader; built, it is .js.
const fromSource = import.meta.url.endsWith('.ts')
const WORKER = new URL(fromSource ? './audit-worker.ts' : './audit-worker.js', import.meta.url)

/** From source, the thread first registers tsx's loader (a devDependency), then loads the worker. */
function newWorker(data: AuditWorkerData): Worker {
  if (!fromSource) return new Worker(WORKER, { workerData: data })
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json')
  const tsx = new URL('./dist/esm/api/index.mjs', pathToFileURL(tsxPackage)).href
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER.href)}) })`
  return new Worker(boot, { eval: true, workerData: data })
}

/**
 * Keeps the SQLite database at `path` (a file, not `:memory:`) up to date with the audit journal
 * in `journalDir`, off the request thread: an indexer thread copies the journal into
 * `audit_events` when the server is quiet or the backlog is large (at the lowest CPU priority,
 * checkpointing the WAL after it writes), a counter
 * thread reads the change counter. A thread that dies is started again after `RESTART_MS`: the
 * journal keeps the records meanwhile, and readers of the trail read them from there.
 */
export function startSqliteAuditIndexer(
  path: string,
  journalDir: string,
  options: AuditIndexerOptions = {},
): SqliteAuditIndexer {
  const RESTART_MS = 1000
  let closed = false
  let nextFlush = 1
  const flushes = new Map<number, () => void>()
  let changeCounter: number | undefined

  const start = (data: AuditWorkerData, onMessage: (m: unknown) => void): { worker: Worker } => {
    const slot = { worker: newWorker(data) }
    const attach = (w: Worker) => {
      w.unref()
      w.on('message', onMessage)
      w.on('error', () => undefined) // followed by 'exit'
      w.on('exit', () => {
        if (closed) return
        setTimeout(() => {
          if (closed) return
          slot.worker = newWorker(data)
          attach(slot.worker)
          // Flushes asked of the dead thread are asked again.
          for (const id of flushes.keys())
            slot.worker.postMessage({ flush: id } satisfies IndexRequest)
        }, RESTART_MS).unref()
      })
    }
    attach(slot.worker)
    return slot
  }

  const indexer = start(
    {
      role: 'indexer',
      path,
      journalDir,
      intervalMs: options.indexIntervalMs ?? 100,
      maxBacklogBytes: options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES,
    },
    (m) => {
      const report = m as IndexerReport
      if ('flushed' in report) {
        flushes.get(report.flushed)?.()
        flushes.delete(report.flushed)
        if (flushes.size === 0) indexer.worker.unref()
      } else options.onSkipped?.(report.skippedLines, report.segment)
    },
  )
  const counter = start(
    { role: 'counter', path, counterMs: options.counterIntervalMs ?? 10 },
    (m) => {
      changeCounter = (m as CounterMoved).changeCounter
    },
  )

  return {
    changeCounter: () => changeCounter,

    flush() {
      if (closed) return Promise.reject(new Error('the audit indexer is closed'))
      const id = nextFlush++
      return new Promise<void>((resolve) => {
        flushes.set(id, resolve)
        indexer.worker.ref()
        indexer.worker.postMessage({ flush: id } satisfies IndexRequest)
      })
    },

    async close() {
      if (closed) return
      closed = true
      await Promise.all(
        [indexer.worker, counter.worker].map(
          (w) =>
            new Promise<void>((done) => {
              if (w.threadId < 0) return done() // dead, not restarted: nothing to stop
              w.once('exit', () => done())
              w.ref() // held until it has copied the rest and closed its connection
              w.postMessage('stop')
            }),
        ),
      )
      for (const done of flushes.values()) done()
      flushes.clear()
    },
  }
}
