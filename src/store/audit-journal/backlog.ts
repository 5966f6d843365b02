/**
 * The backlog at which the indexer copies even while the server writes: 16 MiB is about 7,000
 * exchange records, a few seconds of a saturated server; readers of the trail scan at most this.
 */
export const DEFAULT_MAX_BACKLOG_BYTES = 16 * 1024 * 1024

/** What the indexer sees of the journal at one look. */
export interface JournalState {
  /** The newest segment's number and size: they change whenever the writer appends. */
  newest: number
  newestSize: number
  /** Bytes written and not indexed yet. */
  backlog: number
}

/**
 * Whether the indexer copies the journal now. It waits while the server is writing (the
 * journal changed since the last look): copying competes with the threads answering requests
 * for CPU and memory bandwidth even at the lowest priority, and the records are durable and
 * readable meanwhile. It copies once the server is quiet (nothing appended since the last look),
 * or at once when the backlog reaches `maxBacklogBytes`, which bounds what readers of the trail
 * scan and the disk the journal holds.
 */
export function indexDue(
  before: JournalState | undefined,
  now: JournalState,
  maxBacklogBytes: number,
): boolean {
  if (now.backlog <= 0) return false
  if (now.backlog >= maxBacklogBytes) return true
  return quietSince(before, now)
}

/** Nothing was appended between two looks (the newest segment and its size are the same). */
function quietSince(before: JournalState | undefined, now: JournalState): boolean {
  return (
    before !== undefined && before.newest === now.newest && before.newestSize === now.newestSize
  )
}

/**
 * Whether the journal is idle: everything in it is copied and nothing was appended since the
 * last look. The indexer then waits for a write instead of looking again and again.
 */
export function journalIdle(before: JournalState | undefined, now: JournalState): boolean {
  return now.backlog <= 0 && quietSince(before, now)
}

/**
 * The backlog at which the indexer copies at normal CPU priority (four times the default
 * bound, 64 MiB). At the lowest priority a thread gets almost no CPU while every core is busy (a
 * saturated host, or a container's CPU quota spent by the request thread), and the journal would
 * grow without bound; past this the copying competes on equal terms until the backlog is back
 * under `maxBacklogBytes`.
 */
export const DEFAULT_HARD_BACKLOG_BYTES = 4 * DEFAULT_MAX_BACKLOG_BYTES

export type IndexerPriority = 'low' | 'normal'

/**
 * The priority the indexer should copy at, with hysteresis: low until the backlog reaches
 * `hardBacklogBytes`, then normal until it is below `maxBacklogBytes` again.
 */
export function indexerPriority(
  current: IndexerPriority,
  backlog: number,
  maxBacklogBytes: number,
  hardBacklogBytes: number,
): IndexerPriority {
  if (current === 'low') return backlog >= hardBacklogBytes ? 'normal' : 'low'
  return backlog < maxBacklogBytes ? 'low' : 'normal'
}
