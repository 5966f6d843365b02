import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import type { AuditRecord } from '../ports.js'
import { encodeJournalLine } from './format.js'
import { lockJournal } from './lock.js'
import { listSegments, segmentPath } from './segments.js'

export interface AuditJournal {
  /**
   * Appends `records` with one write(2): when it returns they are in the kernel's page cache and
   * survive a crash of the process (`kill -9`), as a SQLite commit with `synchronous = NORMAL`
   * does. Throws when they could not be written (the caller must fail closed).
   */
  append(records: readonly AuditRecord[]): void
  /** Closes the current segment and releases the lock. */
  close(): void
}

/** The append buffer's size at the start, and the most it keeps between appends. */
const BUFFER_BYTES = 64 * 1024
const KEPT_BUFFER_BYTES = 1024 * 1024

export interface AuditJournalOptions {
  /** A segment is closed and a new one started once it holds this many bytes (default 64 MiB). */
  segmentBytes?: number
}

/**
 * The audit journal in `dir`: the durable, append-only record of every audit event the server
 * writes outside a store transaction, read back by the indexer thread (which copies it into the
 * store's audit table and then deletes the segments it has copied) and by readers of the trail
 * (which also read what is not indexed yet). One writer per directory (a lock file); each writer
 * starts a new segment, so no segment is ever appended to by two processes, and a segment
 * followed by a newer one is complete.
 */
export function openAuditJournal(dir: string, options: AuditJournalOptions = {}): AuditJournal {
  const segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const release = lockJournal(dir)
  let segment = (listSegments(dir).at(-1) ?? 0) + 1
  let fd: number | undefined
  let size = 0
  let closed = false
  // The lines are encoded into one buffer kept from append to append: a new one per batch (as
  // `Buffer.from` of the joined lines makes) costs an allocation, and the joined text a copy.
  let buffer = Buffer.allocUnsafe(BUFFER_BYTES)

  const openSegment = () => {
    // Exclusive: never continue a segment another writer left behind.
    fd = openSync(segmentPath(dir, segment), 'ax', 0o600)
    size = 0
  }
  const closeSegment = () => {
    if (fd !== undefined) closeSync(fd)
    fd = undefined
  }
  try {
    openSegment()
  } catch (err) {
    release()
    throw err
  }

  return {
    append(records) {
      if (closed) throw new Error('the audit journal is closed')
      if (records.length === 0) return
      // After a failed write the segment may end inside a line: the next records go to a new one.
      if (fd === undefined) {
        segment++
        openSegment()
      }
      let length = 0
      for (const r of records) {
        const line = encodeJournalLine(r)
        // A UTF-16 code unit is at most 3 bytes of UTF-8: room for that, the line fits whole.
        const most = length + 3 * line.length
        if (most > buffer.length) {
          const bigger = Buffer.allocUnsafe(Math.max(most, 2 * buffer.length))
          buffer.copy(bigger, 0, 0, length)
          buffer = bigger
        }
        length += buffer.write(line, length, 'utf8')
      }
      try {
        let written = 0
        while (written < length)
          written += writeSync(fd as number, buffer, written, length - written)
      } catch (err) {
        closeSegment()
        throw err
      } finally {
        if (buffer.length > KEPT_BUFFER_BYTES) buffer = Buffer.allocUnsafe(BUFFER_BYTES)
      }
      size += length
      if (size >= segmentBytes) closeSegment()
    },

    close() {
      if (closed) return
      closed = true
      closeSegment()
      release()
    },
  }
}
