import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runStoreContract } from '../contract.js'
import { openSqliteStore } from './sqlite-store.js'

runStoreContract('sqlite (memory)', async () => openSqliteStore(':memory:'))

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
})
