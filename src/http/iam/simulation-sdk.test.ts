import { Readable } from 'node:stream'
import {
  IAMClient,
  InvalidInputException,
  NoSuchEntityException,
  paginateSimulatePrincipalPolicy,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
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
 * The unmodified AWS SDK v3 IAM client against the simulator operations, without a server: its
 * serializer writes the form (nested ContextEntries lists included), the operations answer, its
 * deserializer reads the XML.
 */

const ACCOUNT = '123456789012'
const URL = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${URL}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${URL}:sub`]: 'system:serviceaccount:default:my-service-account',
          [`${URL}:aud`]: 'sts.amazonaws.com',
        },
      },
    },
  ],
})
const DESCRIBE = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'eks:DescribeCluster',
        Resource: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/*`,
        Condition: { StringEquals: { 'aws:PrincipalTag/kubernetes-namespace': 'default' } },
      },
    ],
  },
  null,
  2,
)
const CLUSTER = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/my-cluster`

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

async function setup() {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const iam = createIamService(
    { store, accountId: ACCOUNT, now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    DEFAULT_IAM_CONFIG,
  )
  await iam.createRole({ roleName: 'ClusterSelfDescribeRole', assumeRolePolicyDocument: TRUST })
  await iam.putRolePolicy('ClusterSelfDescribeRole', 'describe', DESCRIBE)
  const service = createIamQueryService(iam)
  const ctx: OperationContext = {
    requestId: 'b7a1c2d3-0000-4000-8000-000000000000',
    caller: undefined,
    sourceIp: '127.0.0.1',
    userAgent: undefined,
    now: 0,
    region: 'us-east-1',
    secure: false,
  }
  const bodies: string[] = []
  const answer = async (body: string) => {
    bodies.push(body)
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
  return { client, bodies }
}

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ClusterSelfDescribeRole`

describe('AWS SDK v3 IAM client: policy simulator round trip', () => {
  it.each([
    {
      name: 'allowed with the tag given',
      tag: ['default'],
      decision: 'allowed',
      matched: [
        {
          SourcePolicyId: 'describe',
          SourcePolicyType: 'IAM Policy',
          StartPosition: { Line: 3, Column: 17 },
          EndPosition: { Line: 13, Column: 6 },
        },
      ],
      missing: [],
    },
    {
      name: 'implicit deny for another namespace',
      tag: ['other'],
      decision: 'implicitDeny',
      matched: [],
      missing: [],
    },
    {
      name: 'implicit deny with the key missing',
      tag: undefined,
      decision: 'implicitDeny',
      matched: [],
      missing: ['aws:PrincipalTag/kubernetes-namespace'],
    },
  ])('SimulatePrincipalPolicy: $name', async ({ tag, decision, matched, missing }) => {
    const { client } = await setup()
    const out = await client.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: ROLE_ARN,
        ActionNames: ['eks:DescribeCluster'],
        ResourceArns: [CLUSTER],
        ...(tag && {
          ContextEntries: [
            {
              ContextKeyName: 'aws:PrincipalTag/kubernetes-namespace',
              ContextKeyValues: tag,
              ContextKeyType: 'string',
            },
          ],
        }),
      }),
    )
    expect(out.IsTruncated).toBe(false)
    expect(out.Marker).toBeUndefined()
    expect(out.EvaluationResults).toEqual([
      {
        EvalActionName: 'eks:DescribeCluster',
        EvalResourceName: CLUSTER,
        EvalDecision: decision,
        MatchedStatements: matched,
        MissingContextValues: [],
        EvalDecisionDetails: {},
        ResourceSpecificResults: [
          {
            EvalResourceName: CLUSTER,
            EvalResourceDecision: decision,
            MatchedStatements: matched,
            MissingContextValues: missing,
          },
        ],
      },
    ])
  })

  it('SimulateCustomPolicy with a boundary, several values and types', async () => {
    const { client, bodies } = await setup()
    const out = await client.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [DESCRIBE],
        PermissionsBoundaryPolicyInputList: [
          JSON.stringify({
            Version: '2012-10-17',
            Statement: { Effect: 'Deny', Action: 'eks:*', Resource: '*' },
          }),
        ],
        ActionNames: ['eks:DescribeCluster'],
        ContextEntries: [
          {
            ContextKeyName: 'aws:PrincipalTag/kubernetes-namespace',
            ContextKeyValues: ['default'],
            ContextKeyType: 'string',
          },
          {
            ContextKeyName: 'aws:TagKeys',
            ContextKeyValues: ['a', 'b'],
            ContextKeyType: 'stringList',
          },
        ],
      }),
    )
    // The SDK writes the nested list as ContextEntries.member.N.ContextKeyValues.member.M.
    expect(bodies.at(-1)).toContain('ContextEntries.member.2.ContextKeyValues.member.2=b')
    expect(out.EvaluationResults).toEqual([
      {
        EvalActionName: 'eks:DescribeCluster',
        EvalResourceName: '*',
        EvalDecision: 'explicitDeny',
        MatchedStatements: [
          {
            SourcePolicyId: 'PermissionsBoundaryPolicyInputList.1',
            SourcePolicyType: 'Permissions Boundary Policy',
            StartPosition: { Line: 1, Column: 38 },
            EndPosition: { Line: 1, Column: 86 },
          },
        ],
        MissingContextValues: [],
        PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
      },
    ])
  })

  it('SimulateCustomPolicy across accounts: EvalDecisionDetails as a map the SDK reads', async () => {
    const { client, bodies } = await setup()
    const caller = 'arn:aws:iam::123456789012:user/alice'
    const bucket = 'arn:aws:s3:::shared/report.csv'
    const simulate = (resourceEffect: 'Allow' | 'Deny') =>
      client.send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: [
            JSON.stringify({
              Version: '2012-10-17',
              Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: bucket },
            }),
          ],
          ResourcePolicy: JSON.stringify({
            Version: '2012-10-17',
            Statement: {
              Effect: resourceEffect,
              Principal: { AWS: caller },
              Action: 's3:GetObject',
              Resource: bucket,
            },
          }),
          CallerArn: caller,
          ResourceOwner: 'arn:aws:iam::210987654321:root',
          ActionNames: ['s3:GetObject'],
          ResourceArns: [bucket],
        }),
      )
    const allowed = await simulate('Allow')
    expect(bodies.at(-1)).toContain('ResourceOwner=arn%3Aaws%3Aiam%3A%3A210987654321%3Aroot')
    expect(allowed.EvaluationResults?.[0]).toMatchObject({
      EvalDecision: 'allowed',
      EvalDecisionDetails: { 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' },
    })
    const denied = await simulate('Deny')
    expect(denied.EvaluationResults?.[0]).toMatchObject({
      EvalDecision: 'explicitDeny',
      EvalDecisionDetails: { 'IAM Policy': 'allowed', 'Resource Policy': 'explicitDeny' },
    })
  })

  it('the SDK paginator walks every page', async () => {
    const { client } = await setup()
    const actions = ['eks:DescribeCluster', 'eks:ListClusters', 'eks:CreateCluster']
    const seen: string[] = []
    for await (const page of paginateSimulatePrincipalPolicy(
      { client, pageSize: 2 },
      { PolicySourceArn: ROLE_ARN, ActionNames: actions },
    )) {
      seen.push(...(page.EvaluationResults ?? []).map((r) => r.EvalActionName ?? ''))
    }
    expect(seen).toEqual(actions)
  })

  it('surfaces the errors as the SDK modelled exceptions', async () => {
    const { client } = await setup()
    await expect(
      client.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/missing`,
          ActionNames: ['s3:GetObject'],
        }),
      ),
    ).rejects.toBeInstanceOf(NoSuchEntityException)
    await expect(
      client.send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: ['{"Version":'],
          ActionNames: ['s3:GetObject'],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidInputException)
  })
})
