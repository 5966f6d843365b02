import { describe, expect, it } from 'vitest'
import { createRequestContext, type PolicyKind, parsePolicy } from '../policy/index.js'
import { createSimulation, type SimulationPolicy, type SimulationSubject } from './simulate.js'
import type { EvaluationResult } from './types.js'

const ACCOUNT = '123456789012'
const OTHER = '210987654321'
const CALLER = `arn:aws:iam::${ACCOUNT}:user/alice`

let n = 0
function policy(id: string, doc: unknown, kind: PolicyKind = 'identity'): SimulationPolicy {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc)
  const parsed = parsePolicy(text, { kind, label: `t${++n}`, maxLength: 0 })
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '))
  return { id, text, policy: parsed.policy }
}
const doc = (...statements: Record<string, unknown>[]) => ({
  Version: '2012-10-17',
  Statement: statements,
})
const allow = (action: string, resource: string, extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
})
const deny = (action: string, resource: string, extra: Record<string, unknown> = {}) => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
})

// The AWS CLI's simulate-custom-policy examples (awscli examples/iam/simulate-custom-policy.rst,
// Apache-2.0): this policy, action and context, and the results AWS answered.
const CLI_POLICY =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'

function subject(
  parts: Partial<SimulationSubject> & { values?: Record<string, string | string[]> },
) {
  const { values, ...rest } = parts
  return {
    identity: [],
    callerAccount: ACCOUNT,
    context: createRequestContext(values ?? {}),
    ...rest,
  } satisfies SimulationSubject
}

/** The caller's identity policies, and a resource policy of a resource owned by `OTHER`. */
const crossAccount = (identity: SimulationPolicy[], statement: Record<string, unknown>) =>
  subject({
    identity,
    resourcePolicy: policy('ResourcePolicy', doc(statement), 'resource'),
    callerArn: CALLER,
    resourceOwner: OTHER,
  })

type Case = {
  name: string
  subject: SimulationSubject
  action: string
  resource?: string
  expected: Partial<EvaluationResult>
}

const READ_BUCKET = policy('read', doc(allow('s3:GetObject', 'arn:aws:s3:::b/*')))
const WITH_CONDITION = policy(
  'tagged',
  doc(
    allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } }),
    allow('s3:PutObject', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
  ),
)

const CASES: Case[] = [
  {
    name: 'AWS CLI example 1: allowed at a date after the condition',
    subject: subject({
      identity: [policy('PolicyInputList.1', CLI_POLICY)],
      values: { 'aws:CurrentTime': '2019-04-25T11:00:00Z' },
    }),
    action: 'dynamodb:CreateBackup',
    expected: {
      evalActionName: 'dynamodb:CreateBackup',
      evalResourceName: '*',
      evalDecision: 'allowed',
      matchedStatements: [
        {
          sourcePolicyId: 'PolicyInputList.1',
          sourcePolicyType: 'IAM Policy',
          startPosition: { line: 1, column: 38 },
          endPosition: { line: 1, column: 167 },
        },
      ],
      missingContextValues: [],
    },
  },
  {
    name: 'AWS CLI example 2: implicitly denied at a date before it',
    subject: subject({
      identity: [policy('PolicyInputList.1', CLI_POLICY)],
      values: { 'aws:CurrentTime': '2014-04-25T11:00:00Z' },
    }),
    action: 'dynamodb:CreateBackup',
    expected: { evalDecision: 'implicitDeny', matchedStatements: [], missingContextValues: [] },
  },
  {
    name: 'a condition key the context lacks is missing',
    subject: subject({ identity: [policy('PolicyInputList.1', CLI_POLICY)] }),
    action: 'dynamodb:CreateBackup',
    expected: { evalDecision: 'implicitDeny', missingContextValues: ['aws:CurrentTime'] },
  },
  {
    name: 'only the keys of statements for the simulated action are missing',
    subject: subject({ identity: [WITH_CONDITION] }),
    action: 's3:PutObject',
    expected: { evalDecision: 'implicitDeny', missingContextValues: ['aws:SecureTransport'] },
  },
  {
    name: 'keys given (any case) are not missing',
    subject: subject({ identity: [WITH_CONDITION], values: { 'AWS:PRINCIPALTAG/TEAM': 'a' } }),
    action: 's3:GetObject',
    expected: { evalDecision: 'allowed', missingContextValues: [] },
  },
  {
    name: 'a policy variable in Resource without a value is missing',
    subject: subject({
      identity: [
        policy('vars', doc(allow('s3:GetObject', `arn:aws:s3:::home/\${aws:username}/*`))),
      ],
    }),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::home/alice/x',
    expected: {
      evalDecision: 'implicitDeny',
      missingContextValues: [],
      resourceSpecificResults: [
        {
          evalResourceName: 'arn:aws:s3:::home/alice/x',
          evalResourceDecision: 'implicitDeny',
          matchedStatements: [],
          missingContextValues: ['aws:username'],
        },
      ],
    },
  },
  {
    name: 'the variable given: allowed',
    subject: subject({
      identity: [
        policy('vars', doc(allow('s3:GetObject', `arn:aws:s3:::home/\${aws:username}/*`))),
      ],
      values: { 'aws:username': 'alice' },
    }),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::home/alice/x',
    expected: { evalDecision: 'allowed' },
  },
  {
    name: 'a variable with a default is never missing',
    subject: subject({
      identity: [
        policy('vars', doc(allow('s3:GetObject', `arn:aws:s3:::home/\${aws:username, 'x'}/*`))),
      ],
    }),
    action: 's3:GetObject',
    expected: { evalDecision: 'implicitDeny', missingContextValues: [] },
  },
  {
    name: 'an explicit deny lists only the deny',
    subject: subject({
      identity: [
        policy('allow', doc(allow('s3:*', '*'))),
        policy('guard', doc(deny('s3:DeleteObject', '*'))),
      ],
    }),
    action: 's3:DeleteObject',
    expected: {
      evalDecision: 'explicitDeny',
      matchedStatements: [
        {
          sourcePolicyId: 'guard',
          sourcePolicyType: 'IAM Policy',
          startPosition: { line: 1, column: 38 },
          endPosition: { line: 1, column: 97 },
        },
      ],
    },
  },
  {
    name: 'one listed resource: top-level shape, ResourceSpecificResults, empty EvalDecisionDetails',
    subject: subject({ identity: [READ_BUCKET] }),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    expected: {
      evalActionName: 's3:GetObject',
      evalResourceName: 'arn:aws:s3:::b/k',
      evalDecision: 'allowed',
      missingContextValues: [],
      evalDecisionDetails: {},
      resourceSpecificResults: [
        {
          evalResourceName: 'arn:aws:s3:::b/k',
          evalResourceDecision: 'allowed',
          matchedStatements: [expect.objectContaining({ sourcePolicyId: 'read' })],
          missingContextValues: [],
        },
      ],
    },
  },
  {
    name: 'a resource outside the policy',
    subject: subject({ identity: [READ_BUCKET] }),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::other/k',
    expected: { evalDecision: 'implicitDeny', matchedStatements: [] },
  },
  {
    name: 'a boundary that does not allow: implicit deny, AllowedByPermissionsBoundary false',
    subject: subject({
      identity: [policy('admin', doc(allow('*', '*')))],
      boundary: policy('fence', doc(allow('s3:*', '*')), 'boundary'),
    }),
    action: 'iam:CreateUser',
    expected: {
      evalDecision: 'implicitDeny',
      matchedStatements: [expect.objectContaining({ sourcePolicyId: 'admin' })],
      permissionsBoundaryDecisionDetail: { allowedByPermissionsBoundary: false },
    },
  },
  {
    name: 'a boundary that allows',
    subject: subject({
      identity: [policy('admin', doc(allow('*', '*')))],
      boundary: policy('fence', doc(allow('s3:*', '*')), 'boundary'),
    }),
    action: 's3:GetObject',
    expected: {
      evalDecision: 'allowed',
      matchedStatements: [
        expect.objectContaining({ sourcePolicyId: 'admin', sourcePolicyType: 'IAM Policy' }),
        expect.objectContaining({
          sourcePolicyId: 'fence',
          sourcePolicyType: 'Permissions Boundary Policy',
        }),
      ],
      permissionsBoundaryDecisionDetail: { allowedByPermissionsBoundary: true },
    },
  },
  {
    name: 'a boundary deny',
    subject: subject({
      identity: [policy('admin', doc(allow('*', '*')))],
      boundary: policy('fence', doc(allow('*', '*'), deny('s3:DeleteBucket', '*')), 'boundary'),
    }),
    action: 's3:DeleteBucket',
    expected: {
      evalDecision: 'explicitDeny',
      matchedStatements: [expect.objectContaining({ sourcePolicyId: 'fence' })],
      permissionsBoundaryDecisionDetail: { allowedByPermissionsBoundary: false },
    },
  },
  {
    name: 'same account: a resource policy naming the caller allows on its own',
    subject: subject({
      resourcePolicy: policy(
        'ResourcePolicy',
        doc(allow('s3:GetObject', 'arn:aws:s3:::b/*', { Principal: { AWS: CALLER } })),
        'resource',
      ),
      callerArn: CALLER,
    }),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    expected: {
      evalDecision: 'allowed',
      matchedStatements: [
        expect.objectContaining({
          sourcePolicyId: 'ResourcePolicy',
          sourcePolicyType: 'Resource Policy',
        }),
      ],
    },
  },
  {
    name: 'a resource policy deny for another principal does not apply',
    subject: subject({
      identity: [READ_BUCKET],
      resourcePolicy: policy(
        'ResourcePolicy',
        doc(
          deny('s3:GetObject', '*', {
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` },
          }),
        ),
        'resource',
      ),
      callerArn: CALLER,
    }),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    expected: { evalDecision: 'allowed' },
  },
  {
    name: 'cross-account: the resource policy alone is not enough',
    subject: crossAccount([], allow('s3:GetObject', '*', { Principal: { AWS: CALLER } })),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    expected: {
      evalDecision: 'implicitDeny',
      evalDecisionDetails: { 'IAM Policy': 'implicitDeny', 'Resource Policy': 'allowed' },
    },
  },
  {
    name: 'cross-account: identity allow and resource policy allow',
    subject: crossAccount(
      [READ_BUCKET],
      allow('s3:GetObject', '*', { Principal: { AWS: ACCOUNT } }),
    ),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    expected: {
      evalDecision: 'allowed',
      evalDecisionDetails: { 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' },
    },
  },
  {
    name: 'cross-account: a resource policy deny decides, each side reported',
    subject: crossAccount([READ_BUCKET], deny('s3:GetObject', '*', { Principal: { AWS: CALLER } })),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    expected: {
      evalDecision: 'explicitDeny',
      evalDecisionDetails: { 'IAM Policy': 'allowed', 'Resource Policy': 'explicitDeny' },
      resourceSpecificResults: [expect.objectContaining({ evalResourceDecision: 'explicitDeny' })],
    },
  },
  {
    name: 'cross-account for every resource (*): the details are given too',
    subject: crossAccount(
      [policy('any', doc(allow('s3:GetObject', '*')))],
      allow('s3:GetObject', '*', { Principal: { AWS: ACCOUNT } }),
    ),
    action: 's3:GetObject',
    expected: {
      evalDecision: 'allowed',
      evalResourceName: '*',
      evalDecisionDetails: { 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' },
    },
  },
  {
    name: 'cross-account by the ARN: identity allow without a resource policy allow',
    subject: subject({
      identity: [policy('q', doc(allow('sqs:SendMessage', '*')))],
      resourcePolicy: policy(
        'ResourcePolicy',
        doc(allow('sqs:ReceiveMessage', '*', { Principal: '*' })),
        'resource',
      ),
      callerArn: CALLER,
    }),
    action: 'sqs:SendMessage',
    resource: `arn:aws:sqs:us-east-1:${OTHER}:q`,
    expected: {
      evalDecision: 'implicitDeny',
      evalDecisionDetails: { 'IAM Policy': 'allowed', 'Resource Policy': 'implicitDeny' },
    },
  },
]

describe('createSimulation', () => {
  it.each(CASES)('$name', ({ subject: s, action, resource, expected }) => {
    const result = createSimulation(s).evaluate(action, resource)
    expect(result).toMatchObject(expected)
  })

  it('leaves out ResourceSpecificResults and EvalDecisionDetails for *', () => {
    const result = createSimulation(subject({ identity: [READ_BUCKET] })).evaluate('s3:GetObject')
    expect(result).not.toHaveProperty('resourceSpecificResults')
    expect(result).not.toHaveProperty('evalDecisionDetails')
    expect(result).not.toHaveProperty('permissionsBoundaryDecisionDetail')
  })

  it('refuses two policies with one label', () => {
    expect(() => createSimulation(subject({ identity: [READ_BUCKET, READ_BUCKET] }))).toThrow()
  })
})
