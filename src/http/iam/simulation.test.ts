import { XMLParser } from 'fast-xml-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { LanyardError } from '../../errors.js'
import { createIamService, DEFAULT_IAM_CONFIG } from '../../iam/index.js'
import type { Store } from '../../store/ports.js'
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js'
import { toAwsError } from '../aws-errors.js'
import type { OperationContext } from '../operation.js'
import { QueryInput } from '../query-input.js'
import { queryResponseXml } from '../xml.js'
import { createIamQueryService } from './service.js'

/** SimulatePrincipalPolicy / SimulateCustomPolicy on the wire: parameters in, XML out. */

const ACCOUNT = '123456789012'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app`
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: {
    Effect: 'Allow',
    Principal: { Service: 'ec2.amazonaws.com' },
    Action: 'sts:AssumeRole',
  },
})
// The AWS CLI's simulate-custom-policy example policy (awscli examples, Apache-2.0).
const CLI_POLICY =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
const BOUNDARY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
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

async function setup() {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const iam = createIamService(
    { store, accountId: ACCOUNT, now: () => Date.UTC(2024, 0, 2) },
    DEFAULT_IAM_CONFIG,
  )
  const { policy } = await iam.createPolicy({ policyName: 'Fence', policyDocument: BOUNDARY })
  await iam.createRole({
    roleName: 'app',
    assumeRolePolicyDocument: TRUST,
    permissionsBoundary: policy.arn,
  })
  await iam.putRolePolicy('app', 'Backups', CLI_POLICY)
  const service = createIamQueryService(iam)
  const call = async (action: string, params: Record<string, string>) => {
    const op = service.operations.get(action)
    if (!op) throw new Error(`no operation ${action}`)
    const result = await op.handle(new QueryInput(new Map(Object.entries(params))), CTX)
    return queryResponseXml(action, service.namespace, result, CTX.requestId)
  }
  const result = async (action: string, params: Record<string, string>) =>
    parser.parse(await call(action, params))[`${action}Response`][`${action}Result`]
  const error = async (action: string, params: Record<string, string>) => {
    try {
      await call(action, params)
    } catch (err) {
      expect(err).toBeInstanceOf(LanyardError)
      return toAwsError(err, 'iam')
    }
    throw new Error(`${action} did not fail`)
  }
  return { call, result, error }
}

const context = (n: number, name: string, values: string[], type?: string) => ({
  [`ContextEntries.member.${n}.ContextKeyName`]: name,
  ...Object.fromEntries(
    values.map((v, i) => [`ContextEntries.member.${n}.ContextKeyValues.member.${i + 1}`, v]),
  ),
  ...(type && { [`ContextEntries.member.${n}.ContextKeyType`]: type }),
})

describe('SimulateCustomPolicy on the wire', () => {
  it('answers the AWS CLI example with AWS’s figures', async () => {
    const { result } = await setup()
    const r = await result('SimulateCustomPolicy', {
      'PolicyInputList.member.1': CLI_POLICY,
      'ActionNames.member.1': 'dynamodb:CreateBackup',
      ...context(1, 'aws:CurrentTime', ['2019-04-25T11:00:00Z'], 'date'),
    })
    expect(r).toEqual({
      EvaluationResults: {
        member: [
          {
            EvalActionName: 'dynamodb:CreateBackup',
            EvalResourceName: '*',
            EvalDecision: 'allowed',
            MatchedStatements: {
              member: [
                {
                  SourcePolicyId: 'PolicyInputList.1',
                  SourcePolicyType: 'IAM Policy',
                  StartPosition: { Line: '1', Column: '38' },
                  EndPosition: { Line: '1', Column: '167' },
                },
              ],
            },
            MissingContextValues: '',
          },
        ],
      },
      IsTruncated: 'false',
    })
  })

  it('writes EvaluationResult members in model order, with ResourceSpecificResults', async () => {
    const { call } = await setup()
    const xml = await call('SimulateCustomPolicy', {
      'PolicyInputList.member.1': CLI_POLICY,
      'PermissionsBoundaryPolicyInputList.member.1': BOUNDARY,
      'ActionNames.member.1': 'dynamodb:GetItem',
      'ResourceArns.member.1': 'arn:aws:dynamodb:us-east-1:123456789012:table/t',
    })
    const order = [
      '<EvalActionName>',
      '<EvalResourceName>',
      '<EvalDecision>implicitDeny</EvalDecision>',
      '<MatchedStatements>',
      '<MissingContextValues>',
      '<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>true</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>',
      '<EvalDecisionDetails></EvalDecisionDetails>',
      '<ResourceSpecificResults><member><EvalResourceName>arn:aws:dynamodb:us-east-1:123456789012:table/t</EvalResourceName><EvalResourceDecision>implicitDeny</EvalResourceDecision>',
      '<MissingContextValues><member>aws:CurrentTime</member></MissingContextValues>',
      '</ResourceSpecificResults>',
      '<IsTruncated>false</IsTruncated>',
    ]
    const at = order.map((s) => xml.indexOf(s))
    expect(at.every((i) => i >= 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(xml).not.toContain('OrganizationsDecisionDetail')
    expect(xml).toContain(
      '<SimulateCustomPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">',
    )
  })

  it.each([
    {
      name: 'ActionNames missing',
      params: { 'PolicyInputList.member.1': CLI_POLICY },
      message:
        "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'PolicyInputList missing',
      params: { 'ActionNames.member.1': 's3:GetObject' },
      message:
        "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'an action name too short and an unknown context key type',
      params: {
        'PolicyInputList.member.1': CLI_POLICY,
        'ActionNames.member.1': 's3',
        ...context(1, 'aws:CurrentTime', ['x'], 'time'),
      },
      message:
        "2 validation errors detected: Value 's3' at 'actionNames.1.member' failed to satisfy constraint: Member must have length greater than or equal to 3; Value 'time' at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]",
    },
    {
      name: 'MaxItems out of range',
      params: {
        'PolicyInputList.member.1': CLI_POLICY,
        'ActionNames.member.1': 's3:GetObject',
        MaxItems: '0',
      },
      message:
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    },
  ])('ValidationError: $name', async ({ params, message }) => {
    const { error } = await setup()
    expect(await error('SimulateCustomPolicy', params)).toEqual({
      status: 400,
      code: 'ValidationError',
      type: 'Sender',
      message,
    })
  })
})

describe('SimulatePrincipalPolicy on the wire', () => {
  it('simulates the role’s policies with its boundary, context entries and paging', async () => {
    const { result } = await setup()
    const params = {
      PolicySourceArn: ROLE_ARN,
      'ActionNames.member.1': 'dynamodb:CreateBackup',
      'ActionNames.member.2': 's3:GetObject',
      ...context(1, 'aws:CurrentTime', ['2019-04-25T11:00:00Z'], 'date'),
      MaxItems: '1',
    }
    const first = await result('SimulatePrincipalPolicy', params)
    expect(first.IsTruncated).toBe('true')
    expect(first.Marker).toEqual(expect.any(String))
    const [allowed] = first.EvaluationResults.member
    expect(allowed).toMatchObject({
      EvalActionName: 'dynamodb:CreateBackup',
      EvalDecision: 'allowed',
      MatchedStatements: {
        member: [
          { SourcePolicyId: 'Backups', SourcePolicyType: 'IAM Policy' },
          { SourcePolicyId: 'Fence', SourcePolicyType: 'Permissions Boundary Policy' },
        ],
      },
      PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: 'true' },
    })
    const second = await result('SimulatePrincipalPolicy', { ...params, Marker: first.Marker })
    expect(second.IsTruncated).toBe('false')
    expect(second.Marker).toBeUndefined()
    expect(second.EvaluationResults.member).toEqual([
      expect.objectContaining({
        EvalActionName: 's3:GetObject',
        EvalDecision: 'implicitDeny',
        MatchedStatements: '',
        PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: 'false' },
      }),
    ])
  })

  it.each([
    {
      name: 'a missing role',
      arn: `arn:aws:iam::${ACCOUNT}:role/nope`,
      expected: {
        status: 404,
        code: 'NoSuchEntity',
        message: 'The role with name nope cannot be found.',
      },
    },
    {
      name: 'a user',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      expected: {
        status: 404,
        code: 'NoSuchEntity',
        message: 'The user with name alice cannot be found.',
      },
    },
    {
      name: 'a session ARN',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s`,
      expected: { status: 400, code: 'InvalidInput' },
    },
  ])('errors: $name', async ({ arn, expected }) => {
    const { error } = await setup()
    expect(
      await error('SimulatePrincipalPolicy', {
        PolicySourceArn: arn,
        'ActionNames.member.1': 's3:GetObject',
      }),
    ).toMatchObject({ ...expected, type: 'Sender' })
  })

  it('PolicySourceArn is required', async () => {
    const { error } = await setup()
    expect(
      await error('SimulatePrincipalPolicy', { 'ActionNames.member.1': 's3:GetObject' }),
    ).toMatchObject({
      code: 'ValidationError',
      message:
        "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null",
    })
  })
})
