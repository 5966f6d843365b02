import type { Database } from 'better-sqlite3'
import { isoSeconds } from '../../iso-time.js'

const DAY_MS = 86_400_000

/** How often the indexer looks for records past their retention. */
export const DEFAULT_PRUNE_INTERVAL_MS = 60_000
/** Records deleted per transaction: a short write, so the server's own writes wait little. */
export const DEFAULT_PRUNE_BATCH_ROWS = 5000

/**
 * The event time before which audit records have outlived `days` of retention at `nowMs`, as
 * event times are written (ISO 8601 UTC seconds, which sort as text); undefined for `days` 0
 * (kept forever).
 */
export function retentionCutoff(nowMs: number, days: number): string | undefined {
  return days > 0 ? isoSeconds(nowMs - days * DAY_MS) : undefined
}

/**
 * Deletes the oldest audit records before a cutoff, at most `batchRows` per call (one short
 * transaction, so the server's own writes wait little), through the index on event time.
 * Returns how many it deleted: `batchRows` means more may be left.
 */
export function createAuditPruner(db: Database, batchRows: number): (cutoff: string) => number {
  const remove = db.prepare(
    `DELETE FROM audit_events WHERE seq IN
      (SELECT seq FROM audit_events WHERE event_time < ? ORDER BY event_time LIMIT ?)`,
  )
  return (cutoff) => remove.run(cutoff, batchRows).changes
}
