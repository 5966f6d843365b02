import { afterEach, describe, expect, it } from 'vitest'
import { createIamService, DEFAULT_IAM_CONFIG } from '../../iam/index.js'
import type { Store } from '../../store/ports.js'
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js'
import type { OperationContext } from '../operation.js'
import { QueryInput } from '../query-input.js'
import { LINT_WARNING } from './findings.js'
import { createIamQueryService } from './service.js'

/** The wire layer logs each lint finding of a written policy as a warning (issue #3). */

const ACCOUNT = '123456789012'
const URL = 'oidc.example.com/id/ABC'
const NO_CONDITIONS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${URL}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
    },
  ],
})
const SERVICE_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: {
    Effect: 'Allow',
    Principal: { Service: 'ec2.amazonaws.com' },
    Action: 'sts:AssumeRole',
  },
})
const NOT_ACTION = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
})
const CLEAN = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
})
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/p`

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

function setup(withWarn = true) {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const iam = createIamService(
    { store, accountId: ACCOUNT, now: () => Date.UTC(2024, 0, 2) },
    DEFAULT_IAM_CONFIG,
  )
  const warnings: { message: string; details: Record<string, unknown> }[] = []
  const service = withWarn
    ? createIamQueryService(iam, (message, details) => warnings.push({ message, details }))
    : createIamQueryService(iam)
  const call = async (action: string, params: Record<string, string>, requestId = 'req-1') => {
    const ctx: OperationContext = {
      requestId,
      caller: undefined,
      sourceIp: '127.0.0.1',
      userAgent: undefined,
      now: 0,
      region: 'us-east-1',
      secure: false,
    }
    const op = service.operations.get(action)
    if (!op) throw new Error(`no operation ${action}`)
    return op.handle(new QueryInput(new Map(Object.entries(params))), ctx)
  }
  return { call, warnings }
}

describe('lint findings logged as warnings', () => {
  it.each([
    {
      action: 'CreateRole',
      params: { RoleName: 'r', AssumeRolePolicyDocument: NO_CONDITIONS_TRUST },
      expected: [
        { kind: 'trust', roleName: 'r', code: 'oidc.sub_missing', severity: 'error' },
        { kind: 'trust', roleName: 'r', code: 'oidc.aud_missing', severity: 'warning' },
      ],
    },
    {
      action: 'UpdateAssumeRolePolicy',
      prepare: [['CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: SERVICE_TRUST }]],
      params: { RoleName: 'r', PolicyDocument: NO_CONDITIONS_TRUST },
      expected: [
        { kind: 'trust', roleName: 'r', code: 'oidc.sub_missing' },
        { kind: 'trust', roleName: 'r', code: 'oidc.aud_missing' },
      ],
    },
    {
      action: 'PutRolePolicy',
      prepare: [['CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: SERVICE_TRUST }]],
      params: { RoleName: 'r', PolicyName: 'inline', PolicyDocument: NOT_ACTION },
      expected: [
        {
          kind: 'identity',
          roleName: 'r',
          policyName: 'inline',
          code: 'statement.allow_not_action',
          path: 'Statement[0].NotAction',
        },
      ],
    },
    {
      action: 'CreatePolicy',
      params: { PolicyName: 'p', PolicyDocument: NOT_ACTION },
      expected: [
        {
          kind: 'identity',
          policyArn: POLICY_ARN,
          versionId: 'v1',
          code: 'statement.allow_not_action',
        },
      ],
    },
    {
      action: 'CreatePolicyVersion',
      prepare: [['CreatePolicy', { PolicyName: 'p', PolicyDocument: CLEAN }]],
      params: { PolicyArn: POLICY_ARN, PolicyDocument: NOT_ACTION },
      expected: [
        {
          kind: 'identity',
          policyArn: POLICY_ARN,
          versionId: 'v2',
          code: 'statement.allow_not_action',
        },
      ],
    },
    {
      action: 'CreatePolicy',
      params: { PolicyName: 'p', PolicyDocument: CLEAN },
      expected: [],
    },
  ] as {
    action: string
    prepare?: [string, Record<string, string>][]
    params: Record<string, string>
    expected: Record<string, unknown>[]
  }[])('$action', async ({ action, prepare, params, expected }) => {
    const { call, warnings } = setup()
    for (const [a, p] of prepare ?? []) await call(a, p, 'prepare')
    warnings.length = 0
    await call(action, params, 'req-42')
    expect(warnings).toEqual(
      expected.map((e) => ({
        message: LINT_WARNING,
        details: expect.objectContaining({ action, requestId: 'req-42', ...e }),
      })),
    )
    for (const w of warnings) {
      expect(w.details.finding).toEqual(expect.any(String))
      expect(w.details.path).toEqual(expect.any(String))
    }
  })

  it('works without a warn callback', async () => {
    const { call } = setup(false)
    await expect(
      call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: NO_CONDITIONS_TRUST }),
    ).resolves.toBeDefined()
  })

  it('a refused write warns nothing', async () => {
    const { call, warnings } = setup()
    await expect(
      call('CreatePolicy', { PolicyName: 'p', PolicyDocument: NO_CONDITIONS_TRUST }),
    ).rejects.toMatchObject({ code: 'policy.malformed' })
    expect(warnings).toEqual([])
  })
})
