import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditRecord } from '../ports.js'
import { encodeJournalLine, entryRecord } from './format.js'
import { type JournalChunk, type ReadBuffer, readJournalChunk } from './segments.js'

const record = (i: number, size = 40): AuditRecord => ({
  eventId: `e${i}`,
  eventTime: '2026-01-01T00:00:00Z',
  eventSource: 'eks.amazonaws.com',
  eventName: 'DescribeCluster',
  requestId: `r${i}`,
  record: JSON.stringify({ eventID: `e${i}`, pad: 'ü'.repeat(size) }),
})

let dir: string
let fd: number | undefined
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanyard-segments-'))
})
afterEach(() => {
  if (fd !== undefined) closeSync(fd)
  fd = undefined
  rmSync(dir, { recursive: true, force: true })
})

/** A segment of `records` (and `tail`, an unfinished line), opened for reading. */
function segment(records: readonly AuditRecord[], tail = ''): number {
  const path = join(dir, 'segment')
  writeFileSync(path, records.map(encodeJournalLine).join('') + tail)
  fd = openSync(path, 'r')
  return fd
}

/** Every chunk of the segment from its start, each with its records decoded as it was read. */
function readAll(fd: number, chunkBytes: number, kept?: ReadBuffer) {
  const chunks: { chunk: JournalChunk; records: AuditRecord[] }[] = []
  for (let offset = 0; ; ) {
    const chunk = readJournalChunk(fd, offset, chunkBytes, kept)
    chunks.push({ chunk, records: chunk.entries.map(entryRecord) })
    offset += chunk.consumed
    if (chunk.end) return chunks
  }
}

describe('readJournalChunk', () => {
  const records = Array.from({ length: 40 }, (_, i) => record(i))
  const lineBytes = Buffer.byteLength(encodeJournalLine(records[0] as AuditRecord))

  it.each([
    ['one line per chunk', lineBytes],
    ['a line and a part', lineBytes + 7],
    ['several lines', lineBytes * 5 + 3],
    ['the whole segment', 1 << 20],
  ])('reads the same records into a kept buffer as into new ones (%s)', (_, chunkBytes) => {
    const f = segment(records, '["unfinished')
    const fresh = readAll(f, chunkBytes)
    const kept: ReadBuffer = {}
    const reused = readAll(f, chunkBytes, kept)
    expect(reused.flatMap((c) => c.records)).toEqual(records)
    expect(reused.map((c) => ({ ...c.chunk, entries: c.chunk.entries.length }))).toEqual(
      fresh.map((c) => ({ ...c.chunk, entries: c.chunk.entries.length })),
    )
    // The unfinished line is left for a later read.
    const last = reused.at(-1)?.chunk as JournalChunk
    expect(last.end).toBe(true)
    expect(last.read - last.consumed).toBe('["unfinished'.length)
  })

  it('reads every chunk into the same memory, which stays the chunk size', () => {
    const f = segment(records)
    const kept: ReadBuffer = {}
    const chunkBytes = lineBytes * 3
    const first = readJournalChunk(f, 0, chunkBytes, kept)
    const memory = kept.bytes?.buffer
    expect(kept.bytes?.length).toBe(chunkBytes)
    expect(first.entries[0]?.record.buffer).toBe(memory)
    const second = readJournalChunk(f, first.consumed, chunkBytes, kept)
    expect(second.entries[0]?.record.buffer).toBe(memory)
    expect(entryRecord(second.entries[0] as never)).toEqual(records[3])
    // The views of the first chunk now show the second's bytes: entries last until the next read.
    expect(first.entries[0]?.record.equals(second.entries[0]?.record as Buffer)).toBe(true)
  })

  it('reads a line longer than the chunk whole, in a buffer of its own', () => {
    const long = record(99, 5000)
    const f = segment([records[0] as AuditRecord, long, records[1] as AuditRecord])
    const kept: ReadBuffer = {}
    const chunkBytes = lineBytes + 10
    const read = readAll(f, chunkBytes, kept)
    expect(read.flatMap((c) => c.records)).toEqual([records[0], long, records[1]])
    // The long line needed a larger read; the kept buffer is still the chunk size.
    expect(read.some((c) => c.chunk.read > chunkBytes)).toBe(true)
    expect(kept.bytes?.length).toBe(chunkBytes)
  })

  it('grows a kept buffer smaller than the chunk', () => {
    const f = segment(records)
    const kept: ReadBuffer = { bytes: Buffer.alloc(10) }
    const chunk = readJournalChunk(f, 0, lineBytes * 2, kept)
    expect(kept.bytes?.length).toBe(lineBytes * 2)
    expect(chunk.entries.map(entryRecord)).toEqual(records.slice(0, 2))
  })
})
