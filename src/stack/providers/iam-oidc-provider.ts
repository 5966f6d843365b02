import { ignoreMissing } from './iam-role.js'
import { changedProperties, strList, tagList } from './properties.js'
import type { ResourceProvider } from './provider.js'

/**
 * AWS::IAM::OIDCProvider (aws-resource-iam-oidcprovider): `Ref` and `Arn` are the provider ARN.
 * Client ids, thumbprints and tags update in place; a new URL is a new provider.
 */
export const iamOidcProviderProvider: ResourceProvider = {
  type: 'AWS::IAM::OIDCProvider',
  properties: {
    Url: { required: true, update: 'replace', type: 'String' },
    ClientIdList: { update: 'mutable', type: 'List' },
    ThumbprintList: { update: 'mutable', type: 'List' },
    Tags: { update: 'mutable', type: 'List' },
  },
  attributes: ['Arn'],

  async create(ctx, p) {
    const url = String(p.Url)
    const arn = `arn:${ctx.partition}:iam::${ctx.accountId}:oidc-provider/${url.replace(/^https:\/\//, '')}`
    const created = await ctx.perform(
      { service: 'iam', action: 'CreateOpenIDConnectProvider', resource: arn, parameters: { url } },
      () =>
        ctx.iam.createOidcProvider({
          url,
          clientIds: strList(p.ClientIdList),
          thumbprints: strList(p.ThumbprintList),
          tags: tagList(p.Tags),
        }),
    )
    return { physicalId: created.arn, attributes: { Arn: created.arn } }
  },

  async update(ctx, arn, p, old, attributes) {
    const changed = changedProperties(p, old)
    const call = (action: string, fn: () => Promise<void>) =>
      ctx.perform(
        { service: 'iam', action, resource: arn, parameters: { openIDConnectProviderArn: arn } },
        fn,
      )
    if (changed.includes('ClientIdList')) {
      const next = strList(p.ClientIdList)
      const before = strList(old.ClientIdList)
      for (const c of next)
        if (!before.includes(c))
          await call('AddClientIDToOpenIDConnectProvider', () => ctx.iam.addOidcClientId(arn, c))
      for (const c of before)
        if (!next.includes(c))
          await call('RemoveClientIDFromOpenIDConnectProvider', () =>
            ctx.iam.removeOidcClientId(arn, c),
          )
    }
    if (changed.includes('ThumbprintList'))
      await call('UpdateOpenIDConnectProviderThumbprint', () =>
        ctx.iam.updateOidcThumbprints(arn, strList(p.ThumbprintList)),
      )
    if (changed.includes('Tags')) {
      const next = tagList(p.Tags)
      const removed = tagList(old.Tags)
        .map((t) => t.key)
        .filter((k) => !next.some((t) => t.key === k))
      if (removed.length > 0)
        await call('UntagOpenIDConnectProvider', () => ctx.iam.untagOidcProvider(arn, removed))
      if (next.length > 0)
        await call('TagOpenIDConnectProvider', () => ctx.iam.tagOidcProvider(arn, next))
    }
    return { physicalId: arn, attributes }
  },

  async delete(ctx, arn) {
    await ctx.perform(
      {
        service: 'iam',
        action: 'DeleteOpenIDConnectProvider',
        resource: arn,
        parameters: { openIDConnectProviderArn: arn },
      },
      () => ignoreMissing(() => ctx.iam.deleteOidcProvider(arn)),
    )
  },
}
