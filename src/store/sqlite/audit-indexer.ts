import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { AuditRecord } from '../ports.js'
import type { AppendBatch, AppendDone, AuditWorkerData, CounterMoved } from './audit-worker.js'

export interface SqliteAuditAppender {
  /** Appends `records` in one transaction; resolves once they are committed. */
  append(records: readonly AuditRecord[]): Promise<void>
  /**
   * The database's change counter (`Store.changeCounter`) as the checkpointer thread last read
   * it (every `counterIntervalMs`), or undefined before its first report.
   */
  changeCounter(): number | undefined
  /** Waits for the batches in flight, then stops both threads. */
  close(): Promise<void>
}

export interface AuditAppenderOptions {
  /** How often the checkpointer copies the WAL into the database (default 100 ms). */
  checkpointIntervalMs?: number
  /** How often the checkpointer reads the change counter (default 10 ms). */
  counterIntervalMs?: number
}

// Run from source (vitest, tsx) the worker is TypeScript and needs tsx's loader; built, it is .js.
const fromSource = import.meta.url.endsWith('.ts')
const WORKER = new URL(fromSource ? './audit-worker.ts' : './audit-worker.js', import.meta.url)

function startWorker(data: AuditWorkerData): { worker: Worker; exited: Promise<void> } {
  const worker = newWorker(data)
  const exited = new Promise<void>((done) => worker.once('exit', () => done()))
  return { worker, exited }
}

/** From source, the thread first registers tsx's loader (a devDependency), then loads the worker. */
function newWorker(data: AuditWorkerData): Worker {
  if (!fromSource) return new Worker(WORKER, { workerData: data })
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json')
  const tsx = new URL('./dist/esm/api/index.mjs', pathToFileURL(tsxPackage)).href
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER.href)}) })`
  return new Worker(boot, { eval: true, workerData: data })
}

/**
 * Durable audit appends off the request thread, for the SQLite database at `path` (a file, not
 * `:memory:`): one worker thread with its own connection commits each batch, a second one
 * checkpoints the WAL in the background (see audit-worker.ts). The request thread only hands
 * over the rows and waits for the answer, so neither the inserts with their indexes, nor the
 * commit, nor a checkpoint's fsync run on the event loop.
 *
 * A batch is answered only after its COMMIT: with `synchronous = NORMAL` in WAL mode the records
 * then survive a crash of the process (`kill -9`). If the appender thread dies, every batch in
 * flight is refused (the callers fail closed) and the next batch starts a new thread.
 */
export function openSqliteAuditAppender(
  path: string,
  options: AuditAppenderOptions = {},
): SqliteAuditAppender {
  const inFlight = new Map<number, { resolve: () => void; reject: (err: unknown) => void }>()
  let nextId = 1
  let appender: ReturnType<typeof startWorker> | undefined
  let closed = false
  let drained: (() => void)[] = []

  const settled = () => {
    if (inFlight.size > 0) return
    appender?.worker.unref()
    for (const done of drained) done()
    drained = []
  }
  // An internal failure (a plain Error): the client gets InternalFailure, the log the reason.
  const notCommitted = (reason: string) =>
    new Error(`the audit record was not committed: ${reason}`)
  const failAll = (reason: string) => {
    for (const p of inFlight.values()) p.reject(notCommitted(reason))
    inFlight.clear()
    settled()
  }

  type Thread = ReturnType<typeof startWorker>
  const appenderThread = (): Thread => {
    if (appender) return appender
    const thread = startWorker({ role: 'appender', path })
    const w = thread.worker
    w.on('message', (done: AppendDone) => {
      const p = inFlight.get(done.id)
      if (!p) return
      inFlight.delete(done.id)
      if (done.error === undefined) p.resolve()
      else p.reject(notCommitted(done.error))
      settled()
    })
    const lost = (reason: string) => {
      if (appender === thread) appender = undefined
      failAll(reason)
    }
    w.on('error', (err) => lost(err.message))
    w.on('exit', (code) => lost(`the audit thread exited (${code})`))
    // The appender keeps the process alive only while a batch waits for its commit.
    w.unref()
    appender = thread
    return thread
  }

  const checkpointer = startWorker({
    role: 'checkpointer',
    path,
    intervalMs: options.checkpointIntervalMs ?? 100,
    counterMs: options.counterIntervalMs ?? 10,
  })
  let changeCounter: number | undefined
  checkpointer.worker.on('message', (m: CounterMoved) => {
    changeCounter = m.changeCounter
  })
  checkpointer.worker.unref()
  // A checkpointer that fails leaves the WAL to grow; appends still commit.
  checkpointer.worker.on('error', () => undefined)
  appenderThread()

  return {
    changeCounter: () => changeCounter,

    append(records) {
      if (closed) return Promise.reject(notCommitted('the audit log is closed'))
      if (records.length === 0) return Promise.resolve()
      const id = nextId++
      return new Promise<void>((resolve, reject) => {
        inFlight.set(id, { resolve, reject })
        const batch: AppendBatch = { id, records: records as AuditRecord[] }
        const w = appenderThread().worker
        w.ref()
        w.postMessage(batch)
      })
    },

    async close() {
      if (closed) return
      closed = true
      if (inFlight.size > 0) await new Promise<void>((done) => drained.push(done))
      const threads = [checkpointer, ...(appender ? [appender] : [])]
      appender = undefined
      for (const t of threads) {
        t.worker.ref() // held until it has closed its connection
        t.worker.postMessage('stop')
      }
      await Promise.all(threads.map((t) => t.exited))
    },
  }
}
