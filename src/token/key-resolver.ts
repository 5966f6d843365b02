import type { JWK } from 'jose'
import { remember } from '../bounded-map.js'
import type { CompactJws } from './compact-jws.js'
import { buildKeySet, type KeySelection, type KeySet, type KeySetEntry } from './key-set.js'
import { TOKEN_MESSAGES, tokenError } from './messages.js'
import type { RemoteKeyStore } from './remote-key-store.js'
import type { TrustedProvider, VerifyTokenDeps } from './types.js'

interface Built {
  keys: Promise<KeySet>
  /** Set once `keys` resolved, so later tokens skip the promise. */
  ready: KeySet | undefined
}

interface LocalEntry extends Built {
  ref: readonly JWK[]
  fingerprint: string
}

interface UploadedEntry extends Built {
  text: string
}

function build(jwks: unknown, maxKeys: number): Built {
  const built: Built = { keys: buildKeySet(jwks, { maxKeys }), ready: undefined }
  built.keys.then(
    (keys) => {
      built.ready = keys
    },
    () => undefined,
  )
  return built
}

async function settled(built: Built): Promise<KeySet> {
  if (built.ready !== undefined) return built.ready
  try {
    return await built.keys
  } catch (err) {
    throw noKey(err)
  }
}

const noKey = (cause?: unknown) =>
  tokenError('token.bad_signature', TOKEN_MESSAGES.noVerificationKey, cause)

function chosen(selection: KeySelection): KeySetEntry {
  if (selection === 'none' || selection === 'ambiguous') throw noKey()
  return selection
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
    if (local !== undefined) {
      const built = this.#localSet(issuer, local)
      return chosen((built.ready ?? (await settled(built))).select(jws.spec, jws.kid))
    }
    if (provider.jwks !== undefined) {
      const built = this.#uploadedSet(provider, provider.jwks)
      return chosen((built.ready ?? (await settled(built))).select(jws.spec, jws.kid))
    }
    return this.#remoteKey(jws, issuer)
  }

  #localSet(issuer: string, keys: readonly JWK[]): Built {
    let entry = this.#local.get(issuer)
    if (entry === undefined || entry.ref !== keys) {
      const fingerprint = JSON.stringify(keys)
      if (entry?.fingerprint === fingerprint) {
        entry.ref = keys
      } else {
        // The entry is the built object itself, so `ready` lands on it.
        entry = Object.assign(build({ keys }, this.#maxKeys), { ref: keys, fingerprint })
        remember(this.#local, issuer, entry, this.#maxEntries)
      }
    }
    return entry
  }

  #uploadedSet(provider: TrustedProvider, text: string): Built {
    let entry = this.#uploaded.get(provider.arn)
    if (entry?.text !== text) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (err) {
        throw noKey(err)
      }
      entry = Object.assign(build(parsed, this.#maxKeys), { text })
      remember(this.#uploaded, provider.arn, entry, this.#maxEntries)
    }
    return entry
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
