import { describe, expect, it, vi } from 'vitest'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { type CloudTrailEvent, redactParameters } from './event.js'
import { createAuditWriter, storeAuditSink } from './writer.js'

const event = (i: number, extra: Partial<CloudTrailEvent> = {}): CloudTrailEvent => ({
  eventVersion: '1.08',
  userIdentity: {
    type: 'WebIdentityUser',
    identityProvider: 'arn:aws:iam::123456789012:oidc-provider/x',
  },
  eventTime: '2026-01-01T00:00:00Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoleWithWebIdentity',
  awsRegion: 'us-east-1',
  sourceIPAddress: '127.0.0.1',
  requestParameters: null,
  responseElements: null,
  requestID: `r${i}`,
  eventID: `e${i}`,
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '123456789012',
  eventCategory: 'Management',
  ...extra,
})

describe('audit writer', () => {
  it('commits concurrent events in one transaction and resolves after the commit', async () => {
    const store = openSqliteStore(':memory:')
    const spy = vi.spyOn(store, 'transaction')
    const lines: string[] = []
    const writer = createAuditWriter(storeAuditSink(store), { stream: (l) => lines.push(l) })
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writer.record(event(i, { lanyard: { attribution: { jti: `j${i}` } } })),
      ),
    )
    expect(spy).toHaveBeenCalledTimes(1)
    expect(await store.audit.query({ limit: 100 })).toHaveLength(50)
    expect((await store.audit.query({ limit: 10, jti: 'j7' }))[0]?.requestId).toBe('r7')
    expect(lines).toHaveLength(50)
    await store.close()
  })

  it('commits one batch at a time; what arrives meanwhile goes together in the next', async () => {
    const batches: string[][] = []
    let release: (() => void) | undefined
    const sink = {
      append: (records: readonly { eventId: string }[]) => {
        batches.push(records.map((r) => r.eventId))
        return new Promise<void>((resolve) => {
          release = resolve
        })
      },
    }
    const writer = createAuditWriter(sink)
    const first = writer.record(event(1))
    await new Promise((r) => setImmediate(r))
    expect(batches).toEqual([['e1']])
    const later = [writer.record(event(2)), writer.record(event(3))]
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setImmediate(r))
    expect(batches).toHaveLength(1) // e2 and e3 wait for e1's commit
    release?.()
    await first
    await new Promise((r) => setImmediate(r))
    expect(batches).toEqual([['e1'], ['e2', 'e3']])
    release?.()
    await Promise.all(later)
  })

  it('rejects every waiter when the commit fails (fail closed)', async () => {
    const store = openSqliteStore(':memory:')
    const writer = createAuditWriter(storeAuditSink(store))
    await writer.record(event(1))
    const duplicate = [writer.record(event(1)), writer.record(event(2))]
    await expect(Promise.all(duplicate)).rejects.toThrow()
    expect((await store.audit.query({ limit: 10 })).map((r) => r.eventId)).toEqual(['e1'])
    await store.close()
  })

  it('removes tokens and secrets from request parameters', () => {
    expect(
      redactParameters({
        roleArn: 'a',
        WebIdentityToken: 'eyJ…',
        webIdentityToken: 'x',
        SessionToken: 's',
        durationSeconds: 900,
      }),
    ).toEqual({ roleArn: 'a', durationSeconds: 900 })
  })
})
