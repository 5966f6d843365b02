import { describe, expect, it } from 'vitest'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import type { CloudTrailEvent } from './event.js'
import { auditingStore, type PendingAudit, withPendingAudit } from './in-transaction.js'

const event = {
  eventID: 'e1',
  requestID: 'r1',
  eventTime: '2026-01-01T00:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateRole',
  userIdentity: { type: 'Root' },
} as CloudTrailEvent

describe('auditingStore', () => {
  it('commits the record with the effect, once', async () => {
    const base = openSqliteStore(':memory:')
    const store = auditingStore(base)
    const pending: PendingAudit = { build: () => event, written: false }
    await withPendingAudit(pending, async () => {
      await store.transaction((tx) => tx.meta.set('a', '1'))
      await store.transaction((tx) => tx.meta.set('b', '2'))
    })
    expect(pending.written).toBe(true)
    expect(await base.audit.query({ limit: 10 })).toHaveLength(1)
    await base.close()
  })

  it('rolls the record back with the effect', async () => {
    const base = openSqliteStore(':memory:')
    const store = auditingStore(base)
    const pending: PendingAudit = { build: () => event, written: false }
    await expect(
      withPendingAudit(pending, () =>
        store.transaction(async (tx) => {
          await tx.meta.set('a', '1')
          throw new Error('boom')
        }),
      ),
    ).rejects.toThrow('boom')
    expect(pending.written).toBe(false)
    expect(await base.audit.query({ limit: 10 })).toHaveLength(0)
    expect(await base.meta.get('a')).toBeUndefined()
    await base.close()
  })

  it('writes nothing outside a call', async () => {
    const base = openSqliteStore(':memory:')
    await auditingStore(base).transaction((tx) => tx.meta.set('a', '1'))
    expect(await base.audit.query({ limit: 10 })).toHaveLength(0)
    await base.close()
  })
})
