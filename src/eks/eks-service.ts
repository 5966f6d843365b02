import { LanyardError } from '../errors.js'
import { generateSigningKey, issuerUrl, newIssuerId } from '../oidc/index.js'
import type { ClusterRecord, Store } from '../store/ports.js'

export interface EksDeps {
  store: Store
  accountId: string
  region: string
  /** The public base URL issuers live under (`<base>/id/<ID>`). */
  issuerBaseUrl: () => string
  now: () => number
}

/** A cluster as the EKS API describes it (camelCase; wire names match). */
export interface ClusterView {
  name: string
  arn: string
  createdAt: Date
  version: string
  roleArn?: string
  identity: { oidc: { issuer: string } }
  status: string
  tags: Record<string, string>
}

export interface CreateClusterInput {
  name: string
  version?: string
  roleArn?: string
  tags?: Record<string, string>
}

/** EKS's model: `^[0-9A-Za-z][A-Za-z0-9\-_]*`, 1..100 characters. */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/
/** The Kubernetes version a new cluster reports when none is asked for. */
export const DEFAULT_KUBERNETES_VERSION = '1.33'

export type EksService = ReturnType<typeof createEksService>

/** EKS clusters: each one owns an OIDC issuer and its signing keys. */
export function createEksService(deps: EksDeps) {
  // A record's view is built once: the store cache hands out the same frozen record until a
  // write replaces it, and the issuer base changes at most once (when the server listens).
  const views = new WeakMap<ClusterRecord, { base: string; view: ClusterView }>()
  const view = (c: ClusterRecord): ClusterView => {
    const base = deps.issuerBaseUrl()
    const kept = views.get(c)
    if (kept !== undefined && kept.base === base) return kept.view
    const v: ClusterView = {
      name: c.name,
      arn: c.arn,
      createdAt: new Date(c.createdAt),
      version: c.version,
      identity: { oidc: { issuer: issuerUrl(base, c.issuerId) } },
      status: c.status,
      tags: c.tags,
    }
    if (c.roleArn !== undefined) v.roleArn = c.roleArn
    views.set(c, { base, view: v })
    return v
  }

  const notFound = (name: string) =>
    new LanyardError('entity.not_found', `No cluster found for name: ${name}.`)

  return {
    async createCluster(input: CreateClusterInput): Promise<ClusterView> {
      if (!CLUSTER_NAME.test(input.name)) {
        throw new LanyardError(
          'request.invalid',
          `The cluster name \`${input.name.slice(0, 100)}\` must match ^[0-9A-Za-z][A-Za-z0-9\\-_]* and have at most 100 characters.`,
        )
      }
      if (input.version !== undefined && !/^\d+\.\d+$/.test(input.version)) {
        throw new LanyardError(
          'request.invalid',
          `unsupported Kubernetes version \`${input.version.slice(0, 32)}\``,
        )
      }
      // Key generation is CPU work outside the transaction (which must await only the store).
      const key = await generateSigningKey({ now: deps.now() })
      const record: ClusterRecord = {
        name: input.name,
        arn: `arn:aws:eks:${deps.region}:${deps.accountId}:cluster/${input.name}`,
        issuerId: newIssuerId(),
        status: 'ACTIVE',
        version: input.version ?? DEFAULT_KUBERNETES_VERSION,
        tags: input.tags ?? {},
        createdAt: new Date(deps.now()).toISOString(),
      }
      if (input.roleArn !== undefined) record.roleArn = input.roleArn
      await deps.store.transaction(async (tx) => {
        if (await tx.clusters.get(input.name)) {
          throw new LanyardError('entity.exists', `Cluster already exists with name: ${input.name}`)
        }
        await tx.clusters.insert(record)
        await tx.signingKeys.insert({
          clusterName: input.name,
          kid: key.kid,
          privateJwk: JSON.stringify(key.privateJwk),
          createdAt: key.createdAt,
          active: true,
        })
      })
      return view(record)
    },

    async describeCluster(name: string): Promise<ClusterView> {
      const c = await deps.store.clusters.get(name)
      if (!c) throw notFound(name)
      return view(c)
    },

    async listClusters(options: { maxResults?: number; nextToken?: string }) {
      const page = await deps.store.clusters.list({
        maxItems: options.maxResults ?? 100,
        ...(options.nextToken !== undefined ? { marker: options.nextToken } : {}),
      })
      return { clusters: page.items.map((c) => c.name), nextToken: page.marker }
    },

    async deleteCluster(name: string): Promise<ClusterView> {
      return deps.store.transaction(async (tx) => {
        const c = await tx.clusters.get(name)
        if (!c) throw notFound(name)
        await tx.signingKeys.deleteForCluster(name)
        await tx.clusters.delete(name)
        return { ...view(c), status: 'DELETING' }
      })
    },
  }
}
