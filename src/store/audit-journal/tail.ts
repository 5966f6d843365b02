import { closeSync, openSync } from 'node:fs'
import type { AuditQuery, AuditRecord, AuditRepo, JournalPosition } from '../ports.js'
import { entryRecord } from './format.js'
import { listSegments, type ReadBuffer, readJournalChunk, segmentPath } from './segments.js'

/** A segment was deleted while it was read: the indexer copied it meanwhile. */
class SegmentGone extends Error {}

/** Bytes of a segment read at a time by {@link scanJournalTail}. */
const CHUNK_BYTES = 1024 * 1024

/**
 * Calls `visit` with every record of the journal in `dir` from `from` on, oldest first (those
 * not indexed yet). Segments are read `chunkBytes` at a time, so memory stays bounded however
 * far the indexer is behind (a line longer than a chunk is read whole). A segment deleted before
 * it is opened throws {@link SegmentGone} (once open, a deleted file stays readable).
 */
export function scanJournalTail(
  dir: string,
  from: JournalPosition,
  visit: (r: AuditRecord) => void,
  chunkBytes = CHUNK_BYTES,
): void {
  // Every chunk is read into one buffer: its entries become records before the next read.
  const readBuffer: ReadBuffer = {}
  for (const n of listSegments(dir)) {
    if (n < from.segment) continue
    let fd: number
    try {
      fd = openSync(segmentPath(dir, n), 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SegmentGone()
      throw err
    }
    try {
      let position = n === from.segment ? from.offset : 0
      for (;;) {
        const chunk = readJournalChunk(fd, position, chunkBytes, readBuffer)
        for (const e of chunk.entries) visit(entryRecord(e))
        position += chunk.consumed
        if (chunk.end) break
      }
    } finally {
      closeSync(fd)
    }
  }
}

/** The records of the journal in `dir` from `from` on, oldest first (not indexed yet). */
export function readJournalTail(dir: string, from: JournalPosition): AuditRecord[] {
  const records: AuditRecord[] = []
  scanJournalTail(dir, from, (r) => records.push(r))
  return records
}

/** Newest first: later `eventTime` first, and within one second the later-written first. */
interface Ranked {
  record: AuditRecord
  order: number
}
const newestFirst = (a: Ranked, b: Ranked) =>
  a.record.eventTime < b.record.eventTime
    ? 1
    : a.record.eventTime > b.record.eventTime
      ? -1
      : b.order - a.order

/**
 * The `limit` newest records of the journals' tails that match `query`, newest first, keeping
 * at most twice `limit` of them in memory while scanning.
 */
function newestOfTails(
  tails: readonly { dir: string; from: JournalPosition }[],
  query: AuditQuery,
): AuditRecord[] {
  let kept: Ranked[] = []
  let order = 0
  const trim = () => {
    kept.sort(newestFirst)
    kept = kept.slice(0, query.limit)
  }
  for (const { dir, from } of tails) {
    scanJournalTail(dir, from, (record) => {
      if (!matches(record, query)) return
      kept.push({ record, order: order++ })
      if (kept.length >= 2 * Math.max(1, query.limit)) trim()
    })
  }
  trim()
  return kept.map((k) => k.record)
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

/** A journal to read: its number (the key of its indexed position) and directory. */
export interface JournalRef {
  journal: number
  dir: string
}

/**
 * The audit trail as a reader sees it: the indexed records of the store and the records of every
 * journal the indexer has not copied yet, newest first. The positions are read before the rows,
 * so a record indexed in between shows in both and is kept once; a segment deleted while being
 * read (it was indexed) makes the whole read start again.
 */
export async function queryAuditTrail(
  audit: AuditRepo,
  journals: readonly JournalRef[],
  query: AuditQuery,
): Promise<AuditRecord[]> {
  for (;;) {
    const tails = await Promise.all(
      journals.map(async (j) => ({ dir: j.dir, from: await audit.journalPosition(j.journal) })),
    )
    const indexed = await audit.query(query)
    let tail: AuditRecord[]
    try {
      tail = newestOfTails(tails, query)
    } catch (err) {
      if (err instanceof SegmentGone) continue
      throw err
    }
    const seen = new Set<string>()
    const merged: AuditRecord[] = []
    for (const r of [...tail, ...indexed]) {
      if (seen.has(r.eventId)) continue
      seen.add(r.eventId)
      merged.push(r)
    }
    // Stable: records of the same second keep the order above (journal first, newest first).
    merged.sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0))
    return merged.slice(0, query.limit)
  }
}
