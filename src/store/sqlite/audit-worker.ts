import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { AuditRecord } from '../ports.js'
import { AUDIT_INSERT_SQL, auditRow } from './audit-sql.js'
import { CHANGE_COUNTER_SQL } from './migrations.js'

/**
 * Worker thread of the SQLite audit appender (see audit-appender.ts), in one of two roles, each
 * with its own connection to the database file:
 *
 * - `appender`: appends each batch it is sent in one transaction and answers after the COMMIT,
 *   so the request thread never runs SQLite's insert, index and commit work;
 * - `checkpointer`: copies the WAL back into the database every `intervalMs` with a PASSIVE
 *   checkpoint (it never waits for, nor blocks, readers and writers), so no thread that answers
 *   requests ever waits for the fsync a checkpoint makes.
 *
 * Both connections run with `wal_autocheckpoint = 0`: only the checkpointer checkpoints.
 */
export interface AuditWorkerData {
  role: 'appender' | 'checkpointer'
  path: string
  /** Checkpointer: how often to checkpoint. */
  intervalMs?: number
  /** Checkpointer: how often to read the change counter (migration 4) and report it if it moved. */
  counterMs?: number
}

/** Checkpointer → main: the change counter moved (see `Store.changeCounter`). */
export interface CounterMoved {
  changeCounter: number
}

/** Main → appender. */
export interface AppendBatch {
  id: number
  records: AuditRecord[]
}

/** Appender → main: the batch committed, or why it did not (nothing of it was written). */
export interface AppendDone {
  id: number
  error?: string
}

const data = workerData as AuditWorkerData
const port = parentPort
if (port === null) throw new Error('audit-worker.ts runs as a worker thread only')

const db = new Database(data.path)
db.pragma('synchronous = NORMAL')
db.pragma('busy_timeout = 5000')
db.pragma('wal_autocheckpoint = 0')
// After a checkpoint the WAL restarts from its beginning; keep the file from staying huge.
db.pragma('journal_size_limit = 67108864')

if (data.role === 'appender') {
  const insert = db.prepare(AUDIT_INSERT_SQL)
  const appendAll = db.transaction((records: AuditRecord[]) => {
    for (const r of records) insert.run(auditRow(r))
  })
  port.on('message', (batch: AppendBatch | 'stop') => {
    if (batch === 'stop') {
      db.close()
      port.close()
      return
    }
    let done: AppendDone
    try {
      appendAll(batch.records)
      done = { id: batch.id }
    } catch (err) {
      done = { id: batch.id, error: err instanceof Error ? err.message : 'append failed' }
    }
    port.postMessage(done)
  })
} else {
  const checkpoints = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch {
      // Busy or interrupted: the next tick tries again; the WAL only grows meanwhile.
    }
  }, data.intervalMs ?? 100)
  // Read here so the request thread never does: right after another connection committed, a
  // read must re-read the WAL index, which costs that thread tens of microseconds or more.
  // The server opens its store (which migrates) before it starts these threads.
  const counter = db.prepare(CHANGE_COUNTER_SQL).pluck()
  let last: number | undefined
  const report = () => {
    try {
      const n = counter.get() as number
      if (n !== last) {
        last = n
        port.postMessage({ changeCounter: n } satisfies CounterMoved)
      }
    } catch {
      // Busy: the next tick reads it again.
    }
  }
  report()
  const counts = setInterval(report, data.counterMs ?? 10)
  port.on('message', (msg: 'stop') => {
    if (msg !== 'stop') return
    clearInterval(checkpoints)
    clearInterval(counts)
    db.close()
    port.close()
  })
}
