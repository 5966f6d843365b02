import { closeSync, openSync, statSync, unlinkSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { lowerThisThreadsPriority } from '../../threads.js'
import {
  DEFAULT_HARD_BACKLOG_BYTES,
  DEFAULT_MAX_BACKLOG_BYTES,
  type IndexerPriority,
  indexDue,
  indexerPriority,
  type JournalState,
  journalIdle,
} from '../audit-journal/backlog.js'
import type { JournalEntry } from '../audit-journal/format.js'
import {
  type JournalChunk,
  listSegments,
  type ReadBuffer,
  readJournalChunk,
  segmentPath,
} from '../audit-journal/segments.js'
import type { JournalRef } from '../audit-journal/tail.js'
import type { JournalPosition } from '../ports.js'
import { nextReadDelay, type WriteWatch, watchWrites } from '../write-watch.js'
import {
  createAuditPruner,
  DEFAULT_PRUNE_BATCH_ROWS,
  DEFAULT_PRUNE_INTERVAL_MS,
  retentionCutoff,
} from './audit-retention.js'
import { AUDIT_INSERT_SQL } from './audit-sql.js'
import { CHANGE_COUNTER_SQL, JOURNAL_POSITION_SQL, SET_JOURNAL_POSITION_SQL } from './migrations.js'

/**
 * Worker thread of the SQLite audit indexer (see audit-indexer.ts), in one of two roles, each
 * with its own connection to the database file:
 *
 * - `indexer`: copies the audit journal (store/audit-journal) into `audit_events` in large
 *   transactions, each committing its rows with the journal position they reach, deletes the
 *   segments it has copied, and checkpoints the WAL after it wrote (PASSIVE: it never waits for,
 *   nor blocks, other connections). The records are already durable in the journal, so it copies
 *   when the server is quiet or the backlog is large (`indexDue`), at the lowest CPU priority
 *   (Linux): indexing yields to the threads answering requests. Past `hardBacklogBytes` it asks
 *   to be replaced by a thread at normal priority (a thread cannot raise its own), which asks
 *   for a low one again once the backlog is under `maxBacklogBytes` (`indexerPriority`).
 * - `counter`: reads the change counter (migration 4) after writes to the database (see
 *   `runCounter`) and reports when it moved, so the request thread never reads SQLite to learn
 *   of other processes' writes.
 *
 * Both connections run with `wal_autocheckpoint = 0`: only the indexer checkpoints.
 */
export interface AuditWorkerData {
  role: 'indexer' | 'counter'
  path: string
  /**
   * Indexer: the journals it copies, each with its number (the key of its position) and
   * directory: one for a server of one process, one per worker process otherwise.
   */
  journals?: readonly JournalRef[]
  /** Indexer: how often to look at the journal. */
  intervalMs?: number
  /** Indexer: how often to look at the journal while it is idle (and whenever it is written). */
  idleMs?: number
  /** Indexer: copy even while the server writes once this many bytes wait (see `indexDue`). */
  maxBacklogBytes?: number
  /** Indexer: ask for normal priority once this many bytes wait (see `indexerPriority`). */
  hardBacklogBytes?: number
  /** Indexer: the priority this thread copies at (default `low`). */
  priority?: IndexerPriority
  /** Indexer: delete records older than this many days (0 or absent: keep them all). */
  retentionDays?: number
  /** Indexer: how often to look for records past their retention (after a full batch: at once). */
  pruneIntervalMs?: number
  /** Indexer: records deleted per transaction. */
  pruneBatchRows?: number
  /**
   * Counter: how long after a write that follows a quiet spell it reads the change counter
   * (and how often, where the data dir cannot be watched).
   */
  counterMs?: number
  /** Counter: how often to read the change counter while no write is seen. */
  counterIdleMs?: number
}

/** Counter → main: the change counter moved (see `Store.changeCounter`). */
export interface CounterMoved {
  changeCounter: number
}

/**
 * Main → indexer: copy everything written so far, then answer with the same id; or `retire`:
 * exit without copying (a replacement at another priority takes over).
 */
export type IndexRequest = { flush: number } | 'retire'

/**
 * Indexer → main: a flush is done; lines were found that are not records; or the backlog asks
 * for a thread at another priority.
 */
export type IndexerReport =
  | { flushed: number }
  | { skippedLines: number; segment: number; journal: number }
  | { priority: IndexerPriority; backlog: number }
  | { pruned: number; before: string }

const data = workerData as AuditWorkerData
if (parentPort === null) throw new Error('audit-worker.ts runs as a worker thread only')
const port = parentPort

const db = new Database(data.path)
db.pragma('synchronous = NORMAL')
db.pragma('busy_timeout = 5000')
db.pragma('wal_autocheckpoint = 0')
// After a checkpoint the WAL restarts from its beginning; keep the file from staying huge.
db.pragma('journal_size_limit = 67108864')
// 32 MiB of page cache instead of SQLite's 2: the indexes on a token's jti and on an exchange's
// new access key id take keys in random order, so each row lands on a page of its own; with the
// default cache most of those are read back from the file first (measured: 7-12 % less CPU per
// exchange record copied, at 200,000 rows).
db.pragma('cache_size = -32768')

/** Bytes of journal read per transaction. */
const CHUNK_BYTES = 4 * 1024 * 1024

/** Moves what this thread wrote from the WAL into the database, without waiting for anyone. */
function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy: the next round checkpoints.
  }
}

function runIndexer(
  journals: readonly JournalRef[],
  intervalMs: number,
  idleMs: number,
  maxBacklogBytes: number,
  hardBacklogBytes: number,
  priority: IndexerPriority,
  retention: { days: number; intervalMs: number; batchRows: number },
) {
  if (priority === 'low') lowerThisThreadsPriority()
  let asked = false
  const insert = db.prepare(AUDIT_INSERT_SQL)
  const getPosition = db.prepare(JOURNAL_POSITION_SQL)
  const setPosition = db.prepare(SET_JOURNAL_POSITION_SQL)
  const position = (journal: number) =>
    (getPosition.get(journal) as JournalPosition | undefined) ?? { segment: 0, offset: 0 }
  const commit = db.transaction((journal: number, entries: JournalEntry[], to: JournalPosition) => {
    for (const e of entries) insert.run(e.columns, e.record)
    setPosition.run(journal, to.segment, to.offset)
  })
  // Each chunk is read into the same buffer: its entries are committed before the next read.
  const readBuffer: ReadBuffer = {}
  const remove = (dir: string, n: number) => {
    try {
      unlinkSync(segmentPath(dir, n))
    } catch {
      // Already gone.
    }
  }

  /** Copies one chunk of a journal; true when there may be more to copy right away. */
  const step = ({ journal, dir }: JournalRef): boolean => {
    const at = position(journal)
    const all = listSegments(dir)
    for (const n of all) if (n < at.segment) remove(dir, n) // copied before a crash
    const current = all.find((n) => n >= at.segment)
    if (current === undefined) return false
    const offset = current === at.segment ? at.offset : 0
    // A segment followed by a newer one is complete: its writer has moved on for good.
    const newer = all.find((n) => n > current)
    const fd = openSync(segmentPath(dir, current), 'r')
    let chunk: JournalChunk
    try {
      chunk = readJournalChunk(fd, offset, CHUNK_BYTES, readBuffer)
    } finally {
      closeSync(fd)
    }
    let to: JournalPosition = { segment: current, offset: offset + chunk.consumed }
    // Past a complete segment's last newline there can only be a line cut short by a failed
    // write: its request was refused, so it is not a record.
    let skipped = chunk.skipped
    if (chunk.end && newer !== undefined) {
      if (chunk.read > chunk.consumed) skipped++
      to = { segment: newer, offset: 0 }
    }
    if (to.segment === at.segment && to.offset === at.offset) return false
    commit(journal, chunk.entries, to)
    if (skipped > 0)
      port.postMessage({ skippedLines: skipped, segment: current, journal } satisfies IndexerReport)
    if (to.segment !== current) remove(dir, current)
    return true
  }

  /**
   * Copies what there is (at most `maxSteps` chunks of each journal, so busy writers cannot keep
   * this thread from its messages), then checkpoints if anything was written.
   */
  const catchUp = (maxSteps: number) => {
    let wrote = false
    try {
      for (const j of journals) for (let i = 0; i < maxSteps && step(j); i++) wrote = true
    } finally {
      if (wrote) checkpoint()
    }
  }
  /**
   * Deletes one batch of the records past their retention, when a look is due: every
   * `retention.intervalMs`, and at the next tick while whole batches are deleted. The total of
   * a round is reported once it ends.
   */
  const prune = createAuditPruner(db, retention.batchRows)
  let nextPrune = 0
  let pruned = 0
  /** Deletes a batch when due; true when more may be left (the next look deletes again). */
  const pruneDue = (): boolean => {
    const now = Date.now()
    if (now < nextPrune) return false
    const cutoff = retentionCutoff(now, retention.days)
    if (cutoff === undefined) return false
    let deleted: number
    try {
      deleted = prune(cutoff)
    } catch {
      return true // busy: at the next look
    }
    pruned += deleted
    if (deleted > 0) checkpoint()
    if (deleted === retention.batchRows) return true // more may be left: at the next look
    nextPrune = now + retention.intervalMs
    if (pruned > 0) port.postMessage({ pruned, before: cutoff } satisfies IndexerReport)
    pruned = 0
    return false
  }

  const tick = (maxSteps = 64) => {
    try {
      catchUp(maxSteps)
    } catch {
      // Busy or a transient I/O error: the next round starts again from the committed position.
    }
  }

  /**
   * The journals' newest segments and sizes, and the bytes not copied yet. With several
   * journals, `newest` and `newestSize` are sums: segment numbers only grow, and a segment only
   * grows until a newer one starts, so the sums stay the same exactly when nothing was appended.
   */
  const look = (): JournalState => {
    const state: JournalState = { newest: 0, newestSize: 0, backlog: 0 }
    for (const { journal, dir } of journals) {
      const at = position(journal)
      let newest = 0
      let newestSize = 0
      for (const n of listSegments(dir)) {
        if (n < at.segment) continue
        let size = 0
        try {
          size = statSync(segmentPath(dir, n)).size
        } catch {
          continue // deleted meanwhile
        }
        state.backlog += n === at.segment ? Math.max(0, size - at.offset) : size
        newest = n
        newestSize = size
      }
      state.newest += newest
      state.newestSize += newestSize
    }
    return state
  }
  let last: JournalState | undefined
  let timer: NodeJS.Timeout | undefined
  /** While idle: the watches on the journals' directories (any write wakes the indexer). */
  let watches: WriteWatch[] | undefined
  const unwatch = () => {
    for (const w of watches ?? []) w.close()
    watches = undefined
  }
  const wake = () => {
    if (watches === undefined) return
    unwatch()
    clearTimeout(timer)
    lookNow()
  }
  /**
   * Idle (nothing waits, nothing appended): waits for a write to a journal instead of looking
   * every `intervalMs`, and looks every `idleMs` regardless (a missed event), or when a
   * retention round is due if that is sooner.
   * A write between the last look and the watch is copied at that look, at the latest.
   */
  const sleep = () => {
    const opened: WriteWatch[] = []
    for (const { dir } of journals) {
      const w = watchWrites(dir, wake, wake)
      if (w === undefined) {
        for (const o of opened) o.close()
        timer = setTimeout(lookNow, intervalMs) // not there yet (a worker starting): poll
        return
      }
      opened.push(w)
    }
    watches = opened
    const pruneIn = retention.days > 0 ? nextPrune - Date.now() : idleMs
    timer = setTimeout(wake, Math.max(intervalMs, Math.min(idleMs, pruneIn)))
  }
  const lookNow = () => {
    timer = undefined
    let idle = false
    try {
      const now = look()
      const wanted = indexerPriority(priority, now.backlog, maxBacklogBytes, hardBacklogBytes)
      if (wanted !== priority && !asked) {
        asked = true
        port.postMessage({ priority: wanted, backlog: now.backlog } satisfies IndexerReport)
      }
      if (indexDue(last, now, maxBacklogBytes)) tick()
      idle = journalIdle(last, now)
      last = now
      if (pruneDue()) idle = false
    } catch {
      last = undefined // the next look decides afresh
    }
    if (idle) sleep()
    else timer = setTimeout(lookNow, intervalMs)
  }
  tick() // what a previous server left
  timer = setTimeout(lookNow, intervalMs)
  port.on('message', (msg: IndexRequest | 'stop') => {
    if (msg === 'stop' || msg === 'retire') {
      clearTimeout(timer)
      unwatch()
      if (msg === 'stop') tick(Number.POSITIVE_INFINITY) // the writer is closed: copy all of it
      db.close()
      port.close()
      return
    }
    tick(Number.POSITIVE_INFINITY)
    port.postMessage({ flushed: msg.flush } satisfies IndexerReport)
  })
}

/**
 * While writes keep coming (the audit indexer's large commits), the counter is read at most this
 * often, and once more this long after the last write.
 */
const COUNTER_BUSY_MS = 100
/**
 * Reads the change counter after each write to the database file or its WAL (inotify on its
 * directory: `counterMs` after the first write, at most every `COUNTER_BUSY_MS` while writes
 * keep coming, and once more `COUNTER_BUSY_MS` after the last), and every `idleMs` regardless
 * (a missed event); every `counterMs` when the directory cannot be watched. An idle server then
 * reads it once a second instead of a hundred times.
 */
function runCounter(path: string, counterMs: number, idleMs: number) {
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
      // Busy: the next read sees it.
    }
  }
  report()
  const dir = dirname(path)
  const file = basename(path)
  let lastWrite = Number.NEGATIVE_INFINITY
  let followUp: NodeJS.Timeout | undefined
  let dueAt = Number.POSITIVE_INFINITY
  /** Reads in `ms`, unless a read is due sooner. */
  const readIn = (ms: number) => {
    const at = performance.now() + ms
    if (followUp !== undefined && dueAt <= at) return
    clearTimeout(followUp)
    dueAt = at
    followUp = setTimeout(afterWrites, ms)
  }
  let poll: NodeJS.Timeout | undefined
  let watcher: WriteWatch | undefined
  // One event is enough until the next read: the watch is closed until then (a commit writes
  // many WAL frames, each an event, and the indexer's large ones would wake this thread for each).
  let lastRead = Number.NEGATIVE_INFINITY
  const onWrite = () => {
    watcher?.close()
    watcher = undefined
    lastWrite = performance.now()
    // `counterMs` after a write that follows a quiet spell; during a run of writes, not sooner
    // than `COUNTER_BUSY_MS` after the last read.
    readIn(Math.max(counterMs, lastRead + COUNTER_BUSY_MS - lastWrite))
  }
  const polling = () => {
    clearInterval(poll)
    poll = setInterval(report, counterMs)
  }
  /** Watches again (before reading: a write after the read is then told of). */
  const arm = (): boolean => {
    watcher = watchWrites(dir, onWrite, polling, (name) => name === file || name === `${file}-wal`)
    return watcher !== undefined
  }
  function afterWrites() {
    followUp = undefined
    if (watcher === undefined && !arm()) polling()
    report()
    lastRead = performance.now()
    const delay = nextReadDelay(lastRead - lastWrite, COUNTER_BUSY_MS)
    if (delay !== undefined) readIn(delay)
  }
  if (arm()) poll = setInterval(report, idleMs)
  else polling()
  port.on('message', (msg: 'stop') => {
    if (msg !== 'stop') return
    clearInterval(poll)
    clearTimeout(followUp)
    watcher?.close()
    db.close()
    port.close()
  })
}

if (data.role === 'indexer') {
  if (data.journals === undefined) throw new Error('the indexer needs its journals')
  runIndexer(
    data.journals,
    data.intervalMs ?? 100,
    data.idleMs ?? 1000,
    data.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES,
    data.hardBacklogBytes ?? DEFAULT_HARD_BACKLOG_BYTES,
    data.priority ?? 'low',
    {
      days: data.retentionDays ?? 0,
      intervalMs: data.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS,
      batchRows: data.pruneBatchRows ?? DEFAULT_PRUNE_BATCH_ROWS,
    },
  )
} else {
  runCounter(data.path, data.counterMs ?? 10, data.counterIdleMs ?? 1000)
}
