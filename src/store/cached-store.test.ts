import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createCachedStore, DEFAULT_RECHECK_MS } from './cached-store.js'
import { runStoreContract } from './contract.js'
import type { RoleRecord, Store, StoreTx } from './ports.js'
import { openSqliteStore } from './sqlite/sqlite-store.js'

runStoreContract('sqlite + cache', async () => createCachedStore(openSqliteStore(':memory:')))

type Method = (...args: unknown[]) => Promise<unknown>

/** Wraps every repo method of `tx` to count its calls under `<prefix><repo>.<method>`. */
function countRepos(tx: StoreTx, calls: Map<string, number>, prefix: string): StoreTx {
  const out: Record<string, Record<string, Method>> = {}
  for (const [repoName, repo] of Object.entries(tx) as [string, Record<string, Method>][]) {
    out[repoName] = Object.fromEntries(
      Object.entries(repo).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          const key = `${prefix}${repoName}.${name}`
          calls.set(key, (calls.get(key) ?? 0) + 1)
          return fn.apply(repo, args)
        },
      ]),
    )
  }
  return out as unknown as StoreTx
}

/** The store with every call to it (and to its transactions' `tx`, as `tx.*`) counted. */
function counting(inner: Store) {
  const calls = new Map<string, number>()
  const { transaction, close, changeCounter, ...repos } = inner
  const store: Store = {
    ...countRepos(repos, calls, ''),
    transaction: (fn) => transaction((tx) => fn(countRepos(tx, calls, 'tx.'))),
    close,
    ...(changeCounter
      ? {
          changeCounter: () => {
            calls.set('changeCounter', (calls.get('changeCounter') ?? 0) + 1)
            return changeCounter()
          },
        }
      : {}),
  }
  return { store, count: (key: string) => calls.get(key) ?? 0 }
}

const role = (roleName: string, extra: Partial<RoleRecord> = {}): RoleRecord => ({
  roleId: `AROA${roleName.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
  roleName,
  path: '/',
  arn: `arn:aws:iam::123456789012:role/${roleName}`,
  assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
  maxSessionDuration: 3600,
  tags: [{ key: 'team', value: 'a' }],
  createDate: '2026-01-01T00:00:00Z',
  ...extra,
})

const policyArn = 'arn:aws:iam::123456789012:policy/p1'

/** One of every record the cache keeps. */
async function seed(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.oidcProviders.insert({
      arn: 'arn:aws:iam::123456789012:oidc-provider/example.com/id/AB',
      url: 'example.com/id/AB',
      clientIds: ['sts.amazonaws.com'],
      thumbprints: [],
      tags: [],
      createDate: '2026-01-01T00:00:00Z',
    })
    await tx.roles.insert(role('Alpha'))
    await tx.rolePolicies.put({ roleName: 'Alpha', policyName: 'inline', document: '{"a":1}' })
    await tx.managedPolicies.insert({
      policyId: 'ANPAEXAMPLE000000001',
      policyName: 'p1',
      path: '/',
      arn: policyArn,
      defaultVersionId: 'v1',
      tags: [],
      createDate: '2026-01-01T00:00:00Z',
      updateDate: '2026-01-01T00:00:00Z',
      nextVersion: 2,
    })
    await tx.managedPolicies.insertVersion({
      policyArn,
      versionId: 'v1',
      document: '{}',
      createDate: '2026-01-01T00:00:00Z',
    })
    await tx.attachments.attach('Alpha', policyArn)
    await tx.clusters.insert({
      name: 'c1',
      arn: 'arn:aws:eks:us-east-1:123456789012:cluster/c1',
      issuerId: 'AB',
      status: 'ACTIVE',
      version: '1.31',
      tags: { a: 'b' },
      createdAt: '2026-01-01T00:00:00Z',
    })
    await tx.signingKeys.insert({
      clusterName: 'c1',
      kid: 'k1',
      privateJwk: '{}',
      createdAt: '2026-01-01T00:00:00Z',
      active: true,
    })
  })
}

const auditRecord = (eventId: string) => ({
  eventId,
  eventTime: '2026-01-01T00:00:00Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoleWithWebIdentity',
  requestId: eventId,
  record: '{}',
})

/** A cached store over a fresh in-memory SQLite store, its inner calls counted. */
async function setup(options: Parameters<typeof createCachedStore>[1] = {}) {
  const { store: inner, count } = counting(openSqliteStore(':memory:'))
  const store = createCachedStore(inner, options)
  await seed(store)
  return { store, count }
}

describe('cached store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanyard-cache-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('answers a repeated read of every cached method without the inner store', async () => {
    const { store, count } = await setup()
    const reads: [string, () => Promise<unknown>][] = [
      ['oidcProviders.get', () => store.oidcProviders.get(`${policyArn}x`)],
      ['oidcProviders.getByUrl', () => store.oidcProviders.getByUrl('example.com/id/AB')],
      ['roles.get', () => store.roles.get('Alpha')],
      ['roles.getById', () => store.roles.getById(role('Alpha').roleId)],
      ['rolePolicies.list', () => store.rolePolicies.list('Alpha')],
      ['attachments.listForRole', () => store.attachments.listForRole('Alpha')],
      ['managedPolicies.get', () => store.managedPolicies.get(policyArn)],
      ['managedPolicies.getVersion', () => store.managedPolicies.getVersion(policyArn, 'v1')],
      ['clusters.get', () => store.clusters.get('c1')],
      ['clusters.getByIssuerId', () => store.clusters.getByIssuerId('AB')],
      ['signingKeys.listForCluster', () => store.signingKeys.listForCluster('c1')],
    ]
    for (const [name, read] of reads) {
      const first = await read()
      expect(await read()).toBe(first)
      expect(count(name), name).toBe(1)
    }
    expect((await store.managedPolicies.getVersion(policyArn, 'v1'))?.versionId).toBe('v1')
    expect(await store.managedPolicies.getVersion(`${policyArn}v`, '1')).toBeUndefined()
    expect(count('managedPolicies.getVersion')).toBe(2)
  })

  it('keys role names without regard to case, yet echoes the caller’s spelling', async () => {
    const { store, count } = await setup()
    expect((await store.roles.get('ALPHA'))?.roleName).toBe('Alpha')
    expect((await store.roles.get('alpha'))?.roleName).toBe('Alpha')
    expect(count('roles.get')).toBe(1)
    expect(await store.attachments.listForRole('alpha')).toEqual([policyArn])
    expect(await store.attachments.listForRole('ALPHA')).toEqual([policyArn])
    expect(count('attachments.listForRole')).toBe(1)
    expect((await store.rolePolicies.list('Alpha'))[0]?.roleName).toBe('Alpha')
    const other = await store.rolePolicies.list('ALPHA')
    expect(other).toEqual([{ roleName: 'ALPHA', policyName: 'inline', document: '{"a":1}' }])
    expect(Object.isFrozen(other[0])).toBe(true)
    expect(count('rolePolicies.list')).toBe(1)
  })

  it('passes every other read straight through', async () => {
    const { store, count } = await setup()
    await store.roles.list({ maxItems: 10 })
    await store.roles.list({ maxItems: 10 })
    await store.rolePolicies.get('Alpha', 'inline')
    await store.rolePolicies.get('Alpha', 'inline')
    expect(count('roles.list')).toBe(2)
    expect(count('rolePolicies.get')).toBe(2)
  })

  it('hands out deep-frozen values', async () => {
    const { store } = await setup()
    const r = (await store.roles.get('Alpha')) as RoleRecord
    expect(Object.isFrozen(r) && Object.isFrozen(r.tags) && Object.isFrozen(r.tags[0])).toBe(true)
    expect(() => {
      r.maxSessionDuration = 1
    }).toThrow(TypeError)
    expect(() => r.tags.push({ key: 'x', value: 'y' })).toThrow(TypeError)
    const c = await store.clusters.get('c1')
    expect(Object.isFrozen(c?.tags)).toBe(true)
    const keys = await store.signingKeys.listForCluster('c1')
    expect(Object.isFrozen(keys) && Object.isFrozen(keys[0])).toBe(true)
    expect((await store.roles.get('Alpha'))?.maxSessionDuration).toBe(3600)
  })

  it('shows a direct write to the next read', async () => {
    const { store, count } = await setup()
    await store.rolePolicies.list('Alpha')
    await store.rolePolicies.put({ roleName: 'alpha', policyName: 'more', document: '{}' })
    expect((await store.rolePolicies.list('Alpha')).map((p) => p.policyName)).toEqual([
      'inline',
      'more',
    ])
    await store.roles.get('Alpha')
    await store.roles.update({ ...role('Alpha'), description: 'changed' })
    expect((await store.roles.get('Alpha'))?.description).toBe('changed')
    expect((await store.roles.getById(role('Alpha').roleId))?.description).toBe('changed')
    expect(count('rolePolicies.list')).toBe(2)
  })

  it('shows a committed transaction’s writes to the next read', async () => {
    const { store } = await setup()
    await store.attachments.listForRole('Alpha')
    await store.clusters.getByIssuerId('AB')
    await store.transaction(async (tx) => {
      await tx.attachments.detach('Alpha', policyArn)
      await tx.signingKeys.deleteForCluster('c1')
      await tx.clusters.delete('c1')
    })
    expect(await store.attachments.listForRole('Alpha')).toEqual([])
    expect(await store.clusters.getByIssuerId('AB')).toBeUndefined()
  })

  it('empties the cache on writes to data it does not keep', async () => {
    const { store, count } = await setup()
    await store.roles.get('Alpha')
    await store.meta.set('k', 'v')
    await store.roles.get('Alpha')
    await store.lambdaFunctions.delete('f')
    await store.roles.get('Alpha')
    await store.transaction((tx) => tx.stackExports.removeImports('s'))
    await store.roles.get('Alpha')
    expect(count('roles.get')).toBe(4)
  })

  it('empties the cache even when a write fails', async () => {
    const { store, count } = await setup()
    await store.roles.get('Alpha')
    await expect(store.roles.insert(role('ALPHA'))).rejects.toThrow()
    await store.roles.get('Alpha')
    expect(count('roles.get')).toBe(2)
  })

  it('leaves no stale or phantom value behind a rolled-back transaction', async () => {
    const { store } = await setup()
    expect(await store.roles.get('Ghost')).toBeUndefined()
    expect((await store.roles.get('Alpha'))?.description).toBeUndefined()
    await expect(
      store.transaction(async (tx) => {
        await tx.roles.insert(role('Ghost'))
        await tx.roles.update({ ...role('Alpha'), description: 'uncommitted' })
        // The same SQLite connection: a read outside the transaction sees its uncommitted rows,
        // and the cache may keep them until the transaction ends.
        expect(await store.roles.get('Ghost')).toBeDefined()
        expect((await store.roles.get('Alpha'))?.description).toBe('uncommitted')
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await store.roles.get('Ghost')).toBeUndefined()
    expect((await store.roles.get('Alpha'))?.description).toBeUndefined()
  })

  it('never caches reads inside a transaction', async () => {
    const { store, count } = await setup()
    await store.transaction(async (tx) => {
      await tx.roles.get('Alpha')
      await tx.roles.get('Alpha')
    })
    expect(count('tx.roles.get')).toBe(2)
    const inside = await store.transaction((tx) => tx.roles.get('Alpha'))
    expect(Object.isFrozen(inside)).toBe(false)
    await store.roles.get('Alpha')
    await store.roles.get('Alpha')
    expect(count('roles.get')).toBe(1)
  })

  it('keeps the cache across transactions that only read or write audit rows', async () => {
    const { store, count } = await setup()
    await store.roles.get('Alpha')
    await store.transaction((tx) => tx.roles.list({ maxItems: 1 }))
    await store.transaction((tx) => tx.audit.insertMany([auditRecord('e1')]))
    await store.audit.insertMany([auditRecord('e2')])
    await store.roles.get('Alpha')
    expect(count('roles.get')).toBe(1)
    expect(await store.audit.query({ limit: 10 })).toHaveLength(2)
  })

  it('caches a negative answer until an insert', async () => {
    const { store, count } = await setup()
    expect(await store.roles.get('Nobody')).toBeUndefined()
    expect(await store.roles.get('nobody')).toBeUndefined()
    expect(count('roles.get')).toBe(1)
    await store.transaction((tx) => tx.roles.insert(role('Nobody')))
    expect((await store.roles.get('NOBODY'))?.roleName).toBe('Nobody')
    expect(count('roles.get')).toBe(2)
  })

  it('does not cache a read that a write overtook', async () => {
    const inner = openSqliteStore(':memory:')
    let release: (() => void) | undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let gets = 0
    const slow: Store = {
      ...inner,
      roles: {
        ...inner.roles,
        // The first read answers from the data before the write, after the write finished.
        get: async (name) => {
          gets++
          const answer = await inner.roles.get(name)
          if (gets === 1) await gate
          return answer
        },
      },
    }
    // A clock that stands still: the change counter is read once, by the first read.
    const store = createCachedStore(slow, { now: () => 0 })
    await store.transaction((tx) => tx.roles.insert(role('Alpha')))
    await store.roles.getById('none')
    const racing = store.roles.get('Alpha')
    await store.roles.update({ ...role('Alpha'), description: 'new' })
    release?.()
    expect((await racing)?.description).toBeUndefined()
    expect((await store.roles.get('Alpha'))?.description).toBe('new')
    expect(gets).toBe(2)
  })

  it('stays within maxEntries, keeping entries that are read through a flood of misses', async () => {
    const { store, count } = await setup({ maxEntries: 3 })
    await store.roles.get('Alpha')
    for (let i = 0; i < 100; i++) {
      expect((await store.roles.get('Alpha'))?.roleName).toBe('Alpha')
      expect(await store.roles.get(`missing-${i}`)).toBeUndefined()
    }
    expect(count('roles.get')).toBe(101)
    // Three entries at most: Alpha and the two newest misses.
    await store.roles.get('Alpha')
    await store.roles.get('missing-99')
    await store.roles.get('missing-98')
    expect(count('roles.get')).toBe(101)
    await store.roles.get('missing-97')
    await store.roles.get('missing-0')
    expect(count('roles.get')).toBe(103)
  })

  it('drops the oldest entry that was not read since it was last passed over', async () => {
    const { store, count } = await setup({ maxEntries: 3 })
    for (const name of ['a', 'b', 'c']) await store.roles.get(name)
    await store.roles.get('a')
    await store.roles.get('d')
    expect(count('roles.get')).toBe(4)
    await store.roles.get('a')
    await store.roles.get('c')
    await store.roles.get('d')
    expect(count('roles.get')).toBe(4)
    await store.roles.get('b')
    expect(count('roles.get')).toBe(5)
  })

  it('sees a second connection’s writes once recheckMs has passed', async () => {
    const path = join(dir, 'shared.db')
    let clock = 1000
    const { store: server, count } = counting(openSqliteStore(path))
    const store = createCachedStore(server, { now: () => clock, recheckMs: 1 })
    await seed(store)
    const cli = openSqliteStore(path)
    try {
      expect((await store.oidcProviders.getByUrl('example.com/id/AB'))?.jwks).toBeUndefined()
      expect(await store.roles.get('Beta')).toBeUndefined()
      const provider = await cli.oidcProviders.getByUrl('example.com/id/AB')
      await cli.transaction(async (tx) => {
        if (provider) await tx.oidcProviders.update({ ...provider, jwks: '{"keys":[]}' })
        await tx.roles.insert(role('Beta'))
      })
      // Within recheckMs the cached answers stand, and the counter is read once at most.
      const checks = count('changeCounter')
      expect((await store.oidcProviders.getByUrl('example.com/id/AB'))?.jwks).toBeUndefined()
      expect(await store.roles.get('Beta')).toBeUndefined()
      clock += 0.5
      expect(await store.roles.get('Beta')).toBeUndefined()
      expect(count('changeCounter')).toBe(checks)
      clock += 0.5
      expect((await store.oidcProviders.getByUrl('example.com/id/AB'))?.jwks).toBe('{"keys":[]}')
      expect((await store.roles.get('Beta'))?.roleName).toBe('Beta')
      expect(count('changeCounter')).toBe(checks + 1)
      // Nothing changed since: the answers are cached again.
      const gets = count('roles.get')
      clock += 5
      await store.roles.get('Beta')
      expect(count('roles.get')).toBe(gets)
      // Audit rows from the other connection do not empty the cache.
      await cli.audit.insertMany([auditRecord('e1')])
      clock += 5
      await store.roles.get('Beta')
      expect(count('roles.get')).toBe(gets)
    } finally {
      await cli.close()
      await store.close()
    }
  })

  it('fails a read whose change-counter check fails, and checks again next time', async () => {
    const inner = openSqliteStore(':memory:')
    let broken = true
    let checks = 0
    const flaky: Store = {
      ...inner,
      changeCounter: async () => {
        checks++
        if (broken) throw new Error('database is locked')
        return 0
      },
    }
    const store = createCachedStore(flaky, { now: () => 0 })
    await expect(store.roles.get('Alpha')).rejects.toThrow('database is locked')
    broken = false
    expect(await store.roles.get('Alpha')).toBeUndefined()
    expect(await store.roles.get('Alpha')).toBeUndefined()
    expect(checks).toBe(2)
  })
})

describe('cached store defaults', () => {
  it('looks for other processes’ writes at most every DEFAULT_RECHECK_MS', async () => {
    let clock = 0
    let checks = 0
    const inner = openSqliteStore(':memory:')
    const counted: Store = {
      ...inner,
      changeCounter: async () => {
        checks++
        return (await inner.changeCounter?.()) ?? 0
      },
    }
    const store = createCachedStore(counted, { now: () => clock })
    await store.roles.get('a')
    const first = checks
    clock += DEFAULT_RECHECK_MS - 1
    await store.roles.get('a')
    expect(checks).toBe(first)
    clock += 1
    await store.roles.get('a')
    expect(checks).toBe(first + 1)
    await inner.close()
  })
})
