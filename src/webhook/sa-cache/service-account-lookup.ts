import {
  CoreV1Api,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  type V1ServiceAccount,
} from '@kubernetes/client-node'
import {
  describeApiFailure,
  type KubeConnectionOptions,
  type KubeLogger,
  requestTimeout,
  resolveKubeConfig,
  silentLogger,
} from '../kube/index.js'
import { isServiceAccountRef, type ServiceAccount, toServiceAccount } from './service-account.js'

/** Counters the cache reports to (the webhook's Prometheus metrics). */
export interface ServiceAccountCacheMetrics {
  /** A lookup answered from the cache (a known ServiceAccount, or a remembered 404). */
  hit(): void
  /** A lookup the cache could not answer: a live GET follows. */
  miss(): void
  /** The outcome of that live GET. */
  liveGet?(result: 'found' | 'not_found' | 'error'): void
}

/** Options of {@link createServiceAccountLookup}. */
export interface ServiceAccountLookupOptions extends KubeConnectionOptions {
  metrics?: ServiceAccountCacheMetrics | undefined
  /**
   * Each watch request asks the API server to end it after this many seconds; the watch then
   * resumes from its resourceVersion. A watch that has not reconnected for twice this long is
   * taken for dead (a silently broken connection) and replaced. Default 300.
   */
  resyncSeconds?: number | undefined
  /** Deadline of a live GET on a cache miss, in milliseconds. Default 2000. */
  requestTimeoutMs?: number | undefined
  /** Deadline of one page of the initial list, in milliseconds. Default 30000. */
  listTimeoutMs?: number | undefined
  /** Items per list page (`limit`/`continue` chunking). Default 500. */
  pageSize?: number | undefined
  /** How long a 404 is remembered, in seconds. Default 5. */
  negativeCacheSeconds?: number | undefined
  log?: KubeLogger | undefined
  /** Clock for the negative cache and the watchdog; defaults to `Date.now`. */
  now?: (() => number) | undefined
}

/** A ServiceAccount cache fed by list+watch, with a live GET on a miss. */
export interface ServiceAccountLookup {
  /**
   * The ServiceAccount `namespace/name`, or `undefined` when it does not exist or cannot be
   * read right now (the reason is logged). Never throws.
   */
  lookup(namespace: string, name: string): Promise<ServiceAccount | undefined>
  /**
   * Lists and starts watching. Resolves once the first list has been tried — also when it
   * failed (then it is retried in the background, and lookups use live GETs meanwhile).
   */
  start(): Promise<void>
  /**
   * Stops watching and every timer, and empties the cache: later lookups (and lookups before
   * `start`) are live GETs, never cached answers nothing keeps fresh.
   */
  stop(): void
  /** Whether a full list has been loaded at least once. */
  synced(): boolean
  /** What the cache holds for `namespace/name`, without any API call (diagnostics, tests). */
  peek(namespace: string, name: string): ServiceAccount | undefined
}

const MAX_NEGATIVE_ENTRIES = 10_000
const MAX_RETRY_DELAY_MS = 30_000

/**
 * Creates the webhook's ServiceAccount cache: an informer (list, then watch) of every
 * ServiceAccount through `@kubernetes/client-node`, and on a miss a live GET of that one
 * ServiceAccount, cached. The upstream webhook answers a miss with "not found" (or waits a fixed
 * grace period), so a Pod created right after its ServiceAccount — before the watch delivered it
 * — starts without credentials; here it does not.
 *
 * - A 404 is remembered for `negativeCacheSeconds` (any watch event for that name clears it).
 * - Concurrent misses for one ServiceAccount share one GET.
 * - A GET answer older than a watch event or re-list that arrived meanwhile is not cached.
 * - Any API failure becomes `undefined` plus a logged reason; every call has a deadline.
 * - A failed list or watch is retried with exponential backoff (0.5 s … 30 s) by a fresh
 *   informer, which re-lists; the cache keeps answering meanwhile.
 *
 * @example
 * const sa = createServiceAccountLookup({ inCluster: true, metrics })
 * await sa.start()
 * const found = await sa.lookup('default', 'my-service-account')
 */
export function createServiceAccountLookup(
  options: ServiceAccountLookupOptions = {},
): ServiceAccountLookup {
  const kc = resolveKubeConfig(options)
  const core = kc.makeApiClient(CoreV1Api)
  const log = options.log ?? silentLogger
  const now = options.now ?? Date.now
  const metrics = options.metrics
  const resyncSeconds = Math.max(1, Math.floor(options.resyncSeconds ?? 300))
  const getTimeoutMs = options.requestTimeoutMs ?? 2000
  const listTimeoutMs = options.listTimeoutMs ?? 30_000
  const pageSize = options.pageSize ?? 500
  const negativeMs = (options.negativeCacheSeconds ?? 5) * 1000

  const key = (namespace: string, name: string) => `${namespace}/${name}`
  const cache = new Map<string, ServiceAccount>()
  const negative = new Map<string, number>()
  const inflight = new Map<
    string,
    { promise: Promise<ServiceAccount | undefined>; superseded: boolean }
  >()

  let listed = false
  let running = false
  let generation = 0
  let failures = 0
  let lastActivity = now()
  let informer: ReturnType<typeof makeInformer<V1ServiceAccount>> | undefined
  let retryTimer: NodeJS.Timeout | undefined
  let watchdog: NodeJS.Timeout | undefined
  let starting: Promise<void> | undefined
  // start() resolves at the first list's outcome, not when the watch connects: a server that
  // accepts the watch but never answers must not hold the webhook's startup.
  let settleStart: () => void = () => undefined

  const touch = (k: string) => {
    negative.delete(k)
    const pending = inflight.get(k)
    if (pending) pending.superseded = true
  }

  const remember404 = (k: string) => {
    if (negative.size >= MAX_NEGATIVE_ENTRIES) {
      const t = now()
      for (const [n, expiry] of negative) if (expiry <= t) negative.delete(n)
      if (negative.size >= MAX_NEGATIVE_ENTRIES) negative.clear()
    }
    negative.set(k, now() + negativeMs)
  }

  // The list the informer starts from (and re-lists with after a 410). It is authoritative:
  // the cache is replaced by it.
  const listAll = (gen: number) => async (): Promise<KubernetesListObject<V1ServiceAccount>> => {
    const items: V1ServiceAccount[] = []
    let resourceVersion = ''
    let cont: string | undefined
    do {
      const page = await core.listServiceAccountForAllNamespaces(
        { limit: pageSize, ...(cont !== undefined ? { _continue: cont } : {}) },
        requestTimeout(listTimeoutMs),
      )
      items.push(...page.items)
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion
      cont = page.metadata?._continue || undefined
    } while (cont !== undefined)
    if (gen === generation) {
      cache.clear()
      for (const item of items) {
        const sa = toServiceAccount(item)
        if (sa) cache.set(key(sa.namespace, sa.name), sa)
      }
      negative.clear()
      for (const pending of inflight.values()) pending.superseded = true
      failures = 0
      if (!listed) log.info({ serviceAccounts: cache.size }, 'serviceaccount cache synced')
      listed = true
      settleStart()
    }
    return { apiVersion: 'v1', kind: 'ServiceAccountList', metadata: { resourceVersion }, items }
  }

  const onObject = (gen: number, deleted: boolean) => (obj: KubernetesObject) => {
    if (gen !== generation) return
    const sa = toServiceAccount(obj)
    if (!sa) return
    failures = 0
    lastActivity = now()
    const k = key(sa.namespace, sa.name)
    touch(k)
    if (deleted) cache.delete(k)
    else cache.set(k, sa)
  }

  const scheduleRestart = (why: Record<string, unknown>) => {
    if (!running || retryTimer !== undefined) return
    settleStart()
    const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** failures)
    failures++
    log.warn({ ...why, retryInMs: delay }, 'serviceaccount watch failed; restarting')
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void launch()
    }, delay)
    retryTimer.unref()
  }

  // A fresh informer per (re)start: client-node's ListWatch is not safe to restart while a
  // watch of it is still being torn down, and a stale one's callbacks are ignored by generation.
  const launch = async (): Promise<void> => {
    if (!running) return
    const old = informer
    const gen = ++generation
    old?.stop().catch(() => undefined)
    const path = `/api/v1/serviceaccounts?allowWatchBookmarks=true&timeoutSeconds=${resyncSeconds}`
    const next = makeInformer<V1ServiceAccount>(kc, path, listAll(gen))
    informer = next
    next.on('add', onObject(gen, false))
    next.on('update', onObject(gen, false))
    next.on('delete', onObject(gen, true))
    next.on('connect', () => {
      if (gen === generation) lastActivity = now()
    })
    next.on('error', (err: unknown) => {
      if (gen !== generation) return
      scheduleRestart({ ...describeApiFailure(err) })
    })
    lastActivity = now()
    try {
      await next.start()
    } catch (err) {
      if (gen === generation) scheduleRestart({ ...describeApiFailure(err) })
    }
  }

  const liveGet = (k: string, namespace: string, name: string) => {
    const entry = {
      superseded: false,
      promise: Promise.resolve<ServiceAccount | undefined>(undefined),
    }
    entry.promise = (async () => {
      try {
        const obj = await core.readNamespacedServiceAccount(
          { namespace, name },
          requestTimeout(getTimeoutMs),
        )
        metrics?.liveGet?.('found')
        // The watch or a re-list spoke about this name while we waited: it is the fresher word.
        if (entry.superseded) return cache.get(k)
        const sa = toServiceAccount(obj)
        // Only a watch keeps an entry fresh: without one, every lookup asks the API server.
        if (sa && running) cache.set(k, sa)
        return sa
      } catch (err) {
        const failure = describeApiFailure(err)
        if (failure.status === 404) {
          metrics?.liveGet?.('not_found')
          if (entry.superseded) return cache.get(k)
          if (running) remember404(k)
          return undefined
        }
        metrics?.liveGet?.('error')
        log.warn(
          { namespace, serviceAccount: name, ...failure },
          'serviceaccount lookup failed; the pod gets no credentials',
        )
        return undefined
      } finally {
        inflight.delete(k)
      }
    })()
    inflight.set(k, entry)
    return entry.promise
  }

  return {
    async lookup(namespace, name) {
      if (!isServiceAccountRef(namespace, name)) return undefined
      const k = key(namespace, name)
      const hit = cache.get(k)
      if (hit) {
        metrics?.hit()
        return hit
      }
      const expiry = negative.get(k)
      if (expiry !== undefined) {
        if (expiry > now()) {
          metrics?.hit()
          return undefined
        }
        negative.delete(k)
      }
      metrics?.miss()
      return inflight.get(k)?.promise ?? liveGet(k, namespace, name)
    },

    start() {
      if (starting !== undefined) return starting
      running = true
      watchdog = setInterval(() => {
        if (!running || retryTimer !== undefined) return
        // A healthy watch reconnects every resyncSeconds (the server ends it) or carries events.
        const silentMs = now() - lastActivity
        if (silentMs > 2 * resyncSeconds * 1000) {
          log.warn({ silentMs }, 'serviceaccount watch stalled; restarting')
          void launch()
        }
      }, resyncSeconds * 1000)
      watchdog.unref()
      starting = new Promise<void>((resolve) => {
        settleStart = resolve
        void launch().then(resolve)
      })
      return starting
    },

    stop() {
      running = false
      starting = undefined
      generation++
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      if (watchdog !== undefined) clearInterval(watchdog)
      retryTimer = undefined
      watchdog = undefined
      informer?.stop().catch(() => undefined)
      informer = undefined
      // Nothing keeps the cache fresh any more: forget it rather than answer stale.
      cache.clear()
      negative.clear()
      for (const pending of inflight.values()) pending.superseded = true
      listed = false
    },

    synced: () => listed,

    peek: (namespace, name) => cache.get(key(namespace, name)),
  }
}
