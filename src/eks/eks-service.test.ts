import { describe, expect, it } from 'vitest'
import { createCachedStore } from '../store/cached-store.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { createEksService } from './eks-service.js'

function service(base: { url: string }) {
  const store = createCachedStore(openSqliteStore(':memory:'))
  const eks = createEksService({
    store,
    accountId: '123456789012',
    region: 'us-east-1',
    issuerBaseUrl: () => base.url,
    now: () => Date.parse('2026-01-01T00:00:00Z'),
  })
  return { store, eks }
}

describe('describeCluster', () => {
  it('hands out one view while the record and the issuer base are unchanged', async () => {
    const { store, eks } = service({ url: 'https://lanyard.example:4566' })
    const created = await eks.createCluster({ name: 'c1' })
    const first = await eks.describeCluster('c1')
    expect(first).toEqual(created)
    expect(await eks.describeCluster('c1')).toBe(first)
    await store.close()
  })

  it('answers the new issuer base and the new record after a change', async () => {
    const base = { url: 'https://lanyard.example:4566' }
    const { store, eks } = service(base)
    await eks.createCluster({ name: 'c1' })
    const before = await eks.describeCluster('c1')
    base.url = 'https://other.example'
    const moved = await eks.describeCluster('c1')
    expect(moved.identity.oidc.issuer).toMatch(/^https:\/\/other\.example\/id\/[0-9A-F]{32}$/)
    await eks.deleteCluster('c1')
    await eks.createCluster({ name: 'c1', version: '1.30' })
    const again = await eks.describeCluster('c1')
    expect(again.version).toBe('1.30')
    expect(again.identity.oidc.issuer).not.toBe(moved.identity.oidc.issuer)
    expect(before.identity.oidc.issuer).toMatch(/^https:\/\/lanyard\.example:4566\/id\//)
    await store.close()
  })
})
