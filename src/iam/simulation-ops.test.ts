import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { DEFAULT_IAM_CONFIG } from './config.js'
import { createIamService } from './service.js'
import type {
  IamService,
  SimulateCustomPolicyInput,
  SimulatePrincipalPolicyInput,
} from './types.js'

const ACCOUNT = '123456789012'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/team/app`
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})
const policy = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)
const INLINE = policy({ Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: '*' })
const MANAGED = policy(
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
  { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/secret/*' },
)
const BOUNDARY = policy({ Effect: 'Allow', Action: ['eks:*', 's3:*'], Resource: '*' })

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

async function setup(): Promise<IamService> {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const iam = createIamService(
    { store, accountId: ACCOUNT, now: () => Date.UTC(2024, 0, 2) },
    DEFAULT_IAM_CONFIG,
  )
  const { policy: managed } = await iam.createPolicy({
    policyName: 'Reader',
    policyDocument: MANAGED,
  })
  const { policy: boundary } = await iam.createPolicy({
    policyName: 'Fence',
    policyDocument: BOUNDARY,
  })
  await iam.createRole({
    roleName: 'app',
    path: '/team/',
    assumeRolePolicyDocument: TRUST,
    permissionsBoundary: boundary.arn,
  })
  await iam.putRolePolicy('app', 'Describe', INLINE)
  await iam.attachRolePolicy('app', managed.arn)
  return iam
}

const principal = (extra: Partial<SimulatePrincipalPolicyInput> = {}) => ({
  policySourceArn: ROLE_ARN,
  actionNames: ['eks:DescribeCluster'],
  ...extra,
})

describe('SimulatePrincipalPolicy on a role', () => {
  it.each([
    {
      name: 'inline policy, within the boundary',
      input: principal(),
      decisions: [['eks:DescribeCluster', '*', 'allowed']],
      sources: [
        ['Describe', 'IAM Policy'],
        ['Fence', 'Permissions Boundary Policy'],
      ],
      boundary: true,
    },
    {
      name: 'attached managed policy on a listed resource',
      input: principal({ actionNames: ['s3:GetObject'], resourceArns: ['arn:aws:s3:::b/k'] }),
      decisions: [['s3:GetObject', 'arn:aws:s3:::b/k', 'allowed']],
      sources: [
        ['Reader', 'IAM Policy'],
        ['Fence', 'Permissions Boundary Policy'],
      ],
      boundary: true,
    },
    {
      name: 'the managed policy denies',
      input: principal({
        actionNames: ['s3:GetObject'],
        resourceArns: ['arn:aws:s3:::b/secret/k'],
      }),
      decisions: [['s3:GetObject', 'arn:aws:s3:::b/secret/k', 'explicitDeny']],
      sources: [['Reader', 'IAM Policy']],
      boundary: true,
    },
    {
      name: 'outside the boundary',
      input: principal({
        actionNames: ['iam:CreateRole'],
        policyInputList: [policy({ Effect: 'Allow', Action: 'iam:*', Resource: '*' })],
      }),
      decisions: [['iam:CreateRole', '*', 'implicitDeny']],
      sources: [['PolicyInputList.1', 'IAM Policy']],
      boundary: false,
    },
    {
      name: 'PermissionsBoundaryPolicyInputList replaces the role boundary',
      input: principal({
        actionNames: ['iam:CreateRole'],
        policyInputList: [policy({ Effect: 'Allow', Action: 'iam:*', Resource: '*' })],
        permissionsBoundaryPolicyInputList: [
          policy({ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*' }),
        ],
      }),
      decisions: [['iam:CreateRole', '*', 'allowed']],
      sources: [
        ['PolicyInputList.1', 'IAM Policy'],
        ['PermissionsBoundaryPolicyInputList.1', 'Permissions Boundary Policy'],
      ],
      boundary: true,
    },
    {
      name: 'a resource policy naming the caller (CallerArn) allows past the boundary',
      input: principal({
        actionNames: ['sqs:SendMessage'],
        resourceArns: [`arn:aws:sqs:us-east-1:${ACCOUNT}:q`],
        resourcePolicy: policy({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
          Action: 'sqs:SendMessage',
          Resource: '*',
        }),
        callerArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      }),
      decisions: [['sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, 'allowed']],
      sources: [['ResourcePolicy', 'Resource Policy']],
      boundary: false,
    },
    {
      name: 'every action on every resource, action by action',
      input: principal({
        actionNames: ['eks:DescribeCluster', 's3:GetObject'],
        resourceArns: ['arn:aws:s3:::b/k', 'arn:aws:s3:::c/k'],
      }),
      decisions: [
        ['eks:DescribeCluster', 'arn:aws:s3:::b/k', 'allowed'],
        ['eks:DescribeCluster', 'arn:aws:s3:::c/k', 'allowed'],
        ['s3:GetObject', 'arn:aws:s3:::b/k', 'allowed'],
        ['s3:GetObject', 'arn:aws:s3:::c/k', 'implicitDeny'],
      ],
    },
  ])('$name', async ({ input, decisions, sources, boundary }) => {
    const iam = await setup()
    const page = await iam.simulatePrincipalPolicy(input)
    expect(page.isTruncated).toBe(false)
    expect(page.items.map((r) => [r.evalActionName, r.evalResourceName, r.evalDecision])).toEqual(
      decisions,
    )
    const first = page.items[0]
    if (sources !== undefined) {
      expect(first?.matchedStatements.map((s) => [s.sourcePolicyId, s.sourcePolicyType])).toEqual(
        sources,
      )
    }
    if (boundary !== undefined) {
      expect(first?.permissionsBoundaryDecisionDetail).toEqual({
        allowedByPermissionsBoundary: boundary,
      })
    }
  })

  it('positions point into the stored text of the policy', async () => {
    const iam = await setup()
    const [result] = (await iam.simulatePrincipalPolicy(principal())).items
    // INLINE is indented by two: the statement array opens on line 3 at column 16.
    expect(result?.matchedStatements[0]).toEqual({
      sourcePolicyId: 'Describe',
      sourcePolicyType: 'IAM Policy',
      startPosition: { line: 3, column: 17 },
      endPosition: { line: 8, column: 6 },
    })
  })

  it('pages with MaxItems and Marker', async () => {
    const iam = await setup()
    const actions = ['eks:DescribeCluster', 'eks:ListClusters', 's3:GetObject']
    const seen: string[] = []
    let marker: string | undefined
    let pages = 0
    do {
      const page = await iam.simulatePrincipalPolicy(
        principal({ actionNames: actions, maxItems: 2, ...(marker && { marker }) }),
      )
      pages++
      seen.push(...page.items.map((r) => r.evalActionName))
      expect(page.isTruncated).toBe(page.marker !== undefined)
      marker = page.marker
    } while (marker !== undefined)
    expect(pages).toBe(2)
    expect(seen).toEqual(actions)
  })

  it.each([
    {
      name: 'a role that does not exist',
      input: principal({ policySourceArn: `arn:aws:iam::${ACCOUNT}:role/nope` }),
      code: 'entity.not_found',
      message: 'The role with name nope cannot be found.',
    },
    {
      name: 'a user (Lanyard has none)',
      input: principal({ policySourceArn: `arn:aws:iam::${ACCOUNT}:user/alice` }),
      code: 'entity.not_found',
      message: 'The user with name alice cannot be found.',
    },
    {
      name: 'a group (Lanyard has none)',
      input: principal({ policySourceArn: `arn:aws:iam::${ACCOUNT}:group/devs` }),
      code: 'entity.not_found',
      message: 'The group with name devs cannot be found.',
    },
    {
      name: 'an assumed-role session',
      input: principal({ policySourceArn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s` }),
      code: 'request.invalid',
      message: `Invalid Entity Arn: arn:aws:sts::${ACCOUNT}:assumed-role/app/s does not clearly define entity type and name.`,
    },
    {
      name: 'another account',
      input: principal({ policySourceArn: 'arn:aws:iam::210987654321:role/app' }),
      code: 'request.invalid',
      message:
        "Invalid Policy Source Arn: caller's account 123456789012 does not have access to policies in account 210987654321",
    },
    {
      name: 'a resource policy without a caller',
      input: principal({
        resourcePolicy: policy({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: '*',
        }),
      }),
      code: 'request.invalid',
      message: 'Invalid caller - Caller must be an IAM user in this context.',
    },
    {
      name: 'two boundaries',
      input: principal({ permissionsBoundaryPolicyInputList: [BOUNDARY, BOUNDARY] }),
      code: 'request.invalid',
      message: 'The list of Permissions Boundary policies cannot exceed 1 items.',
    },
    {
      name: 'a malformed input policy',
      input: principal({ policyInputList: ['{"Version":'] }),
      code: 'request.invalid',
      message: 'This policy contains invalid Json',
    },
    {
      name: 'a short action name',
      input: principal({ actionNames: ['s3'] }),
      code: 'request.validation',
    },
    {
      name: 'a marker Lanyard did not issue',
      input: principal({ marker: 'bogus' }),
      code: 'request.invalid',
      message: 'Invalid Marker.',
    },
  ])('fails: $name', async ({ input, code, message }) => {
    const iam = await setup()
    await expect(iam.simulatePrincipalPolicy(input)).rejects.toMatchObject(
      message === undefined ? { code } : { code, message },
    )
  })
})

const custom = (extra: Partial<SimulateCustomPolicyInput> = {}): SimulateCustomPolicyInput => ({
  policyInputList: [policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })],
  actionNames: ['s3:GetObject'],
  ...extra,
})

describe('SimulateCustomPolicy', () => {
  it.each([
    {
      name: 'a context entry per type',
      input: custom({
        policyInputList: [
          policy({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: {
              NumericLessThan: { 's3:max-keys': '10' },
              'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] },
              IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
              Bool: { 'aws:SecureTransport': 'true' },
            },
          }),
        ],
        contextEntries: [
          { key: 's3:max-keys', values: ['5'], type: 'numeric' },
          { key: 'aws:TagKeys', values: ['a'], type: 'stringList' },
          { key: 'aws:SourceIp', values: ['10.1.2.3'], type: 'ip' },
          { key: 'aws:SecureTransport', values: ['true'], type: 'boolean' },
        ],
      }),
      decision: 'allowed',
      missing: [],
    },
    {
      name: 'a single-valued key given as a list does not match a plain operator',
      input: custom({
        policyInputList: [
          policy({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } },
          }),
        ],
        contextEntries: [{ key: 'aws:PrincipalTag/team', values: ['a'], type: 'stringList' }],
      }),
      decision: 'implicitDeny',
      missing: [],
    },
    {
      name: 'an entry without values is absent',
      input: custom({
        policyInputList: [
          policy({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } },
          }),
        ],
        contextEntries: [{ key: 'aws:PrincipalTag/team', values: [] }],
      }),
      decision: 'implicitDeny',
      missing: ['aws:PrincipalTag/team'],
    },
    {
      name: 'a resource policy for the caller, same account',
      input: custom({
        policyInputList: [],
        resourcePolicy: policy({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
          Action: 's3:GetObject',
          Resource: '*',
        }),
        callerArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      }),
      decision: 'allowed',
      missing: [],
    },
    {
      name: 'the same resource policy, resource owned by another account (account ARN)',
      input: custom({
        policyInputList: [],
        resourcePolicy: policy({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
          Action: 's3:GetObject',
          Resource: '*',
        }),
        callerArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        resourceOwner: 'arn:aws:iam::210987654321:root',
      }),
      decision: 'implicitDeny',
      missing: [],
    },
  ])('$name', async ({ input, decision, missing }) => {
    const iam = await setup()
    const [result] = (await iam.simulateCustomPolicy(input)).items
    expect(result?.evalDecision).toBe(decision)
    expect(result?.missingContextValues).toEqual(missing)
  })

  it.each([
    {
      name: 'a resource policy in PolicyInputList',
      input: custom({
        policyInputList: [
          policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }),
        ],
      }),
      code: 'request.invalid',
    },
    {
      name: 'a caller that is not a user',
      input: custom({ callerArn: `arn:aws:iam::${ACCOUNT}:role/app` }),
      code: 'request.invalid',
      message: 'Invalid caller - Caller must be an IAM user in this context.',
    },
    {
      name: 'a resource owner that is no account',
      input: custom({ resourceOwner: 'someone' }),
      code: 'request.invalid',
      message: 'Invalid ResourceOwner: someone',
    },
    {
      name: 'a context key name too short',
      input: custom({ contextEntries: [{ key: 'a:b', values: ['x'] }] }),
      code: 'request.validation',
    },
  ])('fails: $name', async ({ input, code, message }) => {
    const iam = await setup()
    await expect(iam.simulateCustomPolicy(input)).rejects.toMatchObject(
      message === undefined ? { code } : { code, message },
    )
  })
})
