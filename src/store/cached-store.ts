import { deepFreeze } from '../deep-freeze.js'
import type { RolePolicyRecord, Store, StoreTx } from './ports.js'

/**
 * Other processes' writes are looked for at most this often. Reading the counter is an SQLite read,
 * and right after another connection committed (the audit indexer does, under load)
 * a read costs about 30 µs on this machine, as the connection must re-read the WAL index: once
 * per request that is a fifth of the exchange's budget, ten times a second it is nothing.
 */
export const DEFAULT_RECHECK_MS = 100

export interface CachedStoreOptions {
  /** Most entries kept (negative answers included); see `createCachedStore` for which go. */
  maxEntries?: number
  /** How often, at most, `Store.changeCounter` is read to see other processes' writes (ms; default {@link DEFAULT_RECHECK_MS}). */
  recheckMs?: number
  /**
   * Where to read the change counter from instead of `inner.changeCounter` — e.g. a value another
   * thread polls, so that looking costs no database read on this one.
   */
  changeCounter?: () => Promise<number>
  /** Monotonic milliseconds (default `performance.now`). */
  now?: () => number
}

/** A cached read: the method's arguments (all strings) → the part of the key after the method. */
interface CacheRule {
  key: (...args: string[]) => string
  /** Fixes up a value cached under another spelling of the same key. */
  adapt?: (value: unknown, ...args: string[]) => unknown
}

/**
 * How each method is forwarded: `read` goes straight through; `cached` is read through the cache
 * outside transactions; `write` empties the cache; `audit` is a write that cannot change any
 * cached value, so it goes straight through. Every method of every repo must be listed (the type
 * checks it), so a method added to a port has to be classified here.
 */
type Rule = 'read' | 'write' | 'audit' | CacheRule
type RepoRules<R> = { readonly [K in keyof R]-?: Rule }

const exact: CacheRule = { key: (a) => a }
/** Role names are unique without regard to case: the SQLite adapter's `name_key`. */
const roleName: CacheRule = { key: (name) => name.toLowerCase() }
const pair: CacheRule = { key: (a, b) => `${a.length}:${a}${b}` }

const RULES: { readonly [K in keyof StoreTx]: RepoRules<StoreTx[K]> } = {
  meta: { get: 'read', set: 'write' },
  oidcProviders: {
    get: exact,
    getByUrl: exact,
    list: 'read',
    count: 'read',
    insert: 'write',
    update: 'write',
    delete: 'write',
  },
  roles: {
    get: roleName,
    getById: exact,
    list: 'read',
    count: 'read',
    insert: 'write',
    update: 'write',
    delete: 'write',
  },
  rolePolicies: {
    get: 'read',
    list: {
      ...roleName,
      // Records carry the role name as the caller spelled it.
      adapt: (value, name) => {
        const list = value as readonly RolePolicyRecord[]
        return list[0] === undefined || list[0].roleName === name
          ? list
          : deepFreeze(list.map((p) => ({ ...p, roleName: name })))
      },
    },
    put: 'write',
    delete: 'write',
  },
  managedPolicies: {
    get: exact,
    list: 'read',
    count: 'read',
    insert: 'write',
    update: 'write',
    delete: 'write',
    getVersion: pair,
    listVersions: 'read',
    insertVersion: 'write',
    deleteVersion: 'write',
  },
  attachments: { listForRole: roleName, countForPolicy: 'read', attach: 'write', detach: 'write' },
  clusters: {
    get: exact,
    getByIssuerId: exact,
    list: 'read',
    insert: 'write',
    delete: 'write',
  },
  signingKeys: { listForCluster: exact, insert: 'write', deleteForCluster: 'write' },
  audit: { insertMany: 'audit', query: 'read', journalPosition: 'read' },
  stacks: { get: 'read', getLive: 'read', list: 'read', insert: 'write', update: 'write' },
  stackEvents: { append: 'write', list: 'read' },
  stackResources: {
    get: 'read',
    list: 'read',
    findByPhysicalId: 'read',
    put: 'write',
    delete: 'write',
  },
  stackExports: {
    get: 'read',
    list: 'read',
    put: 'write',
    delete: 'write',
    listImports: 'read',
    addImport: 'write',
    removeImports: 'write',
  },
  changeSets: {
    get: 'read',
    getByName: 'read',
    listForStack: 'read',
    put: 'write',
    delete: 'write',
  },
  lambdaFunctions: { get: 'read', getByArn: 'read', put: 'write', delete: 'write' },
}

type Method = (...args: unknown[]) => Promise<unknown>

/** A cached answer; `used` is set by a hit and cleared when eviction passes the entry over. */
interface Entry {
  value: unknown
  used: boolean
}

/** `inner`'s repos with each method replaced by `wrap(rule, call, keyPrefix)`. */
function forwardRepos(
  inner: StoreTx,
  wrap: (rule: Rule, call: Method, keyPrefix: string) => Method,
): StoreTx {
  const out: Record<string, Record<string, Method>> = {}
  for (const [repoName, rules] of Object.entries(RULES)) {
    const repo = inner[repoName as keyof StoreTx] as unknown as Record<string, Method>
    const methods: Record<string, Method> = {}
    for (const [name, rule] of Object.entries(rules as Record<string, Rule>)) {
      const call: Method = (...args) => (repo[name] as Method).apply(repo, args)
      methods[name] = wrap(rule, call, `${repoName}.${name}\u0000`)
    }
    out[repoName] = methods
  }
  return out as unknown as StoreTx
}

/**
 * A read-through cache in front of `inner` for the rows every STS exchange and signed call reads
 * (OIDC providers, roles, their inline policies and attachments, managed policies and versions,
 * clusters, signing keys). Hits are map lookups; values handed out are deep-frozen.
 *
 * Exactness:
 * - Any write through this store (every method but reads and `audit.insertMany`, on the store or
 *   on a transaction's `tx`) empties the cache when it settles, and a transaction that wrote
 *   empties it again when it commits or rolls back. Reads inside a transaction go to the
 *   transaction and are never cached (they may see uncommitted data).
 * - A read stores its answer only if no emptying happened while it was in flight (generation
 *   counter), so a read racing a write cannot cache what the write replaced.
 * - Writes by other processes: the change counter (`options.changeCounter`, else
 *   `inner.changeCounter()`) is read at most once every `recheckMs`
 *   before a cached read is answered, and a changed value empties the cache. A write another
 *   process committed more than `recheckMs` before a read is therefore seen by that read. An
 *   adapter without `changeCounter` gets no such invalidation.
 *
 * Bounded to `maxEntries` (default 10 000): lookups of names that do not exist cannot grow it,
 * and entries read while such a flood passes keep their place (second-chance eviction).
 */
export function createCachedStore(inner: Store, options: CachedStoreOptions = {}): Store {
  const maxEntries = options.maxEntries ?? 10_000
  const recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS
  const now = options.now ?? (() => performance.now())
  const entries = new Map<string, Entry>()
  let generation = 0
  /** Counts writes started through this store, to tell whether a transaction wrote. */
  let writes = 0

  const clear = () => {
    generation++
    entries.clear()
  }

  const changeCounter = options.changeCounter ?? inner.changeCounter?.bind(inner)
  let checkedAt = Number.NEGATIVE_INFINITY
  let counter: number | undefined
  let checking: Promise<void> | undefined
  /** Reads the change counter when it is due; the promise settles once the cache is current. */
  const recheck = (): Promise<void> | undefined => {
    if (changeCounter === undefined) return undefined
    if (checking !== undefined) return checking
    const t = now()
    if (t - checkedAt < recheckMs) return undefined
    checkedAt = t
    checking = changeCounter().then(
      (n) => {
        checking = undefined
        if (n !== counter) {
          counter = n
          clear()
        }
      },
      (err: unknown) => {
        checking = undefined
        checkedAt = Number.NEGATIVE_INFINITY
        counter = undefined
        clear()
        throw err
      },
    )
    return checking
  }

  /**
   * Second chance (CLOCK) over Map insertion order: the oldest entry goes, unless it was read
   * since it was last passed over, in which case it moves to the back. A hit only sets a flag
   * (re-inserting on every hit would cost more than the lookup itself).
   */
  const remember = (key: string, value: unknown) => {
    if (maxEntries < 1) return
    entries.delete(key)
    while (entries.size >= maxEntries) {
      const [oldestKey, oldest] = entries.entries().next().value as [string, Entry]
      entries.delete(oldestKey)
      if (oldest.used) {
        oldest.used = false
        entries.set(oldestKey, oldest)
      }
    }
    entries.set(key, { value, used: false })
  }

  const lookup = (key: string): Entry | undefined => {
    const hit = entries.get(key)
    if (hit !== undefined) hit.used = true
    return hit
  }

  const load = async (key: string, call: Method, args: unknown[]): Promise<unknown> => {
    const seen = generation
    const value = deepFreeze(await call(...args))
    if (generation === seen) remember(key, value)
    return value
  }

  /** Answers from the cache when it can (no await on a hit), else from `call`. */
  const cachedRead = (key: string, call: Method, args: unknown[]): Promise<unknown> => {
    const due = recheck()
    if (due !== undefined) {
      return due.then(() => {
        const hit = lookup(key)
        return hit === undefined ? load(key, call, args) : hit.value
      })
    }
    const hit = lookup(key)
    if (hit === undefined) return load(key, call, args)
    return Promise.resolve(hit.value)
  }

  const write = async (call: Method, args: unknown[]): Promise<unknown> => {
    writes++
    try {
      return await call(...args)
    } finally {
      clear()
    }
  }

  const top = forwardRepos(inner, (rule, call, prefix) => {
    if (rule === 'read' || rule === 'audit') return call
    if (rule === 'write') return (...args) => write(call, args)
    const { key, adapt } = rule
    if (adapt === undefined) {
      return (...args) => cachedRead(prefix + key(...(args as string[])), call, args)
    }
    return (...args) =>
      cachedRead(prefix + key(...(args as string[])), call, args).then((value) =>
        adapt(value, ...(args as string[])),
      )
  })

  const txViews = new WeakMap<StoreTx, StoreTx>()
  const txView = (tx: StoreTx): StoreTx => {
    let view = txViews.get(tx)
    if (view === undefined) {
      view = forwardRepos(tx, (rule, call) =>
        rule === 'write' ? (...args) => write(call, args) : call,
      )
      txViews.set(tx, view)
    }
    return view
  }

  return {
    ...top,
    async transaction(fn) {
      const before = writes
      try {
        return await inner.transaction((tx) => fn(txView(tx)))
      } finally {
        // Committed or rolled back: what was read meanwhile may hold its uncommitted writes.
        if (writes !== before) clear()
      }
    },
    ...(changeCounter !== undefined ? { changeCounter } : {}),
    async close() {
      clear()
      await inner.close()
    },
  }
}
