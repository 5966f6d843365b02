import { spawnSync } from 'node:child_process'
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditRecord } from '../ports.js'
import {
  decodeJournalChunk,
  encodeJournalLine,
  entryRecord,
  JOURNAL_COLUMNS,
  journalColumns,
  segmentName,
  segmentNumbers,
} from './format.js'
import { openAuditJournal } from './journal.js'
import { listSegments } from './segments.js'
import { readJournalTail, scanJournalTail } from './tail.js'

const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  eventId: `e${i}`,
  eventTime: '2026-01-01T00:00:00Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoleWithWebIdentity',
  requestId: `r${i}`,
  record: JSON.stringify({ eventID: `e${i}`, note: 'tab\there, newline\nthere, ünïcödé ✓' }),
  ...extra,
})

/** The record of one line (given without its newline), or undefined when it is not one. */
const decodeLine = (line: string) =>
  decodeJournalChunk(Buffer.from(`${line}\n`)).entries.map(entryRecord)[0]

describe('audit journal line format', () => {
  it('writes the header columns in JOURNAL_COLUMNS order', () => {
    const named = Object.fromEntries(JOURNAL_COLUMNS.map((k) => [k, k])) as unknown as AuditRecord
    expect(journalColumns({ ...named, record: '{}' })).toEqual([...JOURNAL_COLUMNS])
  })

  it('round-trips every column, absent ones staying absent', () => {
    const full = record(1, {
      principal: 'arn:aws:iam::123456789012:role/r',
      errorCode: 'AccessDenied',
      accessKeyId: 'ASIA1',
      jti: 'j1',
      cluster: 'c',
      namespace: 'n',
      serviceAccount: 's',
      podName: 'p',
      podUid: 'u',
    })
    const line = encodeJournalLine(full)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.slice(0, -1)).not.toContain('\n')
    expect(decodeLine(line.slice(0, -1))).toEqual(full)
    const bare = record(2)
    expect(decodeLine(encodeJournalLine(bare).slice(0, -1))).toEqual(bare)
  })

  it('decodes the complete lines of a chunk and leaves an unfinished one', () => {
    const a = encodeJournalLine(record(1))
    const b = encodeJournalLine(record(2))
    const bytes = Buffer.from(a + b.slice(0, 20))
    const chunk = decodeJournalChunk(bytes)
    expect(chunk.entries.map((e) => entryRecord(e).eventId)).toEqual(['e1'])
    expect(chunk.consumed).toBe(Buffer.byteLength(a))
    expect(decodeJournalChunk(Buffer.from(b.slice(0, 20)))).toEqual({
      entries: [],
      consumed: 0,
      skipped: 0,
    })
  })

  it.each([
    ['no tab', 'garbage'],
    ['header not JSON', '[oops\t{}'],
    ['header of the wrong length', '["a","b"]\t{}'],
    [
      'a required column null',
      '[null,"t","s","n","r",null,null,null,null,null,null,null,null,null]\t{}',
    ],
  ])('skips a line that is not a record (%s)', (_, line) => {
    const bytes = Buffer.from(`${line}\n${encodeJournalLine(record(3))}`)
    const chunk = decodeJournalChunk(bytes)
    expect(chunk.entries.map((e) => entryRecord(e).eventId)).toEqual(['e3'])
    expect(chunk.skipped).toBe(1)
  })

  it("keeps a record's bytes as written, decoding only the header", () => {
    const r = record(4)
    const bytes = Buffer.from(encodeJournalLine(r) + encodeJournalLine(record(5)))
    const [first] = decodeJournalChunk(bytes).entries
    expect(first?.record.equals(Buffer.from(r.record, 'utf8'))).toBe(true)
    expect(first?.record.buffer).toBe(bytes.buffer) // a view, not a copy
    expect(first?.columns).toEqual([
      'e4',
      r.eventTime,
      r.eventSource,
      r.eventName,
      'r4',
      ...Array(9).fill(null),
    ])
  })

  it('skips many lines without a tab, then finds the records after them', () => {
    const bytes = Buffer.from(`${'x\n'.repeat(100_000)}${encodeJournalLine(record(6))}`)
    const chunk = decodeJournalChunk(bytes)
    expect(chunk.skipped).toBe(100_000)
    expect(chunk.entries.map((e) => entryRecord(e).eventId)).toEqual(['e6'])
    expect(chunk.consumed).toBe(bytes.length)
  })

  it('names segments so that they sort as numbers', () => {
    expect(segmentName(7)).toBe('000000000007.journal')
    expect(
      segmentNumbers([segmentName(10), 'writer.lock', segmentName(9), '1.journal', segmentName(1)]),
    ).toEqual([1, 9, 10])
    expect(listSegments(join(tmpdir(), 'lanyard-no-such-journal'))).toEqual([])
  })
})

describe('audit journal', () => {
  let dir: string
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'lanyard-journal-')), 'audit-journal')
  })
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }))

  it('appends batches that a reader gets back in order, owner-only files', () => {
    const journal = openAuditJournal(dir)
    journal.append([record(1), record(2)])
    journal.append([record(3)])
    expect(readJournalTail(dir, { segment: 0, offset: 0 }).map((r) => r.eventId)).toEqual([
      'e1',
      'e2',
      'e3',
    ])
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, segmentName(1))).mode & 0o777).toBe(0o600)
    journal.close()
  })

  it('writes the bytes of each line exactly, batches larger than its buffer included', () => {
    const journal = openAuditJournal(dir)
    // Multi-byte characters of every UTF-8 length (2, 3 and 4 bytes, a surrogate pair in JS),
    // most of them three bytes for one UTF-16 code unit; 1,000 records of about 2 KB are 30
    // times the buffer it starts with (64 KiB); a small batch after a large one (the buffer
    // kept or made small again).
    const big = (i: number) =>
      record(i, { record: JSON.stringify({ eventID: `e${i}`, text: `é😀 ${'€'.repeat(600)}` }) })
    const batches = [
      [record(0)],
      Array.from({ length: 1000 }, (_, i) => big(i + 1)),
      Array.from({ length: 3000 }, (_, i) => big(i + 1001)),
      [record(4001)],
    ]
    for (const batch of batches) journal.append(batch)
    const expected = Buffer.from(batches.flat().map(encodeJournalLine).join(''), 'utf8')
    const written = readFileSync(join(dir, segmentName(1)))
    expect(written.length).toBe(expected.length)
    expect(written.equals(expected)).toBe(true)
    journal.close()
  })

  it('starts a new segment when one is full, and one per writer', () => {
    const journal = openAuditJournal(dir, { segmentBytes: 300 })
    for (let i = 0; i < 6; i++) journal.append([record(i)])
    journal.close()
    const first = segmentNumbers(readdirSync(dir))
    expect(first.length).toBeGreaterThan(2)
    const next = openAuditJournal(dir)
    next.append([record(99)])
    next.close()
    expect(segmentNumbers(readdirSync(dir))).toEqual([...first, (first.at(-1) as number) + 1])
    expect(readJournalTail(dir, { segment: 0, offset: 0 }).map((r) => r.eventId)).toEqual([
      'e0',
      'e1',
      'e2',
      'e3',
      'e4',
      'e5',
      'e99',
    ])
  })

  it('reads from a position inside a segment', () => {
    const journal = openAuditJournal(dir)
    journal.append([record(1)])
    const offset = statSync(join(dir, segmentName(1))).size
    journal.append([record(2)])
    journal.close()
    expect(readJournalTail(dir, { segment: 1, offset }).map((r) => r.eventId)).toEqual(['e2'])
    expect(readJournalTail(dir, { segment: 2, offset: 0 })).toEqual([])
  })

  it('has one writer per directory, and takes over the lock of a process that is gone', () => {
    const journal = openAuditJournal(dir)
    expect(() => openAuditJournal(dir)).toThrow(/in use by another Lanyard server/)
    journal.close()
    // A lock left by a killed process: its pid no longer runs.
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'])
    writeFileSync(join(dir, 'writer.lock'), `${String(gone.stdout).trim()}\n`)
    const again = openAuditJournal(dir)
    expect(readFileSync(join(dir, 'writer.lock'), 'utf8')).toBe(`${process.pid}\n`)
    again.close()
    // A lock held by another live process.
    writeFileSync(join(dir, 'writer.lock'), `${process.ppid}\n`)
    expect(() => openAuditJournal(dir)).toThrow(new RegExp(`pid ${process.ppid}`))
  })

  it('refuses appends after close', () => {
    const journal = openAuditJournal(dir)
    journal.close()
    expect(() => journal.append([record(1)])).toThrow(/closed/)
  })

  it('a reader skips a line cut short at the end of a segment', () => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, segmentName(1)), encodeJournalLine(record(1)))
    appendFileSync(join(dir, segmentName(1)), encodeJournalLine(record(2)).slice(0, 30))
    expect(readJournalTail(dir, { segment: 0, offset: 0 }).map((r) => r.eventId)).toEqual(['e1'])
  })

  it('reads the tail in chunks smaller than its lines, a line longer than a chunk included', () => {
    mkdirSync(dir, { recursive: true })
    const long = record(2, { record: JSON.stringify({ eventID: 'e2', pad: 'x'.repeat(5000) }) })
    const lines = [record(1), long, record(3), record(4)].map(encodeJournalLine)
    writeFileSync(join(dir, segmentName(1)), lines.join(''))
    writeFileSync(join(dir, segmentName(2)), encodeJournalLine(record(5)))
    appendFileSync(join(dir, segmentName(2)), encodeJournalLine(record(6)).slice(0, 40))
    for (const chunkBytes of [16, 64, 300, 1 << 20]) {
      const seen: AuditRecord[] = []
      scanJournalTail(dir, { segment: 0, offset: 0 }, (r) => seen.push(r), chunkBytes)
      expect(seen.map((r) => r.eventId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5'])
      expect(seen[1]).toEqual(long)
    }
    const offset = Buffer.byteLength(lines[0] as string) + Buffer.byteLength(lines[1] as string)
    const from: string[] = []
    scanJournalTail(dir, { segment: 1, offset }, (r) => from.push(r.eventId), 16)
    expect(from).toEqual(['e3', 'e4', 'e5'])
  })
})
