import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { runStoreContract } from '../contract.js'
import { MIGRATIONS } from './migrations.js'
import { openSqliteStore } from './sqlite-store.js'

runStoreContract('sqlite (memory)', async () => openSqliteStore(':memory:'))

/** A database at `path` with the first `version` migrations applied, as an older Lanyard left it. */
function migratedTo(path: string, version: number): Database.Database {
  const db = new Database(path)
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)')
  for (let i = 0; i < version; i++) {
    db.exec(MIGRATIONS[i] as string)
    db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(i + 1)
  }
  return db
}

describe('sqlite store on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanyard-store-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps data across reopen and applies migrations once', async () => {
    const path = join(dir, 'db.sqlite')
    const a = openSqliteStore(path)
    await a.transaction((tx) => tx.meta.set('account-id', '123456789012'))
    await a.close()
    const b = openSqliteStore(path)
    expect(await b.meta.get('account-id')).toBe('123456789012')
    await b.close()
  })

  it('makes a new database with 16 KiB pages, and keeps the page size of an older one', async () => {
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true })
      try {
        return db.pragma('page_size', { simple: true })
      } finally {
        db.close()
      }
    }
    const fresh = join(dir, 'fresh.sqlite')
    await openSqliteStore(fresh).close()
    expect(pageSize(fresh)).toBe(16384)

    const older = join(dir, 'older.sqlite')
    const made = new Database(older)
    made.pragma('page_size = 4096')
    made.pragma('journal_mode = WAL')
    made.exec('CREATE TABLE made_before (x)')
    made.close()
    const store = openSqliteStore(older)
    await store.transaction((tx) => tx.meta.set('account-id', '123456789012'))
    expect(await store.meta.get('account-id')).toBe('123456789012')
    await store.close()
    expect(pageSize(older)).toBe(4096)
  })

  it('keeps the journal position of a database from before journals were numbered, as journal 1', async () => {
    const path = join(dir, 'positions.sqlite')
    const old = migratedTo(path, 5)
    old.prepare('UPDATE audit_journal_position SET segment = 7, offset = 1234').run()
    old.close()
    const store = openSqliteStore(path)
    expect(await store.audit.journalPosition(1)).toEqual({ segment: 7, offset: 1234 })
    expect(await store.audit.journalPosition(2)).toEqual({ segment: 0, offset: 0 })
    await store.close()
  })

  it('counts changes on every table but audit and bookkeeping, from any connection', async () => {
    const path = join(dir, 'upgraded.sqlite')
    // A database from before migration 4, holding a role.
    const old = migratedTo(path, 3)
    old
      .prepare(
        `INSERT INTO roles (role_id, role_name, name_key, path, arn, trust_policy, max_session_duration, tags, create_date)
         VALUES ('AROAEXAMPLE0000000001', 'R', 'r', '/', 'arn:aws:iam::123456789012:role/R', '{}', 3600, '[]', 't')`,
      )
      .run()
    old.close()

    const server = openSqliteStore(path)
    const cli = openSqliteStore(path)
    const counter = () => (server.changeCounter as () => Promise<number>)()
    const before = await counter()
    const r = await cli.roles.get('r')
    if (r) await cli.roles.update({ ...r, description: 'from the CLI' })
    expect(await counter()).not.toBe(before)
    await server.close()
    await cli.close()

    const db = new Database(path, { readonly: true })
    const rows = (sql: string) => db.prepare(sql).all() as { name: string; tbl_name: string }[]
    const tables = rows("SELECT name, tbl_name FROM sqlite_master WHERE type = 'table'")
      .map((t) => t.name)
      .filter((t) => !t.startsWith('sqlite_'))
    const triggered = rows("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
    db.close()
    const uncounted = [
      'schema_migrations',
      'meta',
      'change_counter',
      'audit_events',
      'audit_journal_positions',
    ]
    for (const table of tables) {
      const ops = triggered.filter((t) => t.tbl_name === table).map((t) => t.name)
      expect(ops, table).toEqual(
        uncounted.includes(table)
          ? []
          : [`${table}_insert_counted`, `${table}_update_counted`, `${table}_delete_counted`],
      )
    }
    expect(tables.filter((t) => !uncounted.includes(t))).toHaveLength(15)
  })
})
