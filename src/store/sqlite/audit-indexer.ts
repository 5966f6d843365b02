import { closeSync, openSync, rmSync } from 'node:fs'
import type { Worker } from 'node:worker_threads'
import { moduleWorker, restartBackoff } from '../../threads.js'
import {
  DEFAULT_HARD_BACKLOG_BYTES,
  DEFAULT_MAX_BACKLOG_BYTES,
  type IndexerPriority,
} from '../audit-journal/backlog.js'
import { lockJournal } from '../audit-journal/lock.js'
import { listSegments, readJournalChunk, segmentPath } from '../audit-journal/segments.js'
import type { JournalRef } from '../audit-journal/tail.js'
import type { JournalPosition } from '../ports.js'
import { DEFAULT_PRUNE_BATCH_ROWS, DEFAULT_PRUNE_INTERVAL_MS } from './audit-retention.js'
import type { AuditWorkerData, CounterMoved, IndexerReport, IndexRequest } from './audit-worker.js'

export interface SqliteAuditIndexer {
  /**
   * The database's change counter (`Store.changeCounter`) as the counter thread last read it
   * (after writes to the database: see `counterIntervalMs`), or undefined before its first report.
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
  /**
   * While everything is copied and nothing is appended, the indexer waits for a write to a
   * journal's directory (inotify) instead, and looks every `indexIdleMs` regardless (default 1 s).
   */
  indexIdleMs?: number
  maxBacklogBytes?: number
  /**
   * The backlog past which the indexer copies at normal CPU priority instead of the lowest,
   * until it is under `maxBacklogBytes` again (default 64 MiB).
   */
  hardBacklogBytes?: number
  /** Told when the indexer changes priority, with the backlog that made it (bytes). */
  onPriority?: (priority: IndexerPriority, backlog: number) => void
  /**
   * The counter thread reads the change counter after writes to the database's files (inotify):
   * `counterIntervalMs` (default 10 ms) after a write that follows a quiet spell, at most every
   * 100 ms while writes keep coming, and every `counterIdleMs` (default 1 s) regardless; every
   * `counterIntervalMs` where the directory cannot be watched.
   */
  counterIntervalMs?: number
  counterIdleMs?: number
  /** Told when a journal held lines that are not records (they are skipped). */
  onSkipped?: (lines: number, segment: number, journal: number) => void
  /** Delete records older than this many days (default 0: keep them all). */
  retentionDays?: number
  /** How often to look for records past their retention (default 60 s). */
  pruneIntervalMs?: number
  /** Records deleted per transaction (default 5,000). */
  pruneBatchRows?: number
  /** The delay before a thread that died is started again (default 1 s; doubled, see above). */
  restartMs?: number
  /** Told when a thread died (with its error, if it threw) and when it will be started again. */
  onThreadExit?: (
    role: 'indexer' | 'counter',
    error: string | undefined,
    restartInMs: number,
  ) => void
  /** Told when a round of deleting ends, with how many records older than `before` went. */
  onPruned?: (records: number, before: string) => void
}

const WORKER = 'audit-worker'

/**
 * Keeps the SQLite database at `path` (a file, not `:memory:`) up to date with the audit
 * `journals`, off the request thread: an indexer thread copies them into `audit_events` when the
 * server is quiet or the backlog is large (at the lowest CPU priority, checkpointing the WAL
 * after it writes), a counter thread reads the change counter. One indexer copies every journal
 * of a server of several worker processes (the others pass none: only their counter thread
 * runs): SQLite empties a connection's page cache whenever another connection wrote, so two
 * indexers writing in turn would each read their index pages back at every transaction. A
 * thread that dies is started again after `restartMs`, twice as long after each death that
 * follows a start within 10 s (up to a minute), so a thread that cannot start (its database
 * gone, a full disk) does not spin: the journal keeps the records meanwhile, and readers of the
 * trail read them from there.
 */
export function startSqliteAuditIndexer(
  path: string,
  journals: readonly JournalRef[],
  options: AuditIndexerOptions = {},
): SqliteAuditIndexer {
  const restartMs = options.restartMs ?? 1000
  let closed = false
  let nextFlush = 1
  const flushes = new Map<number, () => void>()
  let changeCounter: number | undefined

  /**
   * A thread in a slot: started again after a delay when it dies (see `restartBackoff`), or at
   * once with `slot.next` when it retired to be replaced by a thread started with that.
   */
  interface Slot {
    worker: Worker
    data: AuditWorkerData
    next: AuditWorkerData | undefined
    startedAt: number
    backoff: ReturnType<typeof restartBackoff>
  }
  const start = (data: AuditWorkerData, onMessage: (m: unknown) => void): Slot => {
    const slot: Slot = {
      worker: moduleWorker(import.meta.url, WORKER, data),
      data,
      next: undefined,
      startedAt: Date.now(),
      backoff: restartBackoff(restartMs),
    }
    const attach = (w: Worker) => {
      w.unref()
      w.on('message', onMessage)
      let failure: string | undefined
      w.on('error', (err) => {
        failure = err instanceof Error ? err.message : String(err) // followed by 'exit'
      })
      w.on('exit', () => {
        if (closed) return
        const replace = () => {
          if (closed) return
          if (slot.next !== undefined) slot.data = slot.next
          slot.next = undefined
          slot.worker = moduleWorker(import.meta.url, WORKER, slot.data)
          slot.startedAt = Date.now()
          attach(slot.worker)
          // Flushes asked of the previous thread are asked again.
          for (const id of flushes.keys())
            slot.worker.postMessage({ flush: id } satisfies IndexRequest)
          if (flushes.size > 0) slot.worker.ref()
        }
        if (slot.next !== undefined) return replace()
        const delay = slot.backoff.afterExit(slot.startedAt)
        options.onThreadExit?.(slot.data.role, failure, delay)
        setTimeout(replace, delay).unref()
      })
    }
    attach(slot.worker)
    return slot
  }

  const indexer =
    journals.length === 0
      ? undefined
      : start(
          {
            role: 'indexer',
            path,
            journals,
            intervalMs: options.indexIntervalMs ?? 100,
            idleMs: options.indexIdleMs ?? 1000,
            maxBacklogBytes: options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES,
            hardBacklogBytes: options.hardBacklogBytes ?? DEFAULT_HARD_BACKLOG_BYTES,
            priority: 'low',
            retentionDays: options.retentionDays ?? 0,
            pruneIntervalMs: options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS,
            pruneBatchRows: options.pruneBatchRows ?? DEFAULT_PRUNE_BATCH_ROWS,
          },
          (m) => {
            const report = m as IndexerReport
            if (indexer === undefined) return
            if ('flushed' in report) {
              flushes.get(report.flushed)?.()
              flushes.delete(report.flushed)
              if (flushes.size === 0) indexer.worker.unref()
            } else if ('priority' in report) {
              if (closed || indexer.next !== undefined) return
              // A thread cannot raise its own priority: a new one takes over from this one.
              indexer.next = { ...indexer.data, priority: report.priority }
              indexer.worker.postMessage('retire' satisfies IndexRequest)
              options.onPriority?.(report.priority, report.backlog)
            } else if ('pruned' in report) options.onPruned?.(report.pruned, report.before)
            else options.onSkipped?.(report.skippedLines, report.segment, report.journal)
          },
        )
  const counter = start(
    {
      role: 'counter',
      path,
      counterMs: options.counterIntervalMs ?? 10,
      counterIdleMs: options.counterIdleMs ?? 1000,
    },
    (m) => {
      changeCounter = (m as CounterMoved).changeCounter
    },
  )

  return {
    changeCounter: () => changeCounter,

    flush() {
      if (closed) return Promise.reject(new Error('the audit indexer is closed'))
      if (indexer === undefined) return Promise.resolve()
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
      const exited = (w: Worker) =>
        new Promise<void>((done) => {
          if (w.threadId < 0) return done() // dead, not restarted
          w.once('exit', () => done())
        })
      const stop = async (slot: Slot) => {
        if (slot.next !== undefined) {
          // Retiring to be replaced: its successor starts only to copy the rest.
          await exited(slot.worker)
          slot.worker = moduleWorker(import.meta.url, WORKER, slot.next)
          slot.next = undefined
        }
        const w = slot.worker
        const done = exited(w)
        w.ref() // held until it has copied the rest and closed its connection
        if (w.threadId >= 0) w.postMessage('stop')
        await done
      }
      await Promise.all([indexer && stop(indexer), stop(counter)])
      for (const done of flushes.values()) done()
      flushes.clear()
    },
  }
}

/**
 * Copies into the database at `path` the journals no process of this server writes (a server
 * started with fewer worker processes than the one before it), with one indexer, then deletes
 * each one copied to its end. A journal whose writer lock a live process holds is left alone; so
 * is one not copied to its end (a busy database: the next start copies it), and readers of the
 * trail read it meanwhile. Returns the journals deleted.
 */
export async function drainJournals(
  path: string,
  journals: readonly JournalRef[],
  position: (journal: number) => Promise<JournalPosition>,
): Promise<number[]> {
  const claimed: { ref: JournalRef; release: () => void }[] = []
  for (const ref of journals) {
    try {
      claimed.push({ ref, release: lockJournal(ref.dir) })
    } catch {
      // Written by a live process.
    }
  }
  const drained: number[] = []
  try {
    if (claimed.length > 0)
      await startSqliteAuditIndexer(
        path,
        claimed.map((c) => c.ref),
      ).close()
    for (const { ref } of claimed)
      if (copiedToEnd(ref.dir, await position(ref.journal))) drained.push(ref.journal)
  } finally {
    for (const { release } of claimed) release()
  }
  for (const { ref } of claimed)
    if (drained.includes(ref.journal)) rmSync(ref.dir, { recursive: true, force: true })
  return drained
}

/**
 * Whether a journal whose writer is gone is copied up to `at`: nothing past it but, at the end
 * of its last segment, a line its writer cut short (a crash in the middle of a write: that
 * request was never answered, and the indexer skips it as it does in a complete segment).
 */
function copiedToEnd(dir: string, at: JournalPosition): boolean {
  const last = listSegments(dir).at(-1)
  if (last === undefined) return true
  if (at.segment !== last) return false
  const fd = openSync(segmentPath(dir, last), 'r')
  try {
    return readJournalChunk(fd, at.offset, 64 * 1024).consumed === 0
  } finally {
    closeSync(fd)
  }
}
