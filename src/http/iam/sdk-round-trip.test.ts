import { Readable } from 'node:stream'
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  TagRoleCommand,
} from '@aws-sdk/client-iam'
import { afterEach, describe, expect, it } from 'vitest'
import { createIamService, DEFAULT_IAM_CONFIG } from '../../iam/index.js'
import type { Store } from '../../store/ports.js'
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js'
import { toAwsError } from '../aws-errors.js'
import type { OperationContext } from '../operation.js'
import { QueryInput } from '../query-input.js'
import { parseQueryString } from '../query-params.js'
import { queryErrorXml, queryResponseXml } from '../xml.js'
import { createIamQueryService } from './service.js'

/**
 * The unmodified AWS SDK v3 IAM client against the operations, without a server: its serializer
 * writes the form, the operations answer, its deserializer reads the XML (or the error).
 */

const ACCOUNT = '123456789012'
const PROVIDER_URL = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${PROVIDER_URL}`
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${PROVIDER_URL}:sub`]: 'system:serviceaccount:default:my-service-account',
          [`${PROVIDER_URL}:aud`]: 'sts.amazonaws.com',
        },
      },
    },
  ],
})
const IDENTITY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: '*' }],
})

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

function setup() {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const service = createIamQueryService(
    createIamService(
      { store, accountId: ACCOUNT, now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
      DEFAULT_IAM_CONFIG,
    ),
  )
  const ctx: OperationContext = {
    requestId: 'b7a1c2d3-0000-4000-8000-000000000000',
    caller: undefined,
    sourceIp: '127.0.0.1',
    userAgent: undefined,
    now: 0,
    region: 'us-east-1',
    secure: false,
  }
  const answer = async (body: string) => {
    const params = parseQueryString(body)
    const action = params.get('Action') as string
    const op = service.operations.get(action)
    if (!op) throw new Error(`no operation ${action}`)
    try {
      const result = await op.handle(new QueryInput(params), ctx)
      return {
        statusCode: 200,
        xml: queryResponseXml(action, service.namespace, result, ctx.requestId),
      }
    } catch (err) {
      const e = toAwsError(err, 'iam')
      return { statusCode: e.status, xml: queryErrorXml(service.namespace, e, ctx.requestId) }
    }
  }
  const client = new IAMClient({
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: { body?: unknown }) {
        const { statusCode, xml } = await answer(String(request.body ?? ''))
        return {
          response: {
            statusCode,
            headers: { 'content-type': 'text/xml' },
            body: Readable.from([Buffer.from(xml)]),
          },
        }
      },
    } as never,
  })
  return { client }
}

describe('AWS SDK v3 IAM client round trip', () => {
  it('creates the IRSA provider and role and reads them back', async () => {
    const { client } = setup()
    const created = await client.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${PROVIDER_URL}`,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
      }),
    )
    expect(created.OpenIDConnectProviderArn).toBe(PROVIDER_ARN)
    const provider = await client.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }),
    )
    expect(provider).toMatchObject({
      Url: PROVIDER_URL,
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
      CreateDate: new Date('2024-01-02T03:04:05Z'),
    })

    const { Role } = await client.send(
      new CreateRoleCommand({
        RoleName: 'ClusterSelfDescribeRole',
        AssumeRolePolicyDocument: TRUST,
        Tags: [{ Key: 'app', Value: 'seed' }],
      }),
    )
    expect(Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/ClusterSelfDescribeRole`)
    // JS v3 does not URL-decode policy documents (aws/aws-sdk-js-v3 #1945).
    expect(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')).toBe(TRUST)

    const policy = await client.send(
      new CreatePolicyCommand({ PolicyName: 'describe', PolicyDocument: IDENTITY }),
    )
    await client.send(
      new AttachRolePolicyCommand({
        RoleName: 'ClusterSelfDescribeRole',
        PolicyArn: policy.Policy?.Arn,
      }),
    )
    const attached = await client.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'ClusterSelfDescribeRole' }),
    )
    expect(attached).toMatchObject({
      AttachedPolicies: [{ PolicyName: 'describe', PolicyArn: policy.Policy?.Arn }],
      IsTruncated: false,
    })

    const got = await client.send(new GetRoleCommand({ RoleName: 'ClusterSelfDescribeRole' }))
    expect(got.Role).toMatchObject({
      RoleName: 'ClusterSelfDescribeRole',
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      MaxSessionDuration: 3600,
      Tags: [{ Key: 'app', Value: 'seed' }],
      RoleLastUsed: {},
    })
    const listed = await client.send(new ListRolesCommand({}))
    expect(listed.Roles?.map((r) => r.Arn)).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/ClusterSelfDescribeRole`,
    ])
  })

  it('surfaces AWS errors as the SDK modelled exceptions', async () => {
    const { client } = setup()
    const noRole = client.send(new GetRoleCommand({ RoleName: 'missing' }))
    await expect(noRole).rejects.toBeInstanceOf(NoSuchEntityException)
    await expect(noRole).rejects.toMatchObject({
      message: 'The role with name missing cannot be found.',
      $metadata: { httpStatusCode: 404 },
    })
    await expect(
      client.send(
        new CreateRoleCommand({
          RoleName: 'r',
          AssumeRolePolicyDocument: encodeURIComponent(TRUST),
        }),
      ),
    ).rejects.toBeInstanceOf(MalformedPolicyDocumentException)
    await client.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }))
    await client.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: IDENTITY }))
    await client.send(
      new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/p` }),
    )
    await expect(client.send(new DeleteRoleCommand({ RoleName: 'r' }))).rejects.toBeInstanceOf(
      DeleteConflictException,
    )
    await expect(
      client.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key: 'a*', Value: 'b' }] })),
    ).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } })
  })
})
