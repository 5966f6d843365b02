import { XMLParser } from 'fast-xml-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { LanyardError } from '../../errors.js'
import { createIamService, DEFAULT_IAM_CONFIG } from '../../iam/index.js'
import type { Store } from '../../store/ports.js'
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js'
import { toAwsError } from '../aws-errors.js'
import type { OperationContext, QueryService } from '../operation.js'
import { QueryInput } from '../query-input.js'
import { queryResponseXml } from '../xml.js'
import { createIamQueryService, IAM_NAMESPACE } from './service.js'

const ACCOUNT = '123456789012'
const TRUST = JSON.stringify({
  Version: '2008-10-17',
  Statement: [
    {
      Sid: '',
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
})
const IDENTITY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
})

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => name === 'member',
})

const CTX: OperationContext = {
  requestId: 'req-1',
  caller: undefined,
  sourceIp: '127.0.0.1',
  userAgent: undefined,
  now: 0,
  region: 'us-east-1',
  secure: false,
}

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

function setup() {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const iam = createIamService(
    { store, accountId: ACCOUNT, now: () => Date.UTC(2012, 4, 8, 23, 34, 1, 398) },
    DEFAULT_IAM_CONFIG,
  )
  const service = createIamQueryService(iam)
  /** Runs an action as the edge would and returns the response XML (or the AWS error). */
  const call = async (action: string, params: Record<string, string> = {}) => {
    const op = service.operations.get(action)
    if (!op) throw new Error(`no operation ${action}`)
    const result = await op.handle(new QueryInput(new Map(Object.entries(params))), CTX)
    return queryResponseXml(action, service.namespace, result, CTX.requestId)
  }
  const result = async (action: string, params: Record<string, string> = {}) =>
    parser.parse(await call(action, params))[`${action}Response`][`${action}Result`]
  const error = async (action: string, params: Record<string, string> = {}) => {
    try {
      await call(action, params)
    } catch (err) {
      expect(err).toBeInstanceOf(LanyardError)
      return toAwsError(err, 'iam')
    }
    throw new Error(`${action} did not fail`)
  }
  return { service, call, result, error }
}

describe('IAM awsQuery service', () => {
  it('is the awsQuery IAM service with every action of issues #3 and #4', () => {
    const { service } = setup()
    const s: QueryService = service
    expect(s).toMatchObject({ signingName: 'iam', namespace: IAM_NAMESPACE, version: '2010-05-08' })
    expect([...s.operations.keys()].sort()).toEqual(
      [
        'CreateOpenIDConnectProvider',
        'GetOpenIDConnectProvider',
        'ListOpenIDConnectProviders',
        'DeleteOpenIDConnectProvider',
        'AddClientIDToOpenIDConnectProvider',
        'RemoveClientIDFromOpenIDConnectProvider',
        'UpdateOpenIDConnectProviderThumbprint',
        'TagOpenIDConnectProvider',
        'UntagOpenIDConnectProvider',
        'ListOpenIDConnectProviderTags',
        'CreateRole',
        'GetRole',
        'ListRoles',
        'UpdateRole',
        'UpdateRoleDescription',
        'DeleteRole',
        'UpdateAssumeRolePolicy',
        'PutRolePermissionsBoundary',
        'DeleteRolePermissionsBoundary',
        'TagRole',
        'UntagRole',
        'ListRoleTags',
        'PutRolePolicy',
        'GetRolePolicy',
        'ListRolePolicies',
        'DeleteRolePolicy',
        'CreatePolicy',
        'GetPolicy',
        'ListPolicies',
        'DeletePolicy',
        'GetPolicyVersion',
        'CreatePolicyVersion',
        'ListPolicyVersions',
        'DeletePolicyVersion',
        'SetDefaultPolicyVersion',
        'AttachRolePolicy',
        'DetachRolePolicy',
        'ListAttachedRolePolicies',
        'ListEntitiesForPolicy',
        'SimulatePrincipalPolicy',
        'SimulateCustomPolicy',
      ].sort(),
    )
    for (const op of s.operations.values()) expect(op.unsigned).toBeUndefined()
  })

  it('OIDC providers match the API reference samples (aws-wire.md §4.2)', async () => {
    const { call, result } = setup()
    const created = parser.parse(
      await call('CreateOpenIDConnectProvider', {
        Url: 'https://server.example.com',
        'ClientIDList.list.1': 'my-application-ID',
        'ThumbprintList.list.1': 'c3768084dfb3d2b68b7897bf5f565da8eEXAMPLE',
      }),
    )
    expect(created).toEqual({
      CreateOpenIDConnectProviderResponse: {
        '@_xmlns': IAM_NAMESPACE,
        CreateOpenIDConnectProviderResult: {
          OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/server.example.com`,
        },
        ResponseMetadata: { RequestId: 'req-1' },
      },
    })
    const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/server.example.com`
    expect(await result('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn })).toEqual({
      Url: 'server.example.com',
      ClientIDList: { member: ['my-application-ID'] },
      ThumbprintList: { member: ['c3768084dfb3d2b68b7897bf5f565da8eEXAMPLE'] },
      CreateDate: '2012-05-08T23:34:01Z',
      Tags: '',
    })
    expect(await result('ListOpenIDConnectProviders')).toEqual({
      OpenIDConnectProviderList: { member: [{ Arn: arn }] },
    })
  })

  it('GetRole matches the API reference sample, policy URL-encoded, elements in model order', async () => {
    const { call, result } = setup()
    await call('CreateRole', {
      RoleName: 'S3Access',
      Path: '/application_abc/component_xyz/',
      AssumeRolePolicyDocument: TRUST,
    })
    const xml = await call('GetRole', { RoleName: 'S3Access' })
    const role = parser.parse(xml).GetRoleResponse.GetRoleResult.Role
    expect(role).toEqual({
      Path: '/application_abc/component_xyz/',
      RoleName: 'S3Access',
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:role/application_abc/component_xyz/S3Access`,
      CreateDate: '2012-05-08T23:34:01Z',
      AssumeRolePolicyDocument: encodeURIComponent(TRUST),
      MaxSessionDuration: '3600',
      RoleLastUsed: '',
    })
    // The wire example from AWS's ListRoles sample (aws-wire.md §4.3).
    expect(role.AssumeRolePolicyDocument).toBe(
      '%7B%22Version%22%3A%222008-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22%22%2C%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D',
    )
    const order = [
      'Path',
      'RoleName',
      'RoleId',
      'Arn',
      'CreateDate',
      'AssumeRolePolicyDocument',
      'MaxSessionDuration',
      'RoleLastUsed',
    ]
    const positions = order.map((e) => xml.indexOf(`<${e}>`))
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    expect(await result('ListRoles')).toMatchObject({ IsTruncated: 'false' })
  })

  it('GetRole carries description, boundary and tags; ListRoles leaves them out', async () => {
    const { call, result } = setup()
    await call('CreatePolicy', { PolicyName: 'b', PolicyDocument: IDENTITY })
    await call('CreateRole', {
      RoleName: 'r',
      AssumeRolePolicyDocument: TRUST,
      Description: 'd',
      MaxSessionDuration: '7200',
      PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/b`,
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'x',
    })
    const role = (await result('GetRole', { RoleName: 'r' })).Role
    expect(role).toMatchObject({
      Description: 'd',
      MaxSessionDuration: '7200',
      PermissionsBoundary: {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/b`,
      },
      Tags: { member: [{ Key: 'team', Value: 'x' }] },
    })
    const listed = (await result('ListRoles')).Roles.member[0]
    expect(listed).toMatchObject({ Description: 'd' })
    expect(listed).not.toHaveProperty('PermissionsBoundary')
    expect(listed).not.toHaveProperty('Tags')
    expect(listed).not.toHaveProperty('RoleLastUsed')
  })

  it('pages ListRoles with Marker and MaxItems', async () => {
    const { call, result } = setup()
    for (const name of ['a', 'b', 'c']) {
      await call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST })
    }
    const first = await result('ListRoles', { MaxItems: '2' })
    expect(first.Roles.member.map((r: { RoleName: string }) => r.RoleName)).toEqual(['a', 'b'])
    expect(first.IsTruncated).toBe('true')
    const second = await result('ListRoles', { MaxItems: '2', Marker: first.Marker })
    expect(second.Roles.member.map((r: { RoleName: string }) => r.RoleName)).toEqual(['c'])
    expect(second).toMatchObject({ IsTruncated: 'false' })
    expect(second).not.toHaveProperty('Marker')
  })

  it('managed policies: versions without documents except GetPolicyVersion', async () => {
    const { call, result } = setup()
    const policy = (
      await result('CreatePolicy', { PolicyName: 'p', PolicyDocument: IDENTITY, Description: 'd' })
    ).Policy
    expect(policy).toEqual({
      PolicyName: 'p',
      PolicyId: expect.stringMatching(/^ANPA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:policy/p`,
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: '0',
      PermissionsBoundaryUsageCount: '0',
      IsAttachable: 'true',
      Description: 'd',
      CreateDate: '2012-05-08T23:34:01Z',
      UpdateDate: '2012-05-08T23:34:01Z',
    })
    const arn = policy.Arn
    expect(
      (
        await result('CreatePolicyVersion', {
          PolicyArn: arn,
          PolicyDocument: IDENTITY,
          SetAsDefault: 'true',
        })
      ).PolicyVersion,
    ).toEqual({
      VersionId: 'v2',
      IsDefaultVersion: 'true',
      CreateDate: '2012-05-08T23:34:01Z',
    })
    expect(
      (await result('GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' })).PolicyVersion,
    ).toEqual({
      Document: encodeURIComponent(IDENTITY),
      VersionId: 'v1',
      IsDefaultVersion: 'false',
      CreateDate: '2012-05-08T23:34:01Z',
    })
    const versions = await result('ListPolicyVersions', { PolicyArn: arn })
    expect(versions.Versions.member.map((v: { VersionId: string }) => v.VersionId)).toEqual([
      'v2',
      'v1',
    ])
    expect(versions.Versions.member[0]).not.toHaveProperty('Document')
    const listed = (await result('ListPolicies', { Scope: 'Local' })).Policies.member[0]
    expect(listed).not.toHaveProperty('Description')
    await call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST })
    await call('AttachRolePolicy', { RoleName: 'r', PolicyArn: arn })
    expect(await result('ListAttachedRolePolicies', { RoleName: 'r' })).toEqual({
      AttachedPolicies: { member: [{ PolicyName: 'p', PolicyArn: arn }] },
      IsTruncated: 'false',
    })
    expect(await result('ListEntitiesForPolicy', { PolicyArn: arn })).toEqual({
      PolicyGroups: '',
      PolicyUsers: '',
      PolicyRoles: { member: [{ RoleName: 'r', RoleId: expect.stringMatching(/^AROA/) }] },
      IsTruncated: 'false',
    })
  })

  it('inline policies come back URL-encoded', async () => {
    const { call, result } = setup()
    await call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST })
    expect(
      await call('PutRolePolicy', { RoleName: 'r', PolicyName: 'p', PolicyDocument: IDENTITY }),
    ).toBe(
      `<PutRolePolicyResponse xmlns="${IAM_NAMESPACE}"><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PutRolePolicyResponse>`,
    )
    expect(await result('GetRolePolicy', { RoleName: 'r', PolicyName: 'p' })).toEqual({
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: encodeURIComponent(IDENTITY),
    })
    expect(await result('ListRolePolicies', { RoleName: 'r' })).toEqual({
      PolicyNames: { member: ['p'] },
      IsTruncated: 'false',
    })
  })

  it.each([
    {
      name: 'missing required members',
      action: 'CreateRole',
      params: {},
      message:
        "2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'model constraints come before IAM name rules',
      action: 'CreateRole',
      params: { RoleName: 'a b', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: '100' },
      message:
        "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    },
    {
      name: 'role name characters (IAM message)',
      action: 'AttachRolePolicy',
      params: {
        RoleName: 'arn:aws:iam::123456789012:role/x',
        PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/p`,
      },
      message:
        'The specified value for roleName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
    },
    {
      name: 'policy name characters (IAM message)',
      action: 'DeleteRolePolicy',
      params: { RoleName: 'r', PolicyName: 'arn:aws:iam::aws:policy/AmazonVPCFullAccess' },
      message:
        'The specified value for policyName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-',
    },
    {
      name: 'role path (IAM message)',
      action: 'CreateRole',
      params: { RoleName: 'r', Path: 'bad', AssumeRolePolicyDocument: TRUST },
      message:
        'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
    },
    {
      name: 'tag without a key',
      action: 'TagRole',
      params: { RoleName: 'r', 'Tags.member.1.Value': 'v' },
      message:
        "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'missing thumbprint list',
      action: 'UpdateOpenIDConnectProviderThumbprint',
      params: { OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/x` },
      message:
        "1 validation error detected: Value null at 'thumbprintList' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'enum and range in one error',
      action: 'ListPolicies',
      params: { Scope: 'Mine', MaxItems: '0' },
      message:
        "2 validation errors detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1; Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]",
    },
    {
      name: 'policy version id pattern',
      action: 'GetPolicyVersion',
      params: { PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/p`, VersionId: '1' },
      message:
        "1 validation error detected: Value '1' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
    },
    {
      name: 'policy ARN too short',
      action: 'GetPolicy',
      params: { PolicyArn: 'arn:x' },
      message:
        "1 validation error detected: Value 'arn:x' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    },
    {
      name: 'policy document is never echoed',
      action: 'PutRolePolicy',
      params: { RoleName: 'r', PolicyName: 'p', PolicyDocument: '{"\u0100"}' },
      message:
        "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    },
  ])('ValidationError: $name', async ({ action, params, message }) => {
    const { error } = setup()
    expect(await error(action, params)).toEqual({
      status: 400,
      code: 'ValidationError',
      type: 'Sender',
      message,
    })
  })

  it.each([
    {
      name: 'URL-encoded trust policy',
      action: 'CreateRole',
      params: { RoleName: 'r', AssumeRolePolicyDocument: encodeURIComponent(TRUST) },
      expected: {
        status: 400,
        code: 'MalformedPolicyDocument',
        message: 'This policy contains invalid Json',
      },
    },
    {
      name: 'unknown role',
      action: 'GetRole',
      params: { RoleName: 'nope' },
      expected: {
        status: 404,
        code: 'NoSuchEntity',
        message: 'The role with name nope cannot be found.',
      },
    },
    {
      name: 'unknown policy',
      action: 'AttachRolePolicy',
      params: { RoleName: 'exists', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/nope` },
      expected: {
        status: 404,
        code: 'NoSuchEntity',
        message: `Policy arn:aws:iam::${ACCOUNT}:policy/nope does not exist or is not attachable.`,
      },
    },
    {
      name: 'duplicate role',
      action: 'CreateRole',
      params: { RoleName: 'exists', AssumeRolePolicyDocument: TRUST },
      expected: {
        status: 409,
        code: 'EntityAlreadyExists',
        message: 'Role with name exists already exists.',
      },
    },
    {
      name: 'bad provider URL',
      action: 'CreateOpenIDConnectProvider',
      params: { Url: 'http://insecure.example.com' },
      expected: { status: 400, code: 'InvalidInput' },
    },
    {
      name: 'delete a role with an inline policy',
      action: 'DeleteRole',
      params: { RoleName: 'withPolicy' },
      expected: {
        status: 409,
        code: 'DeleteConflict',
        message: 'Cannot delete entity, must delete policies first.',
      },
    },
  ])('AWS error: $name', async ({ action, params, expected }) => {
    const { call, error } = setup()
    await call('CreateRole', { RoleName: 'exists', AssumeRolePolicyDocument: TRUST })
    await call('CreateRole', { RoleName: 'withPolicy', AssumeRolePolicyDocument: TRUST })
    await call('PutRolePolicy', {
      RoleName: 'withPolicy',
      PolicyName: 'p',
      PolicyDocument: IDENTITY,
    })
    expect(await error(action, params)).toMatchObject(expected)
  })
})
