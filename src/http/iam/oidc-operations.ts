import { IAM_RULES, type IamService } from '../../iam/index.js'
import type { QueryOperation } from '../operation.js'
import type { QueryInput } from '../query-input.js'
import {
  acceptListAlias,
  readPage,
  readTagKeys,
  readTags,
  required,
  requireList,
} from './wire-input.js'
import { oidcProviderXml, pageXml, tagsXml } from './wire-shapes.js'

const providerArn = (input: QueryInput) =>
  input.string('OpenIDConnectProviderArn', required(IAM_RULES.arn))

/** The OpenID Connect provider actions. */
export function oidcOperations(iam: IamService): Record<string, QueryOperation> {
  return {
    CreateOpenIDConnectProvider: {
      async handle(raw) {
        const input = acceptListAlias(raw, ['ClientIDList', 'ThumbprintList'])
        const url = input.string('Url', required(IAM_RULES.oidcUrl))
        const clientIds = input.list('ClientIDList', IAM_RULES.clientId)
        const thumbprints = input.list('ThumbprintList', IAM_RULES.thumbprint)
        const tags = readTags(input)
        input.done()
        const created = await iam.createOidcProvider({ url, clientIds, thumbprints, tags })
        return {
          OpenIDConnectProviderArn: created.arn,
          Tags: created.tags.length > 0 ? tagsXml(created.tags) : undefined,
        }
      },
    },
    GetOpenIDConnectProvider: {
      async handle(input) {
        const arn = providerArn(input)
        input.done()
        return oidcProviderXml(await iam.getOidcProvider(arn))
      },
    },
    ListOpenIDConnectProviders: {
      async handle(input) {
        input.done()
        const list = await iam.listOidcProviders()
        return { OpenIDConnectProviderList: list.map((p) => ({ Arn: p.arn })) }
      },
    },
    DeleteOpenIDConnectProvider: {
      async handle(input) {
        const arn = providerArn(input)
        input.done()
        await iam.deleteOidcProvider(arn)
        return undefined
      },
    },
    AddClientIDToOpenIDConnectProvider: {
      async handle(input) {
        const arn = providerArn(input)
        const clientId = input.string('ClientID', required(IAM_RULES.clientId))
        input.done()
        await iam.addOidcClientId(arn, clientId)
        return undefined
      },
    },
    RemoveClientIDFromOpenIDConnectProvider: {
      async handle(input) {
        const arn = providerArn(input)
        const clientId = input.string('ClientID', required(IAM_RULES.clientId))
        input.done()
        await iam.removeOidcClientId(arn, clientId)
        return undefined
      },
    },
    UpdateOpenIDConnectProviderThumbprint: {
      async handle(input) {
        const arn = providerArn(input)
        const thumbprints = requireList(
          input,
          'ThumbprintList',
          input.list('ThumbprintList', IAM_RULES.thumbprint),
        )
        input.done()
        await iam.updateOidcThumbprints(arn, thumbprints)
        return undefined
      },
    },
    TagOpenIDConnectProvider: {
      async handle(input) {
        const arn = providerArn(input)
        const tags = requireList(input, 'Tags', readTags(input))
        input.done()
        await iam.tagOidcProvider(arn, tags)
        return undefined
      },
    },
    UntagOpenIDConnectProvider: {
      async handle(input) {
        const arn = providerArn(input)
        const keys = requireList(input, 'TagKeys', readTagKeys(input))
        input.done()
        await iam.untagOidcProvider(arn, keys)
        return undefined
      },
    },
    ListOpenIDConnectProviderTags: {
      async handle(input) {
        const arn = providerArn(input)
        const page = readPage(input)
        input.done()
        const tags = await iam.listOidcProviderTags(arn, page)
        return { Tags: tagsXml(tags.items), ...pageXml(tags) }
      },
    },
  }
}
