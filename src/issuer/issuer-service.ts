import { LanyardError } from '../errors.js'
import {
  buildDiscoveryDocument,
  buildJwks,
  type DiscoveryDocument,
  importSigningKey,
  isIssuerId,
  issuerUrl,
  type Jwks,
  mintServiceAccountToken,
  type PublicSigningJwk,
  type SigningKey,
} from '../oidc/index.js'
import type { ClusterRecord, SigningKeyRecord, Store } from '../store/ports.js'

export interface IssuerDeps {
  store: Store
  issuerBaseUrl: () => string
  now: () => number
}

export interface MintTokenInput {
  /** Defaults to the only cluster when there is exactly one. */
  clusterName?: string
  namespace: string
  serviceAccount: string
  audiences?: string[]
  expirationSeconds?: number
  podName?: string
  podUid?: string
}

export type IssuerService = ReturnType<typeof createIssuerService>

/** Serves each cluster's OIDC issuer (discovery + JWKS) and mints its service-account tokens. */
export function createIssuerService(deps: IssuerDeps) {
  const keysOf = async (records: SigningKeyRecord[]): Promise<SigningKey[]> =>
    Promise.all(
      records.map((r) => importSigningKey(JSON.parse(r.privateJwk), { createdAt: r.createdAt })),
    )

  const clusterFor = async (name: string | undefined): Promise<ClusterRecord> => {
    if (name !== undefined) {
      const c = await deps.store.clusters.get(name)
      if (!c) throw new LanyardError('entity.not_found', `No cluster found for name: ${name}.`)
      return c
    }
    const page = await deps.store.clusters.list({ maxItems: 2 })
    if (page.items.length !== 1) {
      throw new LanyardError(
        'request.invalid',
        page.items.length === 0
          ? 'there is no cluster yet: create one first'
          : 'there are several clusters: name one with --cluster',
      )
    }
    return page.items[0] as ClusterRecord
  }

  // Keys of our own issuers, for in-process token verification (the exchange's hot path). An
  // entry lives a few seconds so other replicas' key changes are seen; the same array instance is
  // returned while unchanged, which lets the verifier skip re-importing.
  const LOCAL_TTL_MS = 5000
  const local = new Map<
    string,
    { at: number; cluster: string; keys: readonly PublicSigningJwk[] }
  >()
  // Keyed by the issuer URL as the token names it: a hit costs one lookup.
  const localEntry = async (issuer: string) => {
    const hit = local.get(issuer)
    const now = deps.now()
    if (hit && now - hit.at < LOCAL_TTL_MS) return hit
    const prefix = `${deps.issuerBaseUrl()}/id/`
    if (!issuer.startsWith(prefix)) return undefined
    const id = issuer.slice(prefix.length)
    if (!isIssuerId(id)) return undefined
    const c = await deps.store.clusters.getByIssuerId(id)
    if (!c) {
      local.delete(issuer)
      return undefined
    }
    const keys = buildJwks(await keysOf(await deps.store.signingKeys.listForCluster(c.name))).keys
    const same = hit && hit.cluster === c.name && JSON.stringify(hit.keys) === JSON.stringify(keys)
    const entry = { at: now, cluster: c.name, keys: same ? hit.keys : keys }
    local.set(issuer, entry)
    return entry
  }

  return {
    issuerFor: (c: ClusterRecord) => issuerUrl(deps.issuerBaseUrl(), c.issuerId),

    /** Public keys of one of our issuers, or undefined when `issuer` is not ours. */
    localKeys: async (issuer: string) => (await localEntry(issuer))?.keys,

    /** The cluster an issuer of ours belongs to. */
    clusterForIssuer: async (issuer: string) => (await localEntry(issuer))?.cluster,

    async discovery(issuerId: string): Promise<DiscoveryDocument | undefined> {
      const c = await deps.store.clusters.getByIssuerId(issuerId)
      if (!c) return undefined
      return buildDiscoveryDocument(issuerUrl(deps.issuerBaseUrl(), c.issuerId))
    },

    async jwks(issuerId: string): Promise<Jwks | undefined> {
      const c = await deps.store.clusters.getByIssuerId(issuerId)
      if (!c) return undefined
      return buildJwks(await keysOf(await deps.store.signingKeys.listForCluster(c.name)))
    },

    async mintToken(
      input: MintTokenInput,
    ): Promise<{ token: string; issuer: string; cluster: string }> {
      const c = await clusterFor(input.clusterName)
      const records = await deps.store.signingKeys.listForCluster(c.name)
      const active = records.filter((r) => r.active).at(-1)
      if (!active)
        throw new LanyardError(
          'entity.not_found',
          `cluster \`${c.name}\` has no active signing key`,
        )
      const [key] = await keysOf([active])
      const issuer = issuerUrl(deps.issuerBaseUrl(), c.issuerId)
      const token = await mintServiceAccountToken({
        issuer,
        key: key as SigningKey,
        namespace: input.namespace,
        serviceAccount: input.serviceAccount,
        audiences: input.audiences,
        expirationSeconds: input.expirationSeconds,
        podName: input.podName,
        podUid: input.podUid,
        now: deps.now(),
      })
      return { token, issuer, cluster: c.name }
    },
  }
}
