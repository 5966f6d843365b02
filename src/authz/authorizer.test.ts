import { describe, expect, it } from 'vitest'
import type { Caller, OperationContext } from '../call-context.js'
import type { Session } from '../credentials/session.js'
import { createCachedStore } from '../store/cached-store.js'
import type { Store } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { AccessDeniedError, createAuthorizer } from './authorizer.js'
import { createPolicyCache } from './policy-cache.js'

const ACCOUNT = '123456789012'
const ROLE_ID = 'AROAEXAMPLEEXAMPLE123'
const CLUSTER = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/c`

/** Allows DescribeCluster only when the principal tag `team` is `blue`. */
const TEAM_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'eks:DescribeCluster',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
    },
  ],
})

async function storeWithRole(roleTags: { key: string; value: string }[]): Promise<Store> {
  const store = openSqliteStore(':memory:')
  await store.roles.insert({
    roleId: ROLE_ID,
    roleName: 'r',
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:role/r`,
    assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    maxSessionDuration: 3600,
    tags: roleTags,
    createDate: '2026-01-01T00:00:00Z',
  })
  await store.rolePolicies.put({ roleName: 'r', policyName: 'team', document: TEAM_POLICY })
  return store
}

const caller = (tags?: Record<string, string>): Caller => {
  const session: Session = {
    accessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
    secretAccessKey: 'x'.repeat(40),
    roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
    roleId: ROLE_ID,
    roleName: 'r',
    sessionName: 's',
    issuedAt: 1_800_000_000,
    expiresAt: 1_800_003_600,
    via: 'AssumeRole',
    ...(tags ? { tags } : {}),
  }
  return {
    kind: 'assumed-role',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`,
    accountId: ACCOUNT,
    userId: `${ROLE_ID}:s`,
    accessKeyId: session.accessKeyId,
    session,
  }
}

const ctx: OperationContext = {
  requestId: 'req',
  caller: undefined,
  sourceIp: '127.0.0.1',
  userAgent: undefined,
  now: 1_800_000_100_000,
  region: 'us-east-1',
  secure: false,
}

describe('authorizer: principal tags and the role read', () => {
  it.each([
    { name: 'role tag allows', roleTags: [{ key: 'team', value: 'blue' }], allowed: true },
    { name: 'role tag of another team', roleTags: [{ key: 'team', value: 'red' }], allowed: false },
    {
      name: 'session tag overrides the role tag, keys compared without case',
      roleTags: [{ key: 'Team', value: 'red' }],
      sessionTags: { team: 'blue' },
      allowed: true,
    },
    {
      name: 'session tag overrides an allowing role tag',
      roleTags: [{ key: 'team', value: 'blue' }],
      sessionTags: { TEAM: 'red' },
      allowed: false,
    },
    { name: 'no tags at all', roleTags: [], allowed: false },
  ])('$name', async ({ roleTags, sessionTags, allowed }) => {
    const store = await storeWithRole(roleTags)
    const authorizer = createAuthorizer({ store, policies: createPolicyCache() })
    const outcome = await authorizer
      .authorize(caller(sessionTags), 'eks:DescribeCluster', CLUSTER, ctx)
      .then(
        (d) => d.decision,
        (e: unknown) => (e instanceof AccessDeniedError ? 'denied' : 'error'),
      )
    expect(outcome).toBe(allowed ? 'allowed' : 'denied')
    await store.close()
  })

  it('reads the role once per authorization', async () => {
    const store = await storeWithRole([{ key: 'team', value: 'blue' }])
    let reads = 0
    const counting: Store = {
      ...store,
      roles: {
        ...store.roles,
        getById: (id) => {
          reads++
          return store.roles.getById(id)
        },
      },
    }
    const authorizer = createAuthorizer({ store: counting, policies: createPolicyCache() })
    await authorizer.authorize(caller(), 'eks:DescribeCluster', CLUSTER, ctx)
    expect(reads).toBe(1)
    await store.close()
  })

  it('gives a session of a deleted role no permissions', async () => {
    const store = await storeWithRole([{ key: 'team', value: 'blue' }])
    await store.roles.delete('r')
    const authorizer = createAuthorizer({ store, policies: createPolicyCache() })
    await expect(
      authorizer.authorize(caller(), 'eks:DescribeCluster', CLUSTER, ctx),
    ).rejects.toThrow(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/r/s is not authorized to perform: eks:DescribeCluster on resource: ${CLUSTER} because no identity-based policy allows the eks:DescribeCluster action`,
    )
    await store.close()
  })
})

describe('authorizer: what it keeps per session follows every change', () => {
  it('sees role tag, inline policy and attachment changes made after a first decision', async () => {
    const store = createCachedStore(await storeWithRole([{ key: 'team', value: 'blue' }]))
    const authorizer = createAuthorizer({ store, policies: createPolicyCache() })
    const c = caller()
    const allowed = () =>
      authorizer.authorize(c, 'eks:DescribeCluster', CLUSTER, ctx).then(
        () => true,
        (e) => (e instanceof AccessDeniedError ? false : Promise.reject(e)),
      )
    expect(await allowed()).toBe(true)
    expect(await allowed()).toBe(true) // kept: same session, same role record
    // The role's tag changes: the principal tag the policy needs is gone.
    const role = await store.roles.get('r')
    if (!role) throw new Error('role missing')
    await store.roles.update({ ...role, tags: [{ key: 'team', value: 'red' }] })
    expect(await allowed()).toBe(false)
    await store.roles.update({ ...role, tags: [{ key: 'team', value: 'blue' }] })
    expect(await allowed()).toBe(true)
    // The inline policy is replaced by one that allows nothing of the kind.
    await store.rolePolicies.put({
      roleName: 'r',
      policyName: 'team',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
    })
    expect(await allowed()).toBe(false)
    await store.rolePolicies.put({ roleName: 'r', policyName: 'team', document: TEAM_POLICY })
    expect(await allowed()).toBe(true)
    await store.close()
  })
})

describe('authorizer: global condition keys', () => {
  it('decides on the global keys of each call and on the keys given with it', async () => {
    const store = await storeWithRole([])
    await store.rolePolicies.put({
      roleName: 'r',
      policyName: 'team',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'eks:DescribeCluster',
            Resource: '*',
            Condition: {
              IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
              StringEquals: { 'eks:Extra': 'yes' },
            },
          },
        ],
      }),
    })
    const authorizer = createAuthorizer({ store, policies: createPolicyCache() })
    const who = caller()
    const inside = { ...ctx, sourceIp: '10.1.2.3' }
    const allowed = await authorizer.authorize(who, 'eks:DescribeCluster', CLUSTER, inside, {
      'eks:Extra': 'yes',
    })
    expect(allowed.decision).toBe('allowed')
    await expect(
      authorizer.authorize(who, 'eks:DescribeCluster', CLUSTER, inside, { 'eks:Extra': 'no' }),
    ).rejects.toBeInstanceOf(AccessDeniedError)
    await expect(
      authorizer.authorize(who, 'eks:DescribeCluster', CLUSTER, ctx, { 'eks:Extra': 'yes' }),
    ).rejects.toBeInstanceOf(AccessDeniedError)
  })
})

describe('authorizer: aws:MultiFactorAuthPresent', () => {
  // The deny AWS documents for "no access without MFA" (id_credentials_mfa_configure-api-require):
  // with session credentials the key is present and false, so both forms deny.
  it.each([
    ['Bool', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }],
    ['BoolIfExists', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }],
  ])('a session without MFA is denied by %s … false', async (_, condition) => {
    const store = await storeWithRole([{ key: 'team', value: 'blue' }])
    await store.rolePolicies.put({
      roleName: 'r',
      policyName: 'mfa',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: condition }],
      }),
    })
    const authorizer = createAuthorizer({ store, policies: createPolicyCache() })
    await expect(
      authorizer.authorize(caller(), 'eks:DescribeCluster', CLUSTER, ctx),
    ).rejects.toThrow('with an explicit deny in an identity-based policy')
    await store.close()
  })
})
