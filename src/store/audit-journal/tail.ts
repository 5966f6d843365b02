import { readFileSync } from 'node:fs'
import type { AuditQuery, AuditRecord, AuditRepo, JournalPosition } from '../ports.js'
import { decodeJournalChunk } from './format.js'
import { listSegments, segmentPath } from './segments.js'

/** A segment was deleted while it was read: the indexer copied it meanwhile. */
class SegmentGone extends Error {}

/** The records of the journal in `dir` from `from` on, oldest first (not indexed yet). */
export function readJournalTail(dir: string, from: JournalPosition): AuditRecord[] {
  const records: AuditRecord[] = []
  for (const n of listSegments(dir)) {
    if (n < from.segment) continue
    let bytes: Buffer
    try {
      bytes = readFileSync(segmentPath(dir, n))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SegmentGone()
      throw err
    }
    const start = n === from.segment ? Math.min(from.offset, bytes.length) : 0
    for (const r of decodeJournalChunk(bytes.subarray(start)).records) records.push(r)
  }
  return records
}

function matches(r: AuditRecord, q: AuditQuery): boolean {
  return (
    (q.since === undefined || r.eventTime >= q.since) &&
    (q.until === undefined || r.eventTime < q.until) &&
    (q.eventName === undefined || r.eventName === q.eventName) &&
    (q.principal === undefined || r.principal === q.principal) &&
    (q.requestId === undefined || r.requestId === q.requestId) &&
    (q.accessKeyId === undefined || r.accessKeyId === q.accessKeyId) &&
    (q.jti === undefined || r.jti === q.jti)
  )
}

/**
 * The audit trail as a reader sees it: the indexed records of the store and the journal's records
 * the indexer has not copied yet, newest first. The position is read before the rows, so a record
 * indexed in between shows in both and is kept once; a segment deleted while being read (it was
 * indexed) makes the whole read start again.
 */
export async function queryAuditTrail(
  audit: AuditRepo,
  journalDir: string,
  query: AuditQuery,
): Promise<AuditRecord[]> {
  for (;;) {
    const from = await audit.journalPosition()
    const indexed = await audit.query(query)
    let tail: AuditRecord[]
    try {
      tail = readJournalTail(journalDir, from)
    } catch (err) {
      if (err instanceof SegmentGone) continue
      throw err
    }
    const seen = new Set<string>()
    const merged: AuditRecord[] = []
    for (const r of [...tail.filter((r) => matches(r, query)).reverse(), ...indexed]) {
      if (seen.has(r.eventId)) continue
      seen.add(r.eventId)
      merged.push(r)
    }
    // Stable: records of the same second keep the order above (journal first, newest first).
    merged.sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0))
    return merged.slice(0, query.limit)
  }
}
