import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { DEFAULT_IAM_LIMITS, type IamLimits } from './config.js'
import { createIamService } from './service.js'

const ACCOUNT = '123456789012'
const URL = 'https://oidc.example.com/id/ABC'
const ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example.com/id/ABC`
const THUMB = 'a'.repeat(40)

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

function setup(limits: Partial<IamLimits> = {}) {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const iam = createIamService(
    { store, accountId: ACCOUNT, now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    { strictTrust: false, limits: { ...DEFAULT_IAM_LIMITS, ...limits } },
  )
  return { store, iam }
}

describe('OIDC providers', () => {
  it('create, get, list, delete', async () => {
    const { iam } = setup()
    const created = await iam.createOidcProvider({
      url: URL,
      clientIds: ['sts.amazonaws.com', 'sts.amazonaws.com', 'other'],
      thumbprints: [THUMB],
      tags: [{ key: 'team', value: 'a' }],
    })
    expect(created).toEqual({ arn: ARN, tags: [{ key: 'team', value: 'a' }] })
    expect(await iam.getOidcProvider(ARN)).toEqual({
      arn: ARN,
      url: 'oidc.example.com/id/ABC',
      clientIds: ['sts.amazonaws.com', 'other'],
      thumbprints: [THUMB],
      createDate: '2024-01-02T03:04:05.678Z',
      tags: [{ key: 'team', value: 'a' }],
    })
    expect(await iam.listOidcProviders()).toEqual([{ arn: ARN }])
    await iam.deleteOidcProvider(ARN)
    expect(await iam.listOidcProviders()).toEqual([])
    // Idempotent, as documented for DeleteOpenIDConnectProvider.
    await iam.deleteOidcProvider(ARN)
  })

  it('accepts a provider URL with a port (Lanyard issuers usually have one)', async () => {
    const { iam } = setup()
    const { arn } = await iam.createOidcProvider({ url: 'https://127.0.0.1:4566/id/ABC' })
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:4566/id/ABC`)
  })

  it.each([
    { name: 'http scheme', url: 'http://oidc.example.com', code: 'request.invalid' },
    { name: 'no scheme', url: 'oidc.example.com', code: 'request.invalid' },
    { name: 'query', url: 'https://oidc.example.com/?a=b', code: 'request.invalid' },
    { name: 'fragment', url: 'https://oidc.example.com/#x', code: 'request.invalid' },
    { name: 'empty host', url: 'https://', code: 'request.invalid' },
    { name: 'too long', url: `https://${'a'.repeat(250)}`, code: 'request.validation' },
  ])('refuses a bad URL: $name', async ({ url, code }) => {
    const { iam } = setup()
    await expect(iam.createOidcProvider({ url })).rejects.toMatchObject({ code })
    expect(await iam.listOidcProviders()).toEqual([])
  })

  it.each([
    {
      name: 'duplicate URL',
      limits: {},
      prepare: true,
      input: { url: URL },
      code: 'entity.exists',
      message: `Provider with url ${URL} already exists.`,
    },
    {
      name: 'too many providers',
      limits: { oidcProvidersPerAccount: 1 },
      prepare: true,
      input: { url: 'https://other.example.com' },
      code: 'entity.limit_exceeded',
      message: 'Cannot exceed quota for OpenIdConnectProvidersPerAccount: 1',
    },
    {
      name: 'too many client ids',
      limits: {},
      prepare: false,
      input: { url: URL, clientIds: Array.from({ length: 101 }, (_, i) => `c${i}`) },
      code: 'entity.limit_exceeded',
      message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100',
    },
    {
      name: 'too many thumbprints',
      limits: {},
      prepare: false,
      input: { url: URL, thumbprints: ['1', '2', '3', '4', '5', '6'].map((c) => c.repeat(40)) },
      code: 'request.invalid',
      message: 'Thumbprint list must contain fewer than 5 entries.',
    },
    {
      name: 'thumbprint of the wrong length',
      limits: {},
      prepare: false,
      input: { url: URL, thumbprints: ['abc'] },
      code: 'request.validation',
      message:
        "1 validation error detected: Value 'abc' at 'thumbprintList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 40",
    },
    {
      name: 'duplicate tag keys',
      limits: {},
      prepare: false,
      input: {
        url: URL,
        tags: [
          { key: 'a', value: '1' },
          { key: 'A', value: '2' },
        ],
      },
      code: 'request.invalid',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    },
  ])('create fails: $name', async ({ limits, prepare, input, code, message }) => {
    const { iam } = setup(limits)
    if (prepare) await iam.createOidcProvider({ url: URL })
    await expect(iam.createOidcProvider(input)).rejects.toMatchObject({ code, message })
    expect((await iam.listOidcProviders()).length).toBe(prepare ? 1 : 0)
  })

  it('client ids: add is idempotent, remove is idempotent, the limit holds', async () => {
    const { iam } = setup({ clientIdsPerOidcProvider: 2 })
    await iam.createOidcProvider({ url: URL, clientIds: ['a'] })
    await iam.addOidcClientId(ARN, 'b')
    await iam.addOidcClientId(ARN, 'b')
    await expect(iam.addOidcClientId(ARN, 'c')).rejects.toMatchObject({
      code: 'entity.limit_exceeded',
      message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 2',
    })
    await iam.removeOidcClientId(ARN, 'a')
    await iam.removeOidcClientId(ARN, 'zzz')
    expect((await iam.getOidcProvider(ARN)).clientIds).toEqual(['b'])
  })

  it('thumbprints are replaced, not merged', async () => {
    const { iam } = setup()
    await iam.createOidcProvider({ url: URL, thumbprints: [THUMB] })
    await iam.updateOidcThumbprints(ARN, ['b'.repeat(40), 'c'.repeat(40)])
    expect((await iam.getOidcProvider(ARN)).thumbprints).toEqual(['b'.repeat(40), 'c'.repeat(40)])
    await expect(
      iam.updateOidcThumbprints(
        ARN,
        ['1', '2', '3', '4', '5', '6'].map((c) => c.repeat(40)),
      ),
    ).rejects.toMatchObject({ code: 'request.invalid' })
  })

  it('tags: merge overwriting case-insensitively, untag, list sorted and paged', async () => {
    const { iam } = setup({ tagsPerResource: 3 })
    await iam.createOidcProvider({ url: URL, tags: [{ key: 'b', value: '1' }] })
    await iam.tagOidcProvider(ARN, [
      { key: 'B', value: '2' },
      { key: 'a', value: '3' },
    ])
    const first = await iam.listOidcProviderTags(ARN, { maxItems: 1 })
    expect(first).toMatchObject({ items: [{ key: 'B', value: '2' }], isTruncated: true })
    const second = await iam.listOidcProviderTags(ARN, { maxItems: 1, marker: first.marker })
    expect(second).toEqual({ items: [{ key: 'a', value: '3' }], isTruncated: false })
    await iam.tagOidcProvider(ARN, [{ key: 'c', value: '' }])
    await expect(iam.tagOidcProvider(ARN, [{ key: 'd', value: '' }])).rejects.toMatchObject({
      code: 'entity.limit_exceeded',
    })
    await iam.untagOidcProvider(ARN, ['b', 'C', 'absent'])
    expect((await iam.getOidcProvider(ARN)).tags).toEqual([{ key: 'a', value: '3' }])
  })

  it.each([
    ['get', (iam: ReturnType<typeof setup>['iam']) => iam.getOidcProvider(ARN)],
    ['addClientId', (iam: ReturnType<typeof setup>['iam']) => iam.addOidcClientId(ARN, 'x')],
    ['removeClientId', (iam: ReturnType<typeof setup>['iam']) => iam.removeOidcClientId(ARN, 'x')],
    [
      'updateThumbprints',
      (iam: ReturnType<typeof setup>['iam']) => iam.updateOidcThumbprints(ARN, []),
    ],
    ['tag', (iam: ReturnType<typeof setup>['iam']) => iam.tagOidcProvider(ARN, [])],
    ['untag', (iam: ReturnType<typeof setup>['iam']) => iam.untagOidcProvider(ARN, [])],
    ['listTags', (iam: ReturnType<typeof setup>['iam']) => iam.listOidcProviderTags(ARN)],
  ])('%s of a missing provider: NoSuchEntity', async (_name, op) => {
    const { iam } = setup()
    await expect(op(iam)).rejects.toMatchObject({
      code: 'entity.not_found',
      message: `OpenIDConnect Provider not found for arn ${ARN}`,
    })
  })
})
