import { remember } from '../bounded-map.js'
import { cacheTtlMs, type TtlBounds } from './cache-control.js'
import { fetchJsonGuarded, type GuardedFetchDeps } from './guarded-fetch.js'
import { buildKeySet, type KeySet } from './key-set.js'

/** Tuning of {@link RemoteKeyStore}; every duration in milliseconds. */
export interface RemoteKeyStoreOptions {
  readonly fetchTimeoutMs: number
  readonly maxDiscoveryBytes: number
  readonly maxJwksBytes: number
  readonly maxKeys: number
  readonly ttl: TtlBounds
  /** At most one fetch per issuer per this long because of an unknown `kid` (OIDC-10). */
  readonly refetchCooldownMs: number
  /** After a failed fetch, callers get the failure (or the stale set) for this long. */
  readonly failureBackoffMs: number
  /** How long past its TTL a set is still used while the issuer cannot be reached (OIDC-09). */
  readonly maxStaleMs: number
  /** Issuers whose state is kept; the least recently used is dropped beyond this. */
  readonly maxIssuers: number
}

interface IssuerState {
  keys: KeySet | undefined
  freshUntil: number
  staleUntil: number
  lastAttempt: number
  failure: { at: number; error: unknown } | undefined
  inflight: Promise<KeySet> | undefined
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The discovery url of an issuer (OpenID Connect Discovery 1.0 §4.1: drop one trailing `/`). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.endsWith('/') ? issuer.slice(0, -1) : issuer}/.well-known/openid-configuration`
}

/**
 * JWKS of external issuers, fetched by discovery and cached per issuer. `get` serves the cached
 * set while fresh; after its TTL (from the JWKS response's `Cache-Control`, bounded) it keeps
 * serving it while one background refetch runs, and keeps the last good set for `maxStaleMs`
 * past the TTL when refetches fail or return no usable key (OIDC-08, OIDC-09). One fetch per
 * issuer runs at a time; a failure is remembered for `failureBackoffMs`. `refreshForUnknownKid` refetches at
 * most once per `refetchCooldownMs` per issuer, however many unknown `kid`s arrive (JWT-15,
 * OIDC-10). Fetch failures are thrown as plain `Error`s with the reason.
 */
export class RemoteKeyStore {
  readonly #deps: GuardedFetchDeps
  readonly #now: () => number
  readonly #options: RemoteKeyStoreOptions
  readonly #issuers = new Map<string, IssuerState>()

  constructor(deps: GuardedFetchDeps, now: () => number, options: RemoteKeyStoreOptions) {
    this.#deps = deps
    this.#now = now
    this.#options = options
  }

  #state(issuer: string): IssuerState {
    let state = this.#issuers.get(issuer)
    if (state === undefined) {
      state = {
        keys: undefined,
        freshUntil: 0,
        staleUntil: 0,
        lastAttempt: Number.NEGATIVE_INFINITY,
        failure: undefined,
        inflight: undefined,
      }
    }
    return remember(this.#issuers, issuer, state, this.#options.maxIssuers)
  }

  /** The issuer's key set, fetched when there is no fresh one. */
  async get(issuer: string): Promise<KeySet> {
    const state = this.#state(issuer)
    const now = this.#now()
    if (state.keys !== undefined && now < state.freshUntil) return state.keys
    const backingOff =
      state.failure !== undefined && now - state.failure.at < this.#options.failureBackoffMs
    if (state.keys !== undefined && now < state.staleUntil) {
      // Past its TTL but within the stale bound: answer now, refetch in the background, so a
      // refresh never adds a round trip to a request.
      if (state.inflight === undefined && !backingOff) {
        this.#load(issuer, state).catch(() => undefined)
      }
      return state.keys
    }
    if (state.inflight !== undefined) return this.#settle(state, state.inflight)
    if (backingOff) throw state.failure?.error
    return this.#settle(state, this.#load(issuer, state))
  }

  /**
   * Refetches because a token named a `kid` the cached set lacks. Returns the new set, or
   * `undefined` when the issuer was fetched less than `refetchCooldownMs` ago.
   */
  async refreshForUnknownKid(issuer: string): Promise<KeySet | undefined> {
    const state = this.#state(issuer)
    if (state.inflight !== undefined) return this.#settle(state, state.inflight)
    if (this.#now() - state.lastAttempt < this.#options.refetchCooldownMs) return undefined
    return this.#settle(state, this.#load(issuer, state))
  }

  async #settle(state: IssuerState, pending: Promise<KeySet>): Promise<KeySet> {
    try {
      return await pending
    } catch (err) {
      if (state.keys !== undefined && this.#now() < state.staleUntil) return state.keys
      throw err
    }
  }

  #load(issuer: string, state: IssuerState): Promise<KeySet> {
    state.lastAttempt = this.#now()
    const pending = this.#fetchKeySet(issuer).then(
      ({ keys, ttlMs }) => {
        const now = this.#now()
        state.keys = keys
        state.freshUntil = now + ttlMs
        state.staleUntil = now + ttlMs + this.#options.maxStaleMs
        state.failure = undefined
        state.inflight = undefined
        return keys
      },
      (error: unknown) => {
        state.failure = { at: this.#now(), error }
        state.inflight = undefined
        throw error
      },
    )
    state.inflight = pending
    return pending
  }

  async #fetchKeySet(issuer: string): Promise<{ keys: KeySet; ttlMs: number }> {
    const o = this.#options
    const discovery = await fetchJsonGuarded(discoveryUrl(issuer), this.#deps, {
      timeoutMs: o.fetchTimeoutMs,
      maxBytes: o.maxDiscoveryBytes,
    })
    const doc = discovery.body
    if (!isObject(doc)) throw new Error('discovery document is not a JSON object')
    // OpenID Connect Discovery 1.0 §4.3: the issuer must be identical to the one used (OIDC-05).
    if (doc.issuer !== issuer) throw new Error('discovery `issuer` does not match the token issuer')
    if (typeof doc.jwks_uri !== 'string') throw new Error('discovery document has no `jwks_uri`')
    const jwks = await fetchJsonGuarded(doc.jwks_uri, this.#deps, {
      timeoutMs: o.fetchTimeoutMs,
      maxBytes: o.maxJwksBytes,
    })
    const keys = await buildKeySet(jwks.body, { maxKeys: o.maxKeys })
    // OIDC-09: a set without one usable key never replaces a good one.
    if (keys.size === 0) throw new Error('the JWK Set has no usable key')
    return { keys, ttlMs: cacheTtlMs(jwks.cacheControl, o.ttl) }
  }
}
