import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { DEFAULT_IAM_LIMITS, type IamLimits } from './config.js'
import { policySize } from './policy-size.js'
import { createIamService } from './service.js'
import type { IamService } from './types.js'

const ACCOUNT = '123456789012'
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example.com/id/ABC`
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})
const oidcTrust = (condition?: Record<string, Record<string, string>>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition && { Condition: condition }),
      },
    ],
  })
const IDENTITY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
})

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

function setup(limits: Partial<IamLimits> = {}, strictTrust = false) {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  let n = 0
  const iam = createIamService(
    {
      store,
      accountId: ACCOUNT,
      now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678),
      randomId: (prefix) => `${prefix}${String(++n).padStart(17, 'X')}`,
    },
    { strictTrust, limits: { ...DEFAULT_IAM_LIMITS, ...limits } },
  )
  return { store, iam }
}

describe('roles', () => {
  it('create and get a role with every field', async () => {
    const { iam } = setup()
    await iam.createPolicy({ policyName: 'boundary', policyDocument: IDENTITY })
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/boundary`
    const { role, findings } = await iam.createRole({
      roleName: 'S3Access',
      path: '/application_abc/component_xyz/',
      assumeRolePolicyDocument: TRUST,
      description: 'reads S3',
      maxSessionDuration: 7200,
      permissionsBoundary: boundary,
      tags: [
        { key: 'b', value: '2' },
        { key: 'a', value: '1' },
      ],
    })
    expect(findings).toEqual([])
    const expected = {
      path: '/application_abc/component_xyz/',
      roleName: 'S3Access',
      roleId: 'AROAXXXXXXXXXXXXXXXX2',
      arn: `arn:aws:iam::${ACCOUNT}:role/application_abc/component_xyz/S3Access`,
      createDate: '2024-01-02T03:04:05.678Z',
      assumeRolePolicyDocument: TRUST,
      description: 'reads S3',
      maxSessionDuration: 7200,
      permissionsBoundaryArn: boundary,
      tags: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    }
    expect(role).toEqual(expected)
    expect(await iam.getRole('S3Access')).toEqual(expected)
    // Role names are unique and looked up without regard to case, as in IAM.
    expect((await iam.getRole('s3access')).roleName).toBe('S3Access')
  })

  it('defaults: path /, one hour sessions, no tags', async () => {
    const { iam } = setup()
    const { role } = await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    expect(role).toMatchObject({ path: '/', maxSessionDuration: 3600, tags: [] })
    expect(role.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/r`)
    expect(role).not.toHaveProperty('description')
  })

  it.each([
    {
      name: 'existing name, other case',
      input: { roleName: 'EXISTING', assumeRolePolicyDocument: TRUST },
      code: 'entity.exists',
      message: 'Role with name EXISTING already exists.',
    },
    {
      name: 'role quota',
      limits: { rolesPerAccount: 1 },
      input: { roleName: 'second', assumeRolePolicyDocument: TRUST },
      code: 'entity.limit_exceeded',
      message: 'Cannot exceed quota for RolesPerAccount: 1',
    },
    {
      name: 'trust policy is not JSON (URL-encoded, as aws-sdk-js #1444)',
      input: { roleName: 'r', assumeRolePolicyDocument: encodeURIComponent(TRUST) },
      code: 'policy.malformed',
      message: 'This policy contains invalid Json',
    },
    {
      name: 'trust policy over the quota',
      limits: { trustPolicySize: policySize(TRUST) },
      input: {
        roleName: 'r',
        assumeRolePolicyDocument: TRUST.replace('"Effect"', '"Sid":"x","Effect"'),
      },
      code: 'policy.too_large',
      message: `Cannot exceed quota for ACLSizePerRole: ${policySize(TRUST)}`,
    },
    {
      name: 'bad role name',
      input: { roleName: 'a b', assumeRolePolicyDocument: TRUST },
      code: 'request.validation',
      message:
        'The specified value for roleName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
    },
    {
      name: 'role name too long (model length first)',
      input: { roleName: 'a'.repeat(65), assumeRolePolicyDocument: TRUST },
      code: 'request.validation',
      message: `1 validation error detected: Value '${'a'.repeat(65)}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    },
    {
      name: 'bad path',
      input: { roleName: 'r', path: 'noslash', assumeRolePolicyDocument: TRUST },
      code: 'request.validation',
      message:
        'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
    },
    {
      name: 'session duration too short',
      input: { roleName: 'r', maxSessionDuration: 100, assumeRolePolicyDocument: TRUST },
      code: 'request.validation',
      message:
        "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    },
    {
      name: 'boundary that does not exist',
      input: {
        roleName: 'r',
        assumeRolePolicyDocument: TRUST,
        permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/none`,
      },
      code: 'entity.not_found',
      message: `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/none does not exist or is not attachable.`,
    },
    {
      name: 'boundary that is not a policy ARN',
      input: {
        roleName: 'r',
        assumeRolePolicyDocument: TRUST,
        permissionsBoundary: `arn:aws:iam::${ACCOUNT}:role/x`,
      },
      code: 'request.invalid',
      message: `ARN arn:aws:iam::${ACCOUNT}:role/x is not valid.`,
    },
    {
      name: 'duplicate tag keys (no role is left behind)',
      input: {
        roleName: 'r',
        assumeRolePolicyDocument: TRUST,
        tags: [
          { key: 'k', value: '1' },
          { key: 'K', value: '2' },
        ],
      },
      code: 'request.invalid',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    },
    {
      name: 'too many tags',
      limits: { tagsPerResource: 1 },
      input: {
        roleName: 'r',
        assumeRolePolicyDocument: TRUST,
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      },
      code: 'entity.limit_exceeded',
    },
    {
      name: 'bad tag key',
      input: { roleName: 'r', assumeRolePolicyDocument: TRUST, tags: [{ key: 'a*', value: '' }] },
      code: 'request.validation',
    },
  ])('create fails: $name', async ({ limits, input, code, message }) => {
    const { iam } = setup(limits)
    await iam.createRole({ roleName: 'existing', assumeRolePolicyDocument: TRUST })
    const err = iam.createRole(input)
    await expect(err).rejects.toMatchObject(message ? { code, message } : { code })
    expect((await iam.listRoles()).items.map((r) => r.roleName)).toEqual(['existing'])
  })

  describe('strict trust', () => {
    const both = {
      StringEquals: { 'oidc.example.com/id/ABC:sub': 's', 'oidc.example.com/id/ABC:aud': 'a' },
    }
    it.each([
      { name: 'no conditions', strict: true, doc: oidcTrust(), ok: false },
      {
        name: 'sub only',
        strict: true,
        doc: oidcTrust({ StringEquals: { 'oidc.example.com/id/ABC:sub': 's' } }),
        ok: false,
      },
      { name: 'sub and aud', strict: true, doc: oidcTrust(both), ok: true },
      { name: 'no conditions, strict off', strict: false, doc: oidcTrust(), ok: true },
    ])('$name', async ({ strict, doc, ok }) => {
      const { iam } = setup({}, strict)
      const create = iam.createRole({ roleName: 'r', assumeRolePolicyDocument: doc })
      if (ok) await expect(create).resolves.toBeDefined()
      else await expect(create).rejects.toMatchObject({ code: 'policy.malformed' })
    })

    it('applies to UpdateAssumeRolePolicy too', async () => {
      const { iam } = setup({}, true)
      await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
      await expect(iam.updateAssumeRolePolicy('r', oidcTrust())).rejects.toMatchObject({
        code: 'policy.malformed',
      })
      expect((await iam.getRole('r')).assumeRolePolicyDocument).toBe(TRUST)
    })
  })

  it('lists by path prefix with Marker/MaxItems paging', async () => {
    const { iam } = setup()
    for (const [name, path] of [
      ['c', '/'],
      ['a', '/team/'],
      ['B', '/team/'],
      ['d', '/team/sub/'],
      ['e', '/other/'],
    ] as const) {
      await iam.createRole({ roleName: name, path, assumeRolePolicyDocument: TRUST })
    }
    const all = await iam.listRoles()
    expect(all.items.map((r) => r.roleName)).toEqual(['a', 'B', 'c', 'd', 'e'])
    expect(all.isTruncated).toBe(false)
    const names: string[] = []
    let marker: string | undefined
    let pages = 0
    do {
      const page = await iam.listRoles({ pathPrefix: '/team/', maxItems: 2, marker })
      names.push(...page.items.map((r) => r.roleName))
      expect(page.isTruncated).toBe(page.marker !== undefined)
      marker = page.marker
      pages++
    } while (marker !== undefined)
    expect(names).toEqual(['a', 'B', 'd'])
    expect(pages).toBe(2)
  })

  it.each([
    { name: 'MaxItems 0', options: { maxItems: 0 }, code: 'request.validation' },
    { name: 'MaxItems 1001', options: { maxItems: 1001 }, code: 'request.validation' },
    { name: 'PathPrefix without slash', options: { pathPrefix: 'x' }, code: 'request.validation' },
  ])('list refuses $name', async ({ options, code }) => {
    const { iam } = setup()
    await expect(iam.listRoles(options)).rejects.toMatchObject({ code })
  })

  it('updates description and session duration', async () => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST, description: 'old' })
    await iam.updateRole({ roleName: 'r', maxSessionDuration: 43200 })
    expect(await iam.getRole('r')).toMatchObject({ description: 'old', maxSessionDuration: 43200 })
    const updated = await iam.updateRoleDescription('r', 'new')
    expect(updated.description).toBe('new')
    await iam.updateRole({ roleName: 'r', description: '' })
    expect(await iam.getRole('r')).not.toHaveProperty('description')
    await expect(
      iam.updateRole({ roleName: 'r', maxSessionDuration: 43201 }),
    ).rejects.toMatchObject({ code: 'request.validation' })
  })

  it('updates the trust policy', async () => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    const doc = oidcTrust()
    const { role } = await iam.updateAssumeRolePolicy('r', doc)
    expect(role.assumeRolePolicyDocument).toBe(doc)
    await expect(iam.updateAssumeRolePolicy('r', '{')).rejects.toMatchObject({
      code: 'policy.malformed',
      message: 'This policy contains invalid Json',
    })
    expect((await iam.getRole('r')).assumeRolePolicyDocument).toBe(doc)
  })

  it('puts and deletes a permissions boundary', async () => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    const arn = `arn:aws:iam::${ACCOUNT}:policy/b`
    await expect(iam.putRolePermissionsBoundary('r', arn)).rejects.toMatchObject({
      code: 'entity.not_found',
      message: `Scope ARN: ${arn} does not exist or is not attachable.`,
    })
    await iam.createPolicy({ policyName: 'b', policyDocument: IDENTITY })
    await iam.putRolePermissionsBoundary('r', arn)
    expect((await iam.getRole('r')).permissionsBoundaryArn).toBe(arn)
    expect((await iam.getPolicy(arn)).permissionsBoundaryUsageCount).toBe(1)
    await iam.deleteRolePermissionsBoundary('r')
    expect(await iam.getRole('r')).not.toHaveProperty('permissionsBoundaryArn')
  })

  it('tags and untags, sorted by key, with the tag limit', async () => {
    const { iam } = setup({ tagsPerResource: 2 })
    await iam.createRole({
      roleName: 'r',
      assumeRolePolicyDocument: TRUST,
      tags: [{ key: 'z', value: '1' }],
    })
    await iam.tagRole('r', [
      { key: 'Z', value: '2' },
      { key: 'm', value: '3' },
    ])
    expect((await iam.listRoleTags('r')).items).toEqual([
      { key: 'Z', value: '2' },
      { key: 'm', value: '3' },
    ])
    await expect(iam.tagRole('r', [{ key: 'n', value: '' }])).rejects.toMatchObject({
      code: 'entity.limit_exceeded',
      message: 'Cannot exceed quota for TagsPerRole: 2',
    })
    await iam.untagRole('r', ['z'])
    expect((await iam.getRole('r')).tags).toEqual([{ key: 'm', value: '3' }])
  })

  it('deletes a role only once its policies are gone', async () => {
    const { iam } = setup()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    await iam.createPolicy({ policyName: 'p', policyDocument: IDENTITY })
    const arn = `arn:aws:iam::${ACCOUNT}:policy/p`
    await iam.attachRolePolicy('r', arn)
    await iam.putRolePolicy('r', 'inline', IDENTITY)
    await expect(iam.deleteRole('r')).rejects.toMatchObject({
      code: 'entity.delete_conflict',
      message: 'Cannot delete entity, must detach all policies first.',
    })
    await iam.detachRolePolicy('r', arn)
    await expect(iam.deleteRole('r')).rejects.toMatchObject({
      code: 'entity.delete_conflict',
      message: 'Cannot delete entity, must delete policies first.',
    })
    await iam.deleteRolePolicy('r', 'inline')
    await iam.deleteRole('r')
    await expect(iam.getRole('r')).rejects.toMatchObject({ code: 'entity.not_found' })
  })

  const missing: [string, (iam: IamService) => Promise<unknown>][] = [
    ['getRole', (iam) => iam.getRole('nope')],
    ['updateRole', (iam) => iam.updateRole({ roleName: 'nope', description: 'x' })],
    ['updateRoleDescription', (iam) => iam.updateRoleDescription('nope', 'x')],
    ['deleteRole', (iam) => iam.deleteRole('nope')],
    ['updateAssumeRolePolicy', (iam) => iam.updateAssumeRolePolicy('nope', TRUST)],
    ['deleteRolePermissionsBoundary', (iam) => iam.deleteRolePermissionsBoundary('nope')],
    ['tagRole', (iam) => iam.tagRole('nope', [])],
    ['untagRole', (iam) => iam.untagRole('nope', [])],
    ['listRoleTags', (iam) => iam.listRoleTags('nope')],
    ['putRolePolicy', (iam) => iam.putRolePolicy('nope', 'p', IDENTITY)],
    ['listRolePolicies', (iam) => iam.listRolePolicies('nope')],
    ['listAttachedRolePolicies', (iam) => iam.listAttachedRolePolicies('nope')],
  ]
  it.each(missing)('%s of a missing role: NoSuchEntity', async (_name, op) => {
    const { iam } = setup()
    await expect(op(iam)).rejects.toMatchObject({
      code: 'entity.not_found',
      message: 'The role with name nope cannot be found.',
    })
  })
})
