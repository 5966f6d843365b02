import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { DEFAULT_IAM_LIMITS } from './config.js'
import { createIamService } from './service.js'
import type { IamService, PolicyFinding } from './types.js'

/**
 * Every write that validates a policy returns the analyzer's findings on it (issue #3: "Trust-
 * policy lint findings from #2 are returned to the CLI and logged as warnings"), and still
 * writes the policy: findings are warnings, never refusals (unless --strict-trust refuses).
 */

const ACCOUNT = '123456789012'
const URL = 'oidc.example.com/id/ABC'
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${URL}`
const SERVICE_TRUST = JSON.stringify({
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
const SUB_AND_AUD = {
  StringEquals: {
    [`${URL}:sub`]: 'system:serviceaccount:ns:sa',
    [`${URL}:aud`]: 'sts.amazonaws.com',
  },
}
const identity = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] })
const READ = identity({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })
const NOT_ACTION = identity({ NotAction: 'iam:*', Resource: '*' })
const WRITE_ANYWHERE = identity({ Action: 's3:PutObject', Resource: '*' })
const NO_VERSION = JSON.stringify({
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
})

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

function setup(strictTrust = false) {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  return createIamService(
    { store, accountId: ACCOUNT, now: () => Date.UTC(2024, 0, 2) },
    { strictTrust, limits: DEFAULT_IAM_LIMITS },
  )
}

const codes = (findings: readonly PolicyFinding[]) => findings.map((f) => f.code).sort()

type Write = (iam: IamService, doc: string) => Promise<{ findings: PolicyFinding[] }>

const WRITES: { action: string; kind: 'trust' | 'identity'; write: Write }[] = [
  {
    action: 'CreateRole',
    kind: 'trust',
    write: (iam, doc) => iam.createRole({ roleName: 'r', assumeRolePolicyDocument: doc }),
  },
  {
    action: 'UpdateAssumeRolePolicy',
    kind: 'trust',
    write: async (iam, doc) => {
      await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: SERVICE_TRUST })
      return iam.updateAssumeRolePolicy('r', doc)
    },
  },
  {
    action: 'PutRolePolicy',
    kind: 'identity',
    write: async (iam, doc) => {
      await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: SERVICE_TRUST })
      return iam.putRolePolicy('r', 'p', doc)
    },
  },
  {
    action: 'CreatePolicy',
    kind: 'identity',
    write: (iam, doc) => iam.createPolicy({ policyName: 'p', policyDocument: doc }),
  },
  {
    action: 'CreatePolicyVersion',
    kind: 'identity',
    write: async (iam, doc) => {
      const { policy } = await iam.createPolicy({ policyName: 'p', policyDocument: READ })
      return iam.createPolicyVersion(policy.arn, doc)
    },
  },
]

const DOCUMENTS: Record<'trust' | 'identity', { name: string; doc: string; codes: string[] }[]> = {
  trust: [
    { name: 'service principal', doc: SERVICE_TRUST, codes: [] },
    {
      name: 'OIDC provider without conditions',
      doc: oidcTrust(),
      codes: ['oidc.aud_missing', 'oidc.sub_missing'],
    },
    {
      name: 'OIDC provider without aud',
      doc: oidcTrust({ StringEquals: { [`${URL}:sub`]: 'system:serviceaccount:ns:sa' } }),
      codes: ['oidc.aud_missing'],
    },
    {
      name: 'every service account of a namespace',
      doc: oidcTrust({
        StringLike: { [`${URL}:sub`]: 'system:serviceaccount:ns:*' },
        StringEquals: { [`${URL}:aud`]: 'sts.amazonaws.com' },
      }),
      codes: ['oidc.sub_wildcard_namespace'],
    },
    { name: 'OIDC provider with sub and aud', doc: oidcTrust(SUB_AND_AUD), codes: [] },
  ],
  identity: [
    { name: 'scoped read', doc: READ, codes: [] },
    { name: 'Allow with NotAction', doc: NOT_ACTION, codes: ['statement.allow_not_action'] },
    { name: 'write on every resource', doc: WRITE_ANYWHERE, codes: ['resource.star_write'] },
    { name: 'no Version', doc: NO_VERSION, codes: ['version.missing'] },
  ],
}

const CASES = WRITES.flatMap((w) =>
  DOCUMENTS[w.kind].map((d) => ({ ...d, action: w.action, write: w.write })),
)

describe('lint findings of policy writes', () => {
  it.each(CASES)('$action: $name', async ({ write, doc, codes: expected }) => {
    const iam = setup()
    const { findings } = await write(iam, doc)
    expect(codes(findings)).toEqual(expected)
    for (const f of findings) {
      expect(f.message).not.toBe('')
      expect(['error', 'warning', 'info']).toContain(f.severity)
      expect(f.path).toMatch(/^(Statement|Version|$)/)
    }
  })

  it('writes the policy despite its findings (they are warnings)', async () => {
    const iam = setup()
    const { findings } = await iam.createRole({
      roleName: 'r',
      assumeRolePolicyDocument: oidcTrust(),
    })
    expect(findings.find((f) => f.code === 'oidc.sub_missing')?.severity).toBe('error')
    expect((await iam.getRole('r')).assumeRolePolicyDocument).toBe(oidcTrust())
  })

  it.each([
    ['CreateRole', WRITES[0] as (typeof WRITES)[number]],
    ['UpdateAssumeRolePolicy', WRITES[1] as (typeof WRITES)[number]],
  ])(
    '%s under --strict-trust still refuses what it refused, and lints what it accepts',
    async (_, w) => {
      const iam = setup(true)
      await expect(w.write(iam, oidcTrust())).rejects.toMatchObject({ code: 'policy.malformed' })
      const { findings } = await w.write(
        setup(true),
        oidcTrust({
          StringLike: { [`${URL}:sub`]: 'system:serviceaccount:*' },
          StringEquals: { [`${URL}:aud`]: 'sts.amazonaws.com' },
        }),
      )
      // Strict trust asks for sub and aud conditions; what they admit is the analyzer's call.
      expect(codes(findings)).toEqual(['oidc.sub_wildcard_all'])
    },
  )
})
