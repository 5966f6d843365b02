import { readdirSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { decodeJournalChunk, type JournalEntry, segmentName, segmentNumbers } from './format.js'

/** The numbers of the journal's segments in `dir`, ascending (none when it does not exist yet). */
export function listSegments(dir: string): number[] {
  try {
    return segmentNumbers(readdirSync(dir))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

/** The path of segment `n` of the journal in `dir`. */
export function segmentPath(dir: string, n: number): string {
  return join(dir, segmentName(n))
}

/** What {@link readJournalChunk} read. */
export interface JournalChunk {
  entries: JournalEntry[]
  /** Bytes the complete lines span from the offset: the next read starts after them. */
  consumed: number
  /** Complete lines that are not records (skipped). */
  skipped: number
  /** Bytes read from the offset (past `consumed`: an unfinished line). */
  read: number
  /** Whether the read reached the segment's end. */
  end: boolean
}

/** Up to `max` bytes of the open file `fd` from `offset` (fewer at its end). */
function readAt(fd: number, offset: number, max: number): Buffer {
  const buf = Buffer.allocUnsafe(max)
  let n = 0
  while (n < max) {
    const got = readSync(fd, buf, n, max - n, offset + n)
    if (got === 0) break
    n += got
  }
  return n === max ? buf : buf.subarray(0, n)
}

/**
 * The complete lines of the open segment `fd` from `offset`, reading `chunkBytes` of it, or
 * twice as much and more while one line is longer than that. Bytes after the last newline (an
 * unfinished line) are left for a later read.
 */
export function readJournalChunk(fd: number, offset: number, chunkBytes: number): JournalChunk {
  for (let size = chunkBytes; ; size *= 2) {
    const bytes = readAt(fd, offset, size)
    const end = bytes.length < size
    const chunk = decodeJournalChunk(bytes)
    if (chunk.consumed > 0 || end) return { ...chunk, read: bytes.length, end }
  }
}
