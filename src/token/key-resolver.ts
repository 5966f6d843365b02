import type { JWK } from 'jose'
import type { CompactJws } from './compact-jws.js'
import { buildKeySet, type KeySelection, type KeySet, type KeySetEntry } from './key-set.js'
import { TOKEN_MESSAGES, tokenError } from './messages.js'
import type { RemoteKeyStore } from './remote-key-store.js'
import type { TrustedProvider, VerifyTokenDeps } from './types.js'

interface LocalEntry {
  ref: readonly JWK[]
  fingerprint: string
  keys: Promise<KeySet>
}

interface UploadedEntry {
  text: string
  keys: Promise<KeySet>
}

const noKey = (cause?: unknown) =>
  tokenError('token.bad_signature', TOKEN_MESSAGES.noVerificationKey, cause)

function chosen(selection: KeySelection): KeySetEntry {
  if (selection === 'none' || selection === 'ambiguous') throw noKey()
  return selection
}

/** Bounded map that forgets its least recently used entry. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  map.delete(key)
  map.set(key, value)
  if (map.size > max) {
    const oldest = map.keys().next().value
    if (oldest !== undefined) map.delete(oldest)
  }
  return value
}

/**
 * Finds the verification key of a token among the keys of its provider, and only there
 * (JWT-22): Lanyard's own issuers from `localKeys` (in process), a provider with an uploaded
 * JWKS from that text (never fetched), any other from the issuer's discovery and JWKS. Key sets
 * are built once and reused until their source changes, so a token costs a map lookup here.
 */
export class KeyResolver {
  readonly #deps: Pick<VerifyTokenDeps, 'localKeys'>
  readonly #remote: RemoteKeyStore
  readonly #maxKeys: number
  readonly #maxEntries: number
  readonly #local = new Map<string, LocalEntry>()
  readonly #uploaded = new Map<string, UploadedEntry>()

  constructor(
    deps: Pick<VerifyTokenDeps, 'localKeys'>,
    remote: RemoteKeyStore,
    maxKeys: number,
    maxEntries: number,
  ) {
    this.#deps = deps
    this.#remote = remote
    this.#maxKeys = maxKeys
    this.#maxEntries = maxEntries
  }

  async resolve(jws: CompactJws, issuer: string, provider: TrustedProvider): Promise<KeySetEntry> {
    const local = await this.#deps.localKeys(issuer)
    if (local !== undefined)
      return chosen((await this.#localSet(issuer, local)).select(jws.spec, jws.kid))
    if (provider.jwks !== undefined) {
      return chosen((await this.#uploadedSet(provider)).select(jws.spec, jws.kid))
    }
    return this.#remoteKey(jws, issuer)
  }

  async #localSet(issuer: string, keys: readonly JWK[]): Promise<KeySet> {
    let entry = this.#local.get(issuer)
    if (entry === undefined || entry.ref !== keys) {
      const fingerprint = JSON.stringify(keys)
      if (entry?.fingerprint === fingerprint) {
        entry.ref = keys
      } else {
        entry = { ref: keys, fingerprint, keys: buildKeySet({ keys }, { maxKeys: this.#maxKeys }) }
        remember(this.#local, issuer, entry, this.#maxEntries)
      }
    }
    return entry.keys.catch((err: unknown) => {
      throw noKey(err)
    })
  }

  async #uploadedSet(provider: TrustedProvider): Promise<KeySet> {
    const text = provider.jwks as string
    let entry = this.#uploaded.get(provider.arn)
    if (entry?.text !== text) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (err) {
        throw noKey(err)
      }
      entry = { text, keys: buildKeySet(parsed, { maxKeys: this.#maxKeys }) }
      remember(this.#uploaded, provider.arn, entry, this.#maxEntries)
    }
    return entry.keys.catch((err: unknown) => {
      throw noKey(err)
    })
  }

  async #remoteKey(jws: CompactJws, issuer: string): Promise<KeySetEntry> {
    const unreachable = (cause: unknown) =>
      tokenError('token.idp_unreachable', TOKEN_MESSAGES.noVerificationKey, cause)
    let keys: KeySet
    try {
      keys = await this.#remote.get(issuer)
    } catch (err) {
      throw unreachable(err)
    }
    const selection = keys.select(jws.spec, jws.kid)
    if (selection !== 'none') return chosen(selection)
    // JWT-15: the issuer may have rotated; look again, at most once per cooldown (OIDC-10).
    let refreshed: KeySet | undefined
    try {
      refreshed = await this.#remote.refreshForUnknownKid(issuer)
    } catch (err) {
      throw unreachable(err)
    }
    if (refreshed === undefined) throw noKey()
    return chosen(refreshed.select(jws.spec, jws.kid))
  }
}
