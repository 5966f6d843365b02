import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditRecord, Store } from '../ports.js'
import { openSqliteAuditAppender, type SqliteAuditAppender } from './audit-appender.js'
import { openSqliteStore } from './sqlite-store.js'

const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  eventId: `e${i}`,
  eventTime: '2026-01-01T00:00:00Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoleWithWebIdentity',
  requestId: `r${i}`,
  record: JSON.stringify({ eventID: `e${i}` }),
  ...extra,
})

describe('SQLite audit appender (worker threads)', () => {
  let dir: string
  let store: Store
  let appender: SqliteAuditAppender

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-audit-'))
    const path = join(dir, 'lanyard.db')
    store = openSqliteStore(path) // creates the schema
    appender = openSqliteAuditAppender(path, { checkpointIntervalMs: 10 })
  })
  afterEach(async () => {
    await appender.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('commits each batch before it resolves, with every column', async () => {
    await Promise.all([
      appender.append([record(1, { jti: 'j1', accessKeyId: 'ASIA1', principal: 'p' })]),
      appender.append([record(2), record(3)]),
    ])
    const rows = await store.audit.query({ limit: 10 })
    expect(rows.map((r) => r.eventId).sort()).toEqual(['e1', 'e2', 'e3'])
    expect((await store.audit.query({ limit: 1, jti: 'j1' }))[0]).toMatchObject({
      eventId: 'e1',
      accessKeyId: 'ASIA1',
      principal: 'p',
      record: '{"eventID":"e1"}',
    })
  })

  it('refuses a batch that cannot commit and writes nothing of it', async () => {
    await appender.append([record(1)])
    await expect(appender.append([record(2), record(1)])).rejects.toThrow(
      /audit record was not committed/,
    )
    expect((await store.audit.query({ limit: 10 })).map((r) => r.eventId)).toEqual(['e1'])
    // The thread lives on.
    await appender.append([record(4)])
    expect(await store.audit.query({ limit: 10 })).toHaveLength(2)
  })

  it('keeps up with many concurrent batches while the WAL is checkpointed', async () => {
    const batches = Array.from({ length: 200 }, (_, b) =>
      appender.append(Array.from({ length: 10 }, (_, i) => record(b * 10 + i))),
    )
    await Promise.all(batches)
    expect(await store.audit.query({ limit: 5000 })).toHaveLength(2000)
  })

  it('reports the change counter as other connections move it, read on its own thread', async () => {
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10))
      return ok()
    }
    expect(await until(() => appender.changeCounter() !== undefined)).toBe(true)
    const before = appender.changeCounter() as number
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
    expect(await until(() => appender.changeCounter() !== before)).toBe(true)
    expect(appender.changeCounter()).toBe(await store.changeCounter?.())
  })

  it('refuses appends after close', async () => {
    await appender.close()
    await expect(appender.append([record(1)])).rejects.toThrow(/closed/)
  })
})
