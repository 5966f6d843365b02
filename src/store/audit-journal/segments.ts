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

/**
 * A buffer kept from one {@link readJournalChunk} to the next. A new buffer of megabytes per
 * chunk costs the kernel a page fault for every 4 KiB of it and the collector a large external
 * allocation (measured: 3.3 against 1.2 µs per record to read and decode a 2 KB record). A
 * chunk's entries are views of this buffer: they are valid until the next read into it.
 */
export interface ReadBuffer {
  bytes?: Buffer
}

/**
 * Up to `max` bytes of the open file `fd` from `offset` (fewer at its end), read into `kept`'s
 * buffer when given (made or grown to `max` first), into a new one otherwise.
 */
function readAt(fd: number, offset: number, max: number, kept?: ReadBuffer): Buffer {
  let buf: Buffer
  if (kept === undefined) buf = Buffer.allocUnsafe(max)
  else {
    if (kept.bytes === undefined || kept.bytes.length < max) kept.bytes = Buffer.allocUnsafe(max)
    buf = kept.bytes
  }
  let n = 0
  while (n < max) {
    const got = readSync(fd, buf, n, max - n, offset + n)
    if (got === 0) break
    n += got
  }
  return n === buf.length ? buf : buf.subarray(0, n)
}

/**
 * The complete lines of the open segment `fd` from `offset`, reading `chunkBytes` of it, or
 * twice as much and more while one line is longer than that. Bytes after the last newline (an
 * unfinished line) are left for a later read. With `kept`, the first read of `chunkBytes` goes
 * into its buffer (see {@link ReadBuffer}: the entries are valid until the next read into it);
 * the rare longer reads get buffers of their own, so the kept one stays at `chunkBytes`.
 */
export function readJournalChunk(
  fd: number,
  offset: number,
  chunkBytes: number,
  kept?: ReadBuffer,
): JournalChunk {
  for (let size = chunkBytes; ; size *= 2) {
    const bytes = readAt(fd, offset, size, size === chunkBytes ? kept : undefined)
    const end = bytes.length < size
    const chunk = decodeJournalChunk(bytes)
    if (chunk.consumed > 0 || end) return { ...chunk, read: bytes.length, end }
  }
}
