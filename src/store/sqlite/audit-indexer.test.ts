import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isoSeconds } from '../../iso-time.js'
import { restartDelay } from '../../threads.js'
import { encodeJournalLine, segmentName, segmentNumbers } from '../audit-journal/format.js'
import { type AuditJournal, openAuditJournal } from '../audit-journal/journal.js'
import { queryAuditTrail } from '../audit-journal/tail.js'
import type { AuditRecord, Store } from '../ports.js'
import { drainJournals, type SqliteAuditIndexer, startSqliteAuditIndexer } from './audit-indexer.js'
import { retentionCutoff } from './audit-retention.js'
import { openSqliteStore } from './sqlite-store.js'

const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  eventId: `e${i}`,
  eventTime: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoleWithWebIdentity',
  requestId: `r${i}`,
  record: JSON.stringify({ eventID: `e${i}` }),
  ...extra,
})
const ids = (rows: AuditRecord[]) => rows.map((r) => r.eventId)

describe('SQLite audit indexer (worker threads) over the audit journal', () => {
  let root: string
  let path: string
  let journalDir: string
  let store: Store
  let journal: AuditJournal
  let indexer: SqliteAuditIndexer | undefined

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lanyard-audit-'))
    path = join(root, 'lanyard.db')
    journalDir = join(root, 'audit-journal')
    store = openSqliteStore(path) // creates the schema
    journal = openAuditJournal(journalDir)
  })
  afterEach(async () => {
    journal.close()
    await indexer?.close()
    indexer = undefined
    await store.close()
    rmSync(root, { recursive: true, force: true })
  })
  /** The trail as readers see it, over journal 1. */
  const trail = (query: Parameters<typeof queryAuditTrail>[2]) =>
    queryAuditTrail(store.audit, [{ journal: 1, dir: journalDir }], query)
  const start = (options: Parameters<typeof startSqliteAuditIndexer>[2] = {}) => {
    indexer = startSqliteAuditIndexer(path, [{ journal: 1, dir: journalDir }], options)
    return indexer
  }

  it('copies journal records into the table with every column, and moves its position', async () => {
    const ix = start({ indexIntervalMs: 60_000 })
    journal.append([record(1, { jti: 'j1', accessKeyId: 'ASIA1', principal: 'p' })])
    journal.append([record(2), record(3)])
    await ix.flush()
    expect(ids(await store.audit.query({ limit: 10 })).sort()).toEqual(['e1', 'e2', 'e3'])
    expect((await store.audit.query({ limit: 1, jti: 'j1' }))[0]).toMatchObject({
      eventId: 'e1',
      accessKeyId: 'ASIA1',
      principal: 'p',
      record: '{"eventID":"e1"}',
    })
    expect(await store.audit.journalPosition(1)).toMatchObject({ segment: 1 })
    expect((await store.audit.journalPosition(1)).offset).toBeGreaterThan(0)
  })

  it('one indexer copies several journals, each with its own position, and readers merge them', async () => {
    const secondDir = join(root, 'audit-journal-2')
    const second = openAuditJournal(secondDir)
    const journals = [
      { journal: 1, dir: journalDir },
      { journal: 2, dir: secondDir },
    ]
    const ix = startSqliteAuditIndexer(path, journals, { indexIntervalMs: 60_000 })
    indexer = ix
    try {
      journal.append([record(1), record(3)])
      second.append([record(2), record(4)])
      await ix.flush()
      expect(ids(await store.audit.query({ limit: 10 }))).toEqual(['e4', 'e3', 'e2', 'e1'])
      const one = await store.audit.journalPosition(1)
      const two = await store.audit.journalPosition(2)
      expect(one.segment).toBe(1)
      expect(two.segment).toBe(1)
      expect(one.offset).toBeGreaterThan(0)
      expect(two.offset).toBeGreaterThan(0)
      // Not indexed yet: read from each journal's tail, once each.
      journal.append([record(5)])
      second.append([record(6)])
      expect(ids(await queryAuditTrail(store.audit, journals, { limit: 10 }))).toEqual([
        'e6',
        'e5',
        'e4',
        'e3',
        'e2',
        'e1',
      ])
      // A reader that knew only journal 1 would miss journal 2's tail.
      expect(ids(await queryAuditTrail(store.audit, journals.slice(0, 1), { limit: 2 }))).toEqual([
        'e5',
        'e4',
      ])
      // Closing copies the rest of every journal.
      second.close()
      journal.close()
      await ix.close()
      indexer = undefined
      expect(ids(await store.audit.query({ limit: 10 }))).toEqual([
        'e6',
        'e5',
        'e4',
        'e3',
        'e2',
        'e1',
      ])
    } finally {
      second.close()
    }
  })

  it('drains the journals no worker writes: copied to the end (a cut last line too), then deleted; a live one stays', async () => {
    const dir = (n: number) => join(root, `audit-journal-${n}`)
    const two = openAuditJournal(dir(2))
    two.append([record(2), record(3)])
    two.close()
    // The writer died in the middle of its last write: that line was never answered.
    appendFileSync(join(dir(2), segmentName(1)), encodeJournalLine(record(9)).slice(0, 25))
    const three = openAuditJournal(dir(3)) // held by a live writer (this process)
    three.append([record(4)])
    const drained = await drainJournals(
      path,
      [
        { journal: 2, dir: dir(2) },
        { journal: 3, dir: dir(3) },
      ],
      (n) => store.audit.journalPosition(n),
    )
    three.close()
    expect(drained).toEqual([2])
    expect(existsSync(dir(2))).toBe(false)
    expect(existsSync(dir(3))).toBe(true)
    expect(ids(await store.audit.query({ limit: 10 }))).toEqual(['e3', 'e2'])
  })

  it('without journals only the counter thread runs: flush resolves at once', async () => {
    const ix = startSqliteAuditIndexer(path, [], { counterIntervalMs: 5 })
    indexer = ix
    await ix.flush()
    for (let i = 0; i < 200 && ix.changeCounter() === undefined; i++)
      await new Promise((r) => setTimeout(r, 5))
    expect(ix.changeCounter()).toBeTypeOf('number')
    journal.append([record(1)])
    await ix.flush()
    expect(await store.audit.query({ limit: 10 })).toEqual([])
  })

  it('stores each record as text, byte for byte, whatever its characters', async () => {
    const ix = start({ indexIntervalMs: 60_000 })
    const text = JSON.stringify({ eventID: 'e1', note: 'ünïcödé ✓ 𝄞, tab\t, newline\n' })
    journal.append([record(1, { record: text })])
    await store.audit.insertMany([record(2, { record: text })]) // a transaction's own record
    await ix.flush()
    expect((await store.audit.query({ limit: 10 })).map((r) => r.record)).toEqual([text, text])
    const db = new Database(path, { readonly: true })
    try {
      expect(db.prepare('SELECT DISTINCT typeof(record) FROM audit_events').pluck().all()).toEqual([
        'text',
      ])
    } finally {
      db.close()
    }
  })

  it('deletes the records past their retention, in batches, and says how many', async () => {
    const recent = isoSeconds(Date.now())
    await store.audit.insertMany([
      record(1), // 2026-01-01: old
      record(2, { eventTime: recent }),
      record(3),
    ])
    journal.append([record(4), record(5, { eventTime: recent }), record(6), record(7)])
    const rounds: { records: number; before: string }[] = []
    const ix = start({
      indexIntervalMs: 20,
      retentionDays: 1,
      pruneIntervalMs: 60_000,
      pruneBatchRows: 2,
      onPruned: (records, before) => rounds.push({ records, before }),
    })
    await ix.flush()
    await vi.waitFor(() => expect(rounds).toHaveLength(1), { timeout: 10_000 })
    expect(ids(await store.audit.query({ limit: 10 })).sort()).toEqual(['e2', 'e5'])
    // The journal is copied before the first look (at the thread's start): one round, 2 + 2 + 1.
    expect(rounds).toEqual([
      { records: 5, before: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:]{8}Z$/) },
    ])
    expect((rounds[0]?.before as string) <= (retentionCutoff(Date.now(), 1) as string)).toBe(true)
  })

  it('keeps every record when retention is 0', async () => {
    await store.audit.insertMany([record(1)])
    journal.append([record(2)])
    const ix = start({ indexIntervalMs: 20, retentionDays: 0, pruneIntervalMs: 20 })
    await ix.flush()
    await new Promise((r) => setTimeout(r, 200))
    expect(ids(await store.audit.query({ limit: 10 })).sort()).toEqual(['e1', 'e2'])
  })

  it('starts a thread that cannot open its database again, ever later, and says why', async () => {
    const exits: { error: string | undefined; restartInMs: number }[] = []
    const ix = startSqliteAuditIndexer(
      join(root, 'gone', 'lanyard.db'),
      [{ journal: 1, dir: journalDir }],
      {
        restartMs: 20,
        onThreadExit: (role, error, restartInMs) => {
          if (role === 'indexer') exits.push({ error, restartInMs })
        },
      },
    )
    try {
      await vi.waitFor(() => expect(exits.length).toBeGreaterThanOrEqual(4), { timeout: 20_000 })
      expect(exits.slice(0, 4).map((e) => e.restartInMs)).toEqual([20, 40, 80, 160])
      expect(exits[0]?.error).toMatch(/directory does not exist/)
    } finally {
      await ix.close()
    }
  })

  it('indexes on its own, every interval', async () => {
    start({ indexIntervalMs: 10 })
    journal.append([record(1)])
    for (let i = 0; i < 300 && (await store.audit.query({ limit: 1 })).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10))
    expect(ids(await store.audit.query({ limit: 10 }))).toEqual(['e1'])
  })

  it('idle, it waits for a write to a journal and then copies it, without looking in between', async () => {
    // Looks while idle once in ten minutes: a copy in this test's time comes from the watch.
    start({ indexIntervalMs: 10, indexIdleMs: 600_000 })
    const copied = async (n: number) => {
      for (let i = 0; i < 300 && (await store.audit.query({ limit: 10 })).length < n; i++)
        await new Promise((r) => setTimeout(r, 10))
      return (await store.audit.query({ limit: 10 })).length
    }
    journal.append([record(1)])
    expect(await copied(1)).toBe(1)
    await new Promise((r) => setTimeout(r, 100)) // idle by now: two looks saw nothing new
    journal.append([record(2)])
    expect(await copied(2)).toBe(2)
    await new Promise((r) => setTimeout(r, 100))
    journal.append([record(3)])
    expect(await copied(3)).toBe(3)
  })

  it('past the hard bound it hands over to a thread at normal priority, and back once caught up', async () => {
    const changes: string[] = []
    const ix = start({
      indexIntervalMs: 10,
      maxBacklogBytes: 2000,
      hardBacklogBytes: 8000,
      onPriority: (priority, backlog) =>
        changes.push(`${priority}${backlog >= 8000 ? ' (hard)' : ''}`),
    })
    await ix.flush() // the thread is running: what follows is its backlog, seen at a look
    journal.append(Array.from({ length: 60 }, (_, i) => record(i)))
    for (let i = 0; i < 500 && changes.length < 2; i++) await new Promise((r) => setTimeout(r, 10))
    expect(changes).toEqual(['normal (hard)', 'low'])
    journal.append([record(100, { eventTime: '2026-01-01T00:01:40Z' })])
    await ix.flush()
    expect((await store.audit.query({ limit: 100 })).length).toBe(61)
    expect(ids(await trail({ limit: 1 }))).toEqual(['e100'])
  })

  it('closing while the indexer hands over still copies the rest', async () => {
    let closing: Promise<void> | undefined
    // A hard bound under the copying bound: the retiring thread reports at a look where it does
    // not copy (the writer is not quiet yet), so only its successor can copy these records.
    const ix = start({
      indexIntervalMs: 10,
      maxBacklogBytes: 1_000_000,
      hardBacklogBytes: 8000,
      onPriority: () => {
        journal.close()
        closing ??= ix.close()
      },
    })
    await ix.flush()
    journal.append(Array.from({ length: 60 }, (_, i) => record(i)))
    for (let i = 0; i < 500 && closing === undefined; i++)
      await new Promise((r) => setTimeout(r, 10))
    expect(closing).toBeDefined()
    await closing
    indexer = undefined
    expect((await store.audit.query({ limit: 100 })).length).toBe(60)
  })

  it('readers get the newest records of a long tail, by event time, whatever the order written', async () => {
    start({ indexIntervalMs: 60_000 })
    // 500 records written in an order that is not their time order; limits below and above
    // the number kept while scanning (twice the limit).
    const order = Array.from({ length: 500 }, (_, i) => (i * 7) % 500)
    for (const i of order)
      journal.append([
        record(i, {
          eventTime: `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
        }),
      ])
    const newest = (n: number) => Array.from({ length: n }, (_, k) => `e${499 - k}`)
    for (const limit of [1, 3, 50, 499, 600]) {
      expect(ids(await trail({ limit }))).toEqual(newest(Math.min(limit, 500)))
    }
    expect(
      ids(
        await trail({
          limit: 2,
          until: '2026-01-01T00:01:00Z',
        }),
      ),
    ).toEqual(['e59', 'e58'])
  })

  it('readers see every record at once: the indexed ones and the journal tail, each once', async () => {
    const ix = start({ indexIntervalMs: 60_000 })
    journal.append([record(1, { jti: 'j' }), record(2)])
    await ix.flush()
    journal.append([record(3, { jti: 'j' }), record(4)])
    expect(ids(await store.audit.query({ limit: 10 }))).toEqual(['e2', 'e1'])
    expect(ids(await trail({ limit: 10 }))).toEqual(['e4', 'e3', 'e2', 'e1'])
    expect(
      ids(
        await trail({
          limit: 10,
          jti: 'j',
        }),
      ),
    ).toEqual(['e3', 'e1'])
    expect(ids(await trail({ limit: 3 }))).toEqual(['e4', 'e3', 'e2'])
    expect(
      ids(
        await trail({
          limit: 10,
          since: '2026-01-01T00:00:02Z',
          until: '2026-01-01T00:00:04Z',
        }),
      ),
    ).toEqual(['e3', 'e2'])
    await ix.flush()
    expect(ids(await trail({ limit: 10 }))).toEqual(['e4', 'e3', 'e2', 'e1'])
  })

  it('deletes the segments it has copied, keeping the one being written', async () => {
    journal.close()
    journal = openAuditJournal(journalDir, { segmentBytes: 200 })
    for (let i = 0; i < 20; i++) journal.append([record(i)])
    const written = segmentNumbers(readdirSync(journalDir))
    expect(written.length).toBeGreaterThan(5)
    const ix = start({ indexIntervalMs: 60_000 })
    journal.append([record(20)]) // opens the next segment: all before it are complete
    await ix.flush()
    expect(await store.audit.query({ limit: 100 })).toHaveLength(21)
    expect(segmentNumbers(readdirSync(journalDir))).toEqual([(written.at(-1) as number) + 1])
  })

  it('after a crash, the next server indexes what the last one left, exactly once', async () => {
    const first = start({ indexIntervalMs: 60_000 })
    journal.append([record(1), record(2)])
    await first.flush()
    journal.append([record(3), record(4)])
    // The process dies: its journal stays, its indexer copied only part of it.
    journal.close()
    await first.close()
    const db = openSqliteStore(path)
    const next = openAuditJournal(journalDir)
    journal = next
    const ix = start({ indexIntervalMs: 60_000 })
    next.append([record(5)])
    await ix.flush()
    expect(ids(await db.audit.query({ limit: 10 }))).toEqual(['e5', 'e4', 'e3', 'e2', 'e1'])
    await db.close()
  })

  it('skips a line cut short at the end of a complete segment, and says so', async () => {
    journal.append([record(1)])
    appendFileSync(join(journalDir, segmentName(1)), encodeJournalLine(record(2)).slice(0, 25))
    journal.close()
    journal = openAuditJournal(journalDir)
    journal.append([record(3)])
    const skipped: number[] = []
    const ix = start({ indexIntervalMs: 60_000, onSkipped: (lines) => skipped.push(lines) })
    await ix.flush()
    expect(ids(await store.audit.query({ limit: 10 }))).toEqual(['e3', 'e1'])
    expect(skipped).toEqual([1])
  })

  it('keeps up with many batches while checkpointing', async () => {
    const ix = start({ indexIntervalMs: 5 })
    for (let b = 0; b < 200; b++)
      journal.append(Array.from({ length: 10 }, (_, i) => record(b * 10 + i)))
    await ix.flush()
    expect(await store.audit.query({ limit: 5000 })).toHaveLength(2000)
  })

  it('copies the rest of the journal when closed', async () => {
    const ix = start({ indexIntervalMs: 60_000 })
    journal.append([record(1), record(2)])
    journal.close()
    await ix.close()
    expect(await store.audit.query({ limit: 10 })).toHaveLength(2)
    await expect(ix.flush()).rejects.toThrow(/closed/)
  })

  it('reports the change counter as other connections move it, read on its own thread when told of a write', async () => {
    // No idle read in this test's time: the change is seen through the watch (or, where the
    // directory cannot be watched, the 10 ms polling).
    const ix = start({ counterIdleMs: 600_000 })
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10))
      return ok()
    }
    expect(await until(() => ix.changeCounter() !== undefined)).toBe(true)
    const before = ix.changeCounter() as number
    await store.transaction((tx) =>
      tx.roles.insert({
        roleId: 'AROAEXAMPLE000000001',
        roleName: 'r',
        path: '/',
        arn: 'arn:aws:iam::123456789012:role/r',
        assumeRolePolicyDocument: '{}',
        maxSessionDuration: 3600,
        tags: [],
        createDate: '2026-01-01T00:00:00Z',
      }),
    )
    expect(await until(() => ix.changeCounter() !== before)).toBe(true)
    expect(ix.changeCounter()).toBe(await store.changeCounter?.())
  })
})

describe('restart delay of an audit thread', () => {
  it.each([
    [0, 1000],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32_000],
    [7, 60_000],
    [40, 60_000],
  ])('after %i quick deaths: %i ms', (quickExits, delay) => {
    expect(restartDelay(quickExits, 1000)).toBe(delay)
  })
})
