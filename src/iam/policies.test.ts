import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { DEFAULT_IAM_LIMITS, type IamLimits } from './config.js'
import { policySize } from './policy-size.js'
import { createIamService } from './service.js'
import type { IamService } from './types.js'

const ACCOUNT = '123456789012'
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})
const doc = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  })
const IDENTITY = doc('s3:GetObject')
const P = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:policy${path}${name}`

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

function setup(limits: Partial<IamLimits> = {}) {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  let clock = Date.UTC(2024, 0, 2, 3, 4, 5, 0)
  let n = 0
  const iam = createIamService(
    {
      store,
      accountId: ACCOUNT,
      now: () => clock,
      randomId: (prefix) => `${prefix}${String(++n).padStart(17, 'X')}`,
    },
    { strictTrust: false, limits: { ...DEFAULT_IAM_LIMITS, ...limits } },
  )
  return { store, iam, tick: () => (clock += 1000) }
}

describe('inline role policies', () => {
  it('put, get, list (sorted, paged), replace, delete', async () => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    await iam.putRolePolicy('r', 'b', IDENTITY)
    await iam.putRolePolicy('R', 'a', IDENTITY)
    await iam.putRolePolicy('r', 'b', doc('s3:PutObject'))
    expect(await iam.getRolePolicy('r', 'b')).toEqual({
      roleName: 'r',
      policyName: 'b',
      policyDocument: doc('s3:PutObject'),
    })
    const first = await iam.listRolePolicies('r', { maxItems: 1 })
    expect(first).toMatchObject({ items: ['a'], isTruncated: true })
    expect(await iam.listRolePolicies('r', { marker: first.marker })).toEqual({
      items: ['b'],
      isTruncated: false,
    })
    await iam.deleteRolePolicy('r', 'a')
    expect((await iam.listRolePolicies('r')).items).toEqual(['b'])
  })

  it.each([
    {
      name: 'Principal in an identity policy',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
      }),
      code: 'policy.malformed',
      message: expect.stringMatching(/principal/i),
    },
    {
      name: 'invalid JSON',
      document: '{"Version":',
      code: 'policy.malformed',
      message: 'This policy contains invalid Json',
    },
    {
      name: 'character outside the policy alphabet',
      document: doc('s3:GetObject').replace('*', '\u0100'),
      code: 'request.validation',
      message:
        "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    },
  ])('put refuses $name', async ({ document, code, message }) => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    await expect(iam.putRolePolicy('r', 'p', document)).rejects.toMatchObject({ code, message })
    expect((await iam.listRolePolicies('r')).items).toEqual([])
  })

  it('enforces the aggregate inline size per role, replacement included', async () => {
    const size = policySize(IDENTITY)
    const { iam } = setup({ inlinePolicySizePerRole: size * 2 })
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    await iam.putRolePolicy('r', 'a', IDENTITY)
    await iam.putRolePolicy('r', 'b', IDENTITY)
    await iam.putRolePolicy('r', 'b', IDENTITY)
    await expect(iam.putRolePolicy('r', 'c', IDENTITY)).rejects.toMatchObject({
      code: 'policy.too_large',
      message: `Maximum policy size of ${size * 2} bytes exceeded for role r`,
    })
    expect((await iam.listRolePolicies('r')).items).toEqual(['a', 'b'])
  })

  it.each([
    ['get', (iam: IamService) => iam.getRolePolicy('r', 'nope')],
    ['delete', (iam: IamService) => iam.deleteRolePolicy('r', 'nope')],
  ])('%s of a missing inline policy: NoSuchEntity', async (_name, op) => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    await expect(op(iam)).rejects.toMatchObject({
      code: 'entity.not_found',
      message: 'The role policy with name nope cannot be found.',
    })
  })
})

describe('managed policies', () => {
  it('create and get', async () => {
    const { iam } = setup()
    const created = await iam.createPolicy({
      policyName: 'p',
      path: '/team/',
      policyDocument: IDENTITY,
      description: 'd',
      tags: [{ key: 'k', value: 'v' }],
    })
    const expected = {
      policyName: 'p',
      policyId: 'ANPAXXXXXXXXXXXXXXXX1',
      arn: P('p', '/team/'),
      path: '/team/',
      defaultVersionId: 'v1',
      attachmentCount: 0,
      permissionsBoundaryUsageCount: 0,
      isAttachable: true,
      description: 'd',
      createDate: '2024-01-02T03:04:05.000Z',
      updateDate: '2024-01-02T03:04:05.000Z',
      tags: [{ key: 'k', value: 'v' }],
    }
    expect(created).toEqual({ policy: expected, findings: [] })
    expect(await iam.getPolicy(P('p', '/team/'))).toEqual(expected)
    expect(await iam.getPolicyVersion(P('p', '/team/'), 'v1')).toEqual({
      document: IDENTITY,
      versionId: 'v1',
      isDefaultVersion: true,
      createDate: '2024-01-02T03:04:05.000Z',
    })
  })

  it.each([
    {
      name: 'same name, other case and path',
      input: { policyName: 'EXISTING', path: '/x/', policyDocument: IDENTITY },
      code: 'entity.exists',
      message: 'A policy called EXISTING already exists. Duplicate names are not allowed.',
    },
    {
      name: 'document over the managed quota',
      limits: { managedPolicySize: policySize(IDENTITY) - 1 },
      input: { policyName: 'p', policyDocument: IDENTITY },
      code: 'policy.too_large',
      message: `Cannot exceed quota for PolicySize: ${policySize(IDENTITY) - 1}`,
    },
    {
      name: 'trust-style document',
      input: { policyName: 'p', policyDocument: TRUST },
      code: 'policy.malformed',
    },
    {
      name: 'bad path',
      input: { policyName: 'p', path: '/a b/', policyDocument: IDENTITY },
      code: 'request.validation',
    },
  ])('create fails: $name', async ({ limits, input, code, message }) => {
    const { iam } = setup(limits)
    await iam
      .createPolicy({
        policyName: 'existing',
        policyDocument: '{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}',
      })
      .catch(() => undefined)
    await expect(iam.createPolicy(input)).rejects.toMatchObject(
      message ? { code, message } : { code },
    )
    expect((await iam.listPolicies()).items.filter((p) => p.policyName !== 'existing')).toEqual([])
  })

  it('versions: create, list, set default, delete, limit, numbering never reused', async () => {
    const { iam, tick } = setup({ versionsPerPolicy: 3 })
    const arn = (await iam.createPolicy({ policyName: 'p', policyDocument: IDENTITY })).policy.arn
    tick()
    const v2 = await iam.createPolicyVersion(arn, doc('s3:PutObject'))
    expect(v2).toEqual({
      version: {
        document: doc('s3:PutObject'),
        versionId: 'v2',
        isDefaultVersion: false,
        createDate: '2024-01-02T03:04:06.000Z',
      },
      // s3:PutObject on every resource: a valid policy, a lint warning.
      findings: [expect.objectContaining({ code: 'resource.star_write', severity: 'warning' })],
    })
    const v3 = await iam.createPolicyVersion(arn, doc('s3:ListBucket'), true)
    expect(v3.version.isDefaultVersion).toBe(true)
    const policy = await iam.getPolicy(arn)
    expect(policy).toMatchObject({ defaultVersionId: 'v3', updateDate: '2024-01-02T03:04:06.000Z' })
    await expect(iam.createPolicyVersion(arn, IDENTITY)).rejects.toMatchObject({
      code: 'entity.limit_exceeded',
      message:
        'A managed policy can have up to 3 versions. Before you create a new version, you must delete an existing version.',
    })
    expect(
      (await iam.listPolicyVersions(arn)).items.map((v) => [v.versionId, v.isDefaultVersion]),
    ).toEqual([
      ['v3', true],
      ['v2', false],
      ['v1', false],
    ])
    await expect(iam.deletePolicyVersion(arn, 'v3')).rejects.toMatchObject({
      code: 'entity.delete_conflict',
      message: 'Cannot delete the default version of a policy.',
    })
    await iam.setDefaultPolicyVersion(arn, 'v1')
    await iam.deletePolicyVersion(arn, 'v3')
    expect((await iam.createPolicyVersion(arn, IDENTITY)).version.versionId).toBe('v4')
    await expect(iam.getPolicyVersion(arn, 'v3')).rejects.toMatchObject({
      code: 'entity.not_found',
      message: `Policy ${arn} version v3 does not exist or is not attachable.`,
    })
    await expect(iam.setDefaultPolicyVersion(arn, 'v9')).rejects.toMatchObject({
      code: 'entity.not_found',
    })
    await expect(iam.deletePolicyVersion(arn, 'v9')).rejects.toMatchObject({
      code: 'entity.not_found',
    })
    await expect(iam.getPolicyVersion(arn, 'x1')).rejects.toMatchObject({
      code: 'request.validation',
    })
  })

  it('delete: refused while attached, used as a boundary or with versions', async () => {
    const { iam } = setup()
    const arn = (await iam.createPolicy({ policyName: 'p', policyDocument: IDENTITY })).policy.arn
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    await iam.attachRolePolicy('r', arn)
    const attached = {
      code: 'entity.delete_conflict',
      message: 'Cannot delete a policy attached to entities.',
    }
    await expect(iam.deletePolicy(arn)).rejects.toMatchObject(attached)
    await iam.detachRolePolicy('r', arn)
    await iam.putRolePermissionsBoundary('r', arn)
    await expect(iam.deletePolicy(arn)).rejects.toMatchObject(attached)
    await iam.deleteRolePermissionsBoundary('r')
    await iam.createPolicyVersion(arn, IDENTITY)
    await expect(iam.deletePolicy(arn)).rejects.toMatchObject({
      code: 'entity.delete_conflict',
      message:
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    })
    await iam.deletePolicyVersion(arn, 'v2')
    await iam.deletePolicy(arn)
    await expect(iam.getPolicy(arn)).rejects.toMatchObject({
      code: 'entity.not_found',
      message: `Policy ${arn} was not found.`,
    })
  })

  it('attach, detach, list attached (path prefix, paging), attachment counts', async () => {
    const { iam } = setup({ managedPoliciesPerRole: 2 })
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    const a = (await iam.createPolicy({ policyName: 'a', path: '/x/', policyDocument: IDENTITY }))
      .policy.arn
    const b = (await iam.createPolicy({ policyName: 'b', policyDocument: IDENTITY })).policy.arn
    const c = (await iam.createPolicy({ policyName: 'c', policyDocument: IDENTITY })).policy.arn
    await iam.attachRolePolicy('r', a)
    await iam.attachRolePolicy('r', b)
    await iam.attachRolePolicy('r', b)
    await expect(iam.attachRolePolicy('r', c)).rejects.toMatchObject({
      code: 'entity.limit_exceeded',
      message: 'Cannot exceed quota for PoliciesPerRole: 2',
    })
    expect((await iam.getPolicy(b)).attachmentCount).toBe(1)
    const first = await iam.listAttachedRolePolicies('r', { maxItems: 1 })
    expect(first).toMatchObject({ items: [{ policyName: 'a', policyArn: a }], isTruncated: true })
    expect((await iam.listAttachedRolePolicies('r', { marker: first.marker })).items).toEqual([
      { policyName: 'b', policyArn: b },
    ])
    expect((await iam.listAttachedRolePolicies('r', { pathPrefix: '/x/' })).items).toEqual([
      { policyName: 'a', policyArn: a },
    ])
    await iam.detachRolePolicy('r', a)
    await expect(iam.detachRolePolicy('r', a)).rejects.toMatchObject({
      code: 'entity.not_found',
      message: `Policy ${a} was not found.`,
    })
    await expect(iam.attachRolePolicy('r', P('none'))).rejects.toMatchObject({
      code: 'entity.not_found',
      message: `Policy ${P('none')} does not exist or is not attachable.`,
    })
    await expect(iam.attachRolePolicy('r', 'arn:aws:iam::aws:role/x')).rejects.toMatchObject({
      code: 'request.invalid',
      message: 'ARN arn:aws:iam::aws:role/x is not valid.',
    })
  })

  it('lists with scope, only-attached, path prefix, usage filter and paging', async () => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    for (const [name, path] of [
      ['a', '/'],
      ['b', '/team/'],
      ['c', '/team/'],
      ['d', '/'],
    ] as const) {
      await iam.createPolicy({ policyName: name, path, policyDocument: IDENTITY })
    }
    await iam.attachRolePolicy('r', P('b', '/team/'))
    await iam.putRolePermissionsBoundary('r', P('d'))
    const names = (page: { items: { policyName: string }[] }) => page.items.map((p) => p.policyName)
    expect(names(await iam.listPolicies())).toEqual(['a', 'd', 'b', 'c'])
    expect(names(await iam.listPolicies({ scope: 'AWS' }))).toEqual([])
    expect(names(await iam.listPolicies({ scope: 'Local', pathPrefix: '/team/' }))).toEqual([
      'b',
      'c',
    ])
    expect(names(await iam.listPolicies({ onlyAttached: true }))).toEqual(['b'])
    expect(names(await iam.listPolicies({ policyUsageFilter: 'PermissionsBoundary' }))).toEqual([
      'd',
    ])
    const listed = (await iam.listPolicies()).items.find((p) => p.policyName === 'd')
    expect(listed).toMatchObject({ attachmentCount: 0, permissionsBoundaryUsageCount: 1 })
    const seen: string[] = []
    let marker: string | undefined
    do {
      const page = await iam.listPolicies({ maxItems: 3, marker })
      seen.push(...names(page))
      marker = page.marker
    } while (marker !== undefined)
    expect(seen).toEqual(['a', 'd', 'b', 'c'])
  })

  it('lists the roles a policy is attached to or bounds', async () => {
    const { iam } = setup()
    const arn = (await iam.createPolicy({ policyName: 'p', policyDocument: IDENTITY })).policy.arn
    await iam.createRole({ roleName: 'attached', assumeRolePolicyDocument: TRUST })
    await iam.createRole({ roleName: 'bounded', path: '/b/', assumeRolePolicyDocument: TRUST })
    await iam.createRole({ roleName: 'other', assumeRolePolicyDocument: TRUST })
    await iam.attachRolePolicy('attached', arn)
    await iam.putRolePermissionsBoundary('bounded', arn)
    const names = async (input: Parameters<IamService['listEntitiesForPolicy']>[0]) =>
      (await iam.listEntitiesForPolicy(input)).roles.map((r) => r.roleName)
    expect(await names({ policyArn: arn })).toEqual(['attached', 'bounded'])
    expect(await names({ policyArn: arn, policyUsageFilter: 'PermissionsPolicy' })).toEqual([
      'attached',
    ])
    expect(await names({ policyArn: arn, policyUsageFilter: 'PermissionsBoundary' })).toEqual([
      'bounded',
    ])
    expect(await names({ policyArn: arn, pathPrefix: '/b/' })).toEqual(['bounded'])
    expect(await names({ policyArn: arn, entityFilter: 'User' })).toEqual([])
    const page = await iam.listEntitiesForPolicy({ policyArn: arn, maxItems: 1 })
    expect(page).toMatchObject({
      roles: [{ roleName: 'attached', roleId: expect.stringMatching(/^AROA/) }],
      isTruncated: true,
    })
    await expect(iam.listEntitiesForPolicy({ policyArn: P('none') })).rejects.toMatchObject({
      code: 'entity.not_found',
    })
  })

  const missing: [string, (iam: IamService) => Promise<unknown>][] = [
    ['getPolicy', (iam) => iam.getPolicy(P('none'))],
    ['deletePolicy', (iam) => iam.deletePolicy(P('none'))],
    ['getPolicyVersion', (iam) => iam.getPolicyVersion(P('none'), 'v1')],
    ['createPolicyVersion', (iam) => iam.createPolicyVersion(P('none'), IDENTITY)],
    ['listPolicyVersions', (iam) => iam.listPolicyVersions(P('none'))],
    ['deletePolicyVersion', (iam) => iam.deletePolicyVersion(P('none'), 'v2')],
    ['setDefaultPolicyVersion', (iam) => iam.setDefaultPolicyVersion(P('none'), 'v1')],
  ]
  it.each(missing)('%s of a missing policy: NoSuchEntity', async (_name, op) => {
    const { iam } = setup()
    await expect(op(iam)).rejects.toMatchObject({
      code: 'entity.not_found',
      message: `Policy ${P('none')} was not found.`,
    })
  })
})
