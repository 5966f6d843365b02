import { KubeConfig } from '@kubernetes/client-node'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  type FakeKubeApiServer,
  startFakeKubeApiServer,
} from '../../../test/kube/fake-kube-apiserver.js'
import { isLanyardError } from '../../errors.js'
import type { KubeLogger } from '../kube/index.js'
import { createServiceAccountLookup, type ServiceAccountLookupOptions } from './index.js'

const ROLE = 'eks.amazonaws.com/role-arn'
const ARN = 'arn:aws:iam::111122223333:role/s3-reader'

interface Logged {
  level: 'warn' | 'info' | 'debug'
  details: Record<string, unknown>
  message: string
}

describe('ServiceAccount cache against a fake kube-apiserver', () => {
  let api: FakeKubeApiServer
  let logs: Logged[]
  let counts: { hit: number; miss: number; found: number; not_found: number; error: number }
  let clock: number
  const stops: (() => void)[] = []

  const log: KubeLogger = {
    warn: (details, message) => void logs.push({ level: 'warn', details, message }),
    info: (details, message) => void logs.push({ level: 'info', details, message }),
    debug: (details, message) => void logs.push({ level: 'debug', details, message }),
  }

  const make = (options: Partial<ServiceAccountLookupOptions> = {}) => {
    const lookup = createServiceAccountLookup({
      kubeConfig: api.kubeConfig(),
      log,
      now: () => clock,
      metrics: {
        hit: () => void counts.hit++,
        miss: () => void counts.miss++,
        liveGet: (r) => void counts[r]++,
      },
      ...options,
    })
    stops.push(() => lookup.stop())
    return lookup
  }

  const gets = () => api.requests.filter((r) => r.path.includes('/serviceaccounts/')).length
  const lists = () =>
    api.requests.filter((r) => r.path === '/api/v1/serviceaccounts' && !r.query.has('watch'))
  const watchesAsked = () =>
    api.requests.filter((r) => r.path === '/api/v1/serviceaccounts' && r.query.has('watch'))

  beforeEach(async () => {
    api = await startFakeKubeApiServer()
    logs = []
    counts = { hit: 0, miss: 0, found: 0, not_found: 0, error: 0 }
    clock = 1_000_000
  })
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop()
    await api.close()
  })

  it('fills the cache from the list and answers without any GET', async () => {
    api.putServiceAccount({ namespace: 'test', name: 'app', annotations: { [ROLE]: ARN } })
    api.putServiceAccount({ namespace: 'test', name: 'plain' })
    const sa = make()
    expect(sa.synced()).toBe(false)
    await sa.start()
    expect(sa.synced()).toBe(true)
    expect(await sa.lookup('test', 'app')).toEqual({
      name: 'app',
      namespace: 'test',
      annotations: { [ROLE]: ARN },
    })
    expect(await sa.lookup('test', 'plain')).toEqual({
      name: 'plain',
      namespace: 'test',
      annotations: {},
    })
    expect(gets()).toBe(0)
    expect(counts).toMatchObject({ hit: 2, miss: 0 })
    expect(api.requests.every((r) => r.authorization === 'Bearer fake-kube-token')).toBe(true)
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'serviceaccount cache synced' }),
    )
  })

  it('lists in pages (limit/continue)', async () => {
    for (let i = 0; i < 5; i++) api.putServiceAccount({ namespace: 'ns', name: `sa-${i}` })
    const sa = make({ pageSize: 2 })
    await sa.start()
    expect(lists().map((r) => [r.query.get('limit'), r.query.get('continue')])).toEqual([
      ['2', null],
      ['2', '2'],
      ['2', '4'],
    ])
    for (let i = 0; i < 5; i++) expect(sa.peek('ns', `sa-${i}`)?.name).toBe(`sa-${i}`)
  })

  it('follows the watch: ADDED, MODIFIED, DELETED', async () => {
    const sa = make({ resyncSeconds: 120 })
    await sa.start()
    await vi.waitFor(() => expect(api.openWatches()).toBe(1))
    const w = watchesAsked().at(-1)
    expect(w?.query.get('timeoutSeconds')).toBe('120')
    expect(w?.query.get('resourceVersion')).toBe('100')

    api.putServiceAccount({ namespace: 'test', name: 'app' })
    await vi.waitFor(() => expect(sa.peek('test', 'app')).toBeDefined())
    api.putServiceAccount({ namespace: 'test', name: 'app', annotations: { [ROLE]: ARN } })
    await vi.waitFor(() => expect(sa.peek('test', 'app')?.annotations[ROLE]).toBe(ARN))
    expect(await sa.lookup('test', 'app')).toMatchObject({ annotations: { [ROLE]: ARN } })
    api.deleteServiceAccount('test', 'app')
    await vi.waitFor(() => expect(sa.peek('test', 'app')).toBeUndefined())
    expect(gets()).toBe(0)
  })

  it('on a miss (created after the list, not yet seen by the watch) GETs it live and caches it', async () => {
    const sa = make()
    await sa.start()
    api.putServiceAccount(
      { namespace: 'test', name: 'fresh', annotations: { [ROLE]: ARN } },
      { watch: false },
    )
    expect(await sa.lookup('test', 'fresh')).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(gets()).toBe(1)
    expect(await sa.lookup('test', 'fresh')).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(gets()).toBe(1)
    expect(counts).toMatchObject({ miss: 1, hit: 1, found: 1 })
    // The watch catching up later changes nothing.
    api.flushWatch()
    await vi.waitFor(() => expect(counts.hit).toBe(1))
    expect(sa.peek('test', 'fresh')).toMatchObject({ annotations: { [ROLE]: ARN } })
  })

  it('before start() every lookup is a live GET', async () => {
    api.putServiceAccount({ namespace: 'test', name: 'app', annotations: { [ROLE]: ARN } })
    const sa = make()
    expect(await sa.lookup('test', 'app')).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(await sa.lookup('test', 'app')).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(gets()).toBe(2)
    expect(sa.peek('test', 'app')).toBeUndefined()
  })

  it('answers while the first list is still running by GETting live', async () => {
    api.putServiceAccount({ namespace: 'test', name: 'app', annotations: { [ROLE]: ARN } })
    const sa = make()
    const started = sa.start()
    expect(await sa.lookup('test', 'app')).toMatchObject({ annotations: { [ROLE]: ARN } })
    await started
    expect(await sa.lookup('test', 'app')).toMatchObject({ annotations: { [ROLE]: ARN } })
  })

  it('shares one GET between concurrent misses', async () => {
    const sa = make()
    await sa.start()
    api.putServiceAccount({ namespace: 'test', name: 'burst' }, { watch: false })
    api.holdGets()
    const all = Promise.all(Array.from({ length: 5 }, () => sa.lookup('test', 'burst')))
    await vi.waitFor(() => expect(api.heldGets()).toBe(1))
    api.releaseGets()
    expect((await all).map((s) => s?.name)).toEqual(Array(5).fill('burst'))
    expect(gets()).toBe(1)
  })

  it('remembers a 404 for negativeCacheSeconds, and forgets it when the watch sees the name', async () => {
    const sa = make({ negativeCacheSeconds: 5 })
    await sa.start()
    expect(await sa.lookup('test', 'ghost')).toBeUndefined()
    expect(await sa.lookup('test', 'ghost')).toBeUndefined()
    expect(gets()).toBe(1)
    expect(counts).toMatchObject({ miss: 1, hit: 1, not_found: 1 })
    clock += 5001
    expect(await sa.lookup('test', 'ghost')).toBeUndefined()
    expect(gets()).toBe(2)

    api.putServiceAccount({ namespace: 'test', name: 'ghost', annotations: { [ROLE]: ARN } })
    await vi.waitFor(() => expect(sa.peek('test', 'ghost')).toBeDefined())
    expect(await sa.lookup('test', 'ghost')).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(gets()).toBe(2)
    expect(logs.filter((l) => l.level === 'warn')).toEqual([])
  })

  it('prefers a watch event that arrives while a GET is in flight over the older GET answer', async () => {
    const sa = make()
    await sa.start()
    api.putServiceAccount({ namespace: 'test', name: 'race' }, { watch: false })
    api.holdGets()
    const pending = sa.lookup('test', 'race')
    await vi.waitFor(() => expect(api.heldGets()).toBe(1))
    // Annotated after the GET was asked; the watch delivers both changes first.
    api.putServiceAccount({ namespace: 'test', name: 'race', annotations: { [ROLE]: ARN } })
    api.flushWatch()
    await vi.waitFor(() => expect(sa.peek('test', 'race')?.annotations[ROLE]).toBe(ARN))
    api.releaseGets()
    expect(await pending).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(sa.peek('test', 'race')?.annotations[ROLE]).toBe(ARN)
  })

  it.each([
    ['403 Forbidden (RBAC missing)', 403, /403 Forbidden/],
    ['500 from the API server', 500, /500/],
  ])('turns %s into undefined and a logged reason', async (_name, code, reason) => {
    const sa = make()
    await sa.start()
    api.putServiceAccount({ namespace: 'test', name: 'app' }, { watch: false })
    api.failGets(code)
    expect(await sa.lookup('test', 'app')).toBeUndefined()
    expect(counts.error).toBe(1)
    const warn = logs.find((l) => l.level === 'warn')
    expect(warn?.details).toMatchObject({ namespace: 'test', serviceAccount: 'app', status: code })
    expect(String(warn?.details.reason)).toMatch(reason)
    // Not remembered: the next pod retries.
    api.failGets(undefined)
    expect(await sa.lookup('test', 'app')).toMatchObject({ name: 'app' })
  })

  it('gives up on a GET after requestTimeoutMs', async () => {
    const sa = make({ requestTimeoutMs: 50 })
    await sa.start()
    api.holdGets()
    expect(await sa.lookup('test', 'slow')).toBeUndefined()
    expect(String(logs.find((l) => l.level === 'warn')?.details.reason)).toMatch(/in time/)
  })

  it('with the API server down: cached answers stay, misses are undefined, and the watch comes back', async () => {
    api.putServiceAccount({ namespace: 'test', name: 'known', annotations: { [ROLE]: ARN } })
    const sa = make()
    await sa.start()
    await api.down()
    expect(await sa.lookup('test', 'known')).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(await sa.lookup('test', 'unknown')).toBeUndefined()
    expect(
      logs.some((l) => l.level === 'warn' && /ECONNREFUSED/.test(String(l.details.reason))),
    ).toBe(true)
    await vi.waitFor(() =>
      expect(logs.some((l) => l.message === 'serviceaccount watch failed; restarting')).toBe(true),
    )
    await api.up()
    api.putServiceAccount({ namespace: 'test', name: 'later' })
    await vi.waitFor(() => expect(sa.peek('test', 'later')).toBeDefined(), { timeout: 10_000 })
    expect(lists().length).toBeGreaterThanOrEqual(2)
  })

  it('resumes a watch the server ended (timeoutSeconds) from its resourceVersion, without re-listing', async () => {
    const sa = make()
    await sa.start()
    await vi.waitFor(() => expect(api.openWatches()).toBe(1))
    api.endWatches()
    await vi.waitFor(() => expect(watchesAsked().length).toBe(2))
    expect(watchesAsked()[1]?.query.get('resourceVersion')).toBe('100')
    api.putServiceAccount({ namespace: 'test', name: 'after' })
    await vi.waitFor(() => expect(sa.peek('test', 'after')).toBeDefined())
    expect(lists()).toHaveLength(1)
  })

  it('re-lists after 410 Gone, and the list replaces the cache', async () => {
    api.putServiceAccount({ namespace: 'test', name: 'doomed' })
    const sa = make()
    await sa.start()
    await vi.waitFor(() => expect(api.openWatches()).toBe(1))
    api.putServiceAccount({ namespace: 'test', name: 'unseen' }, { watch: false })
    api.deleteServiceAccount('test', 'doomed', { watch: false })
    api.compact()
    api.endWatches()
    await vi.waitFor(() => expect(lists()).toHaveLength(2))
    await vi.waitFor(() => expect(sa.peek('test', 'unseen')).toBeDefined())
    expect(sa.peek('test', 'doomed')).toBeUndefined()
  })

  it('replaces a watch that went silent for twice resyncSeconds', async () => {
    const sa = make({ resyncSeconds: 1 })
    await sa.start()
    expect(lists()).toHaveLength(1)
    clock += 2001
    await vi.waitFor(() => expect(lists()).toHaveLength(2), { timeout: 5000 })
    expect(logs.some((l) => l.message === 'serviceaccount watch stalled; restarting')).toBe(true)
  })

  it('stop() closes the watch and forgets the cache: lookups become live GETs, never stale', async () => {
    api.putServiceAccount({ namespace: 'test', name: 'app' })
    const sa = make()
    await sa.start()
    await vi.waitFor(() => expect(api.openWatches()).toBe(1))
    sa.stop()
    expect(sa.synced()).toBe(false)
    await vi.waitFor(() => expect(api.openWatches()).toBe(0))
    expect(await sa.lookup('test', 'app')).toMatchObject({ name: 'app' })
    expect(gets()).toBe(1)
    api.putServiceAccount({ namespace: 'test', name: 'app', annotations: { [ROLE]: ARN } })
    expect(await sa.lookup('test', 'app')).toMatchObject({ annotations: { [ROLE]: ARN } })
    expect(gets()).toBe(2)
    api.deleteServiceAccount('test', 'app')
    expect(await sa.lookup('test', 'app')).toBeUndefined()
    expect(await sa.lookup('test', 'app')).toBeUndefined()
    expect(gets()).toBe(4)
  })

  it.each([
    ['an empty name', 'test', ''],
    ['a name with a slash', 'test', 'a/b'],
    ['a name with a path escape', 'test', '..'],
    ['an upper-case namespace', 'Test', 'app'],
    ['a 254-character name', 'test', 'a'.repeat(254)],
  ])('answers %s with undefined and no request', async (_name, namespace, name) => {
    const sa = make()
    expect(await sa.lookup(namespace, name)).toBeUndefined()
    expect(api.requests).toHaveLength(0)
  })

  it('keeps only string annotations, without prototype pollution, from the list and the watch', async () => {
    const hostile = JSON.parse(
      `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"${ROLE}":"${ARN}","n":1}`,
    )
    api.putServiceAccount({ namespace: 'test', name: 'listed', annotations: hostile })
    const sa = make()
    await sa.start()
    await vi.waitFor(() => expect(api.openWatches()).toBe(1))
    api.putServiceAccount({ namespace: 'test', name: 'watched', annotations: hostile })
    await vi.waitFor(() => expect(sa.peek('test', 'watched')).toBeDefined())
    for (const name of ['listed', 'watched']) {
      const found = await sa.lookup('test', name)
      expect(Object.getPrototypeOf(found?.annotations)).toBe(Object.prototype)
      expect(found?.annotations).toEqual({ [ROLE]: ARN })
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses at creation a kubeconfig that names no server', () => {
    let err: unknown
    try {
      createServiceAccountLookup({ kubeconfig: '/nonexistent/kubeconfig' })
    } catch (e) {
      err = e
    }
    expect(isLanyardError(err, 'config.invalid')).toBe(true)
    expect(new KubeConfig().getCurrentCluster()).toBeNull()
  })
})
