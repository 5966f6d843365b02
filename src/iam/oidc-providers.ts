import { LanyardError } from '../errors.js'
import type { OidcProviderRecord, StoreTx } from '../store/ports.js'
import { oidcProviderArn } from './arns.js'
import { assertModel, IAM_RULES } from './constraints.js'
import type { IamContext } from './context.js'
import { IAM_MESSAGES, IAM_QUOTA_NAMES } from './messages.js'
import { pageList } from './paging.js'
import { assertTagCount, checkRequestTags, mergeTags, removeTags } from './tags.js'
import type {
  CreateOidcProviderInput,
  IamService,
  OidcProvider,
  Paged,
  PageOptions,
  Tag,
} from './types.js'

/**
 * The provider URL as IAM stores it: without `https://`. "The URL must begin with https:// …
 * path components are allowed but query parameters are not" (CreateOpenIDConnectProvider).
 * A port is accepted: Lanyard's own issuers usually have one (`https://127.0.0.1:4566/id/…`).
 */
export function providerUrlWithoutScheme(url: string): string {
  assertModel([['url', url, IAM_RULES.oidcUrl]])
  const invalid = () => new LanyardError('request.invalid', IAM_MESSAGES.oidcInvalidUrl)
  if (!url.startsWith('https://')) throw invalid()
  const rest = url.slice('https://'.length)
  if (rest === '' || rest.startsWith('/') || /[?#\s]/.test(rest)) throw invalid()
  try {
    new URL(url)
  } catch {
    throw invalid()
  }
  return rest
}

function toProvider(r: OidcProviderRecord): OidcProvider {
  return {
    arn: r.arn,
    url: r.url,
    clientIds: [...r.clientIds],
    thumbprints: [...r.thumbprints],
    createDate: r.createDate,
    tags: r.tags.map((t) => ({ ...t })),
  }
}

const unique = (xs: readonly string[]) => [...new Set(xs)]

export function createOidcProviderOps(
  ctx: IamContext,
): Pick<
  IamService,
  | 'createOidcProvider'
  | 'getOidcProvider'
  | 'listOidcProviders'
  | 'deleteOidcProvider'
  | 'addOidcClientId'
  | 'removeOidcClientId'
  | 'updateOidcThumbprints'
  | 'tagOidcProvider'
  | 'untagOidcProvider'
  | 'listOidcProviderTags'
> {
  const limits = ctx.config.limits
  const { store } = ctx

  const checkClientIds = (ids: readonly string[]) => {
    assertModel(ids.map((id, i) => [`clientIDList.${i + 1}.member`, id, IAM_RULES.clientId]))
    if (ids.length > limits.clientIdsPerOidcProvider) {
      throw new LanyardError(
        'entity.limit_exceeded',
        IAM_MESSAGES.quota(
          IAM_QUOTA_NAMES.clientIdsPerOidcProvider,
          limits.clientIdsPerOidcProvider,
        ),
      )
    }
  }

  const checkThumbprints = (thumbprints: readonly string[]) => {
    assertModel(
      thumbprints.map((t, i) => [`thumbprintList.${i + 1}.member`, t, IAM_RULES.thumbprint]),
    )
    if (thumbprints.length > limits.thumbprintsPerOidcProvider) {
      throw new LanyardError(
        'request.invalid',
        IAM_MESSAGES.tooManyThumbprints(limits.thumbprintsPerOidcProvider),
      )
    }
  }

  const load = async (tx: StoreTx, arn: string): Promise<OidcProviderRecord> => {
    const record = await tx.oidcProviders.get(arn)
    if (!record) throw new LanyardError('entity.not_found', IAM_MESSAGES.oidcNotFound(arn))
    return record
  }

  const modify = (arn: string, change: (r: OidcProviderRecord) => OidcProviderRecord) =>
    store.transaction(async (tx) => {
      const record = await load(tx, arn)
      await tx.oidcProviders.update(change(record))
    })

  return {
    async createOidcProvider(
      input: CreateOidcProviderInput,
    ): Promise<{ arn: string; tags: Tag[] }> {
      const url = providerUrlWithoutScheme(input.url)
      const clientIds = unique(input.clientIds ?? [])
      checkClientIds(clientIds)
      const thumbprints = unique(input.thumbprints ?? [])
      checkThumbprints(thumbprints)
      const tags = checkRequestTags(input.tags)
      assertTagCount(tags, limits.tagsPerResource, IAM_QUOTA_NAMES.tagsPerOidcProvider)
      const arn = oidcProviderArn(ctx.accountId, url)
      await store.transaction(async (tx) => {
        if (await tx.oidcProviders.getByUrl(url)) {
          throw new LanyardError('entity.exists', IAM_MESSAGES.oidcExists(input.url))
        }
        if ((await tx.oidcProviders.count()) >= limits.oidcProvidersPerAccount) {
          throw new LanyardError(
            'entity.limit_exceeded',
            IAM_MESSAGES.quota(
              IAM_QUOTA_NAMES.oidcProvidersPerAccount,
              limits.oidcProvidersPerAccount,
            ),
          )
        }
        await tx.oidcProviders.insert({
          arn,
          url,
          clientIds,
          thumbprints,
          tags,
          createDate: ctx.timestamp(),
        })
      })
      return { arn, tags }
    },

    async getOidcProvider(arn: string): Promise<OidcProvider> {
      return toProvider(await load(store, arn))
    },

    async listOidcProviders(): Promise<{ arn: string }[]> {
      return (await store.oidcProviders.list()).map((r) => ({ arn: r.arn }))
    },

    /** Idempotent, as in AWS: deleting a provider that does not exist succeeds. */
    async deleteOidcProvider(arn: string): Promise<void> {
      await store.transaction(async (tx) => {
        await tx.oidcProviders.delete(arn)
      })
    },

    /** Idempotent: adding a client id already registered succeeds and changes nothing. */
    async addOidcClientId(arn: string, clientId: string): Promise<void> {
      assertModel([['clientID', clientId, IAM_RULES.clientId]])
      await modify(arn, (r) => {
        if (r.clientIds.includes(clientId)) return r
        const clientIds = [...r.clientIds, clientId]
        checkClientIds(clientIds)
        return { ...r, clientIds }
      })
    },

    /** Idempotent: removing a client id that is not registered succeeds. */
    async removeOidcClientId(arn: string, clientId: string): Promise<void> {
      assertModel([['clientID', clientId, IAM_RULES.clientId]])
      await modify(arn, (r) => ({ ...r, clientIds: r.clientIds.filter((c) => c !== clientId) }))
    },

    /** Replaces the whole list ("The lists are not merged"). */
    async updateOidcThumbprints(arn: string, thumbprints: readonly string[]): Promise<void> {
      const list = unique(thumbprints)
      checkThumbprints(list)
      await modify(arn, (r) => ({ ...r, thumbprints: list }))
    },

    async tagOidcProvider(arn: string, tags: readonly Tag[]): Promise<void> {
      await modify(arn, (r) => ({
        ...r,
        tags: mergeTags(r.tags, tags, limits.tagsPerResource, IAM_QUOTA_NAMES.tagsPerOidcProvider),
      }))
    },

    async untagOidcProvider(arn: string, tagKeys: readonly string[]): Promise<void> {
      await modify(arn, (r) => ({ ...r, tags: removeTags(r.tags, tagKeys) }))
    },

    async listOidcProviderTags(arn: string, page?: PageOptions): Promise<Paged<Tag>> {
      const record = await load(store, arn)
      return pageList(record.tags, page)
    },
  }
}
