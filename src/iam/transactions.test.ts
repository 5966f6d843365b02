import { afterEach, describe, expect, it } from 'vitest'
import type { Store, StoreTx } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { DEFAULT_IAM_CONFIG } from './config.js'
import { createIamService } from './service.js'
import type { IamService } from './types.js'

const ACCOUNT = '123456789012'
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})
const IDENTITY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
})
const ARN = `arn:aws:iam::${ACCOUNT}:policy/p`

let stores: Store[] = []
afterEach(async () => {
  for (const s of stores) await s.close()
  stores = []
})

/** A store whose transactions fail at the given repository call, after earlier writes ran. */
function failingAt(store: Store, repo: keyof StoreTx, method: string): Store {
  const wrap = (tx: StoreTx): StoreTx => ({
    ...tx,
    [repo]: new Proxy(tx[repo], {
      get(target, prop, receiver) {
        if (prop === method) return () => Promise.reject(new Error('injected failure'))
        return Reflect.get(target, prop, receiver)
      },
    }),
  })
  return { ...store, transaction: (fn) => store.transaction((tx) => fn(wrap(tx))) }
}

function setup() {
  const store = openSqliteStore(':memory:')
  stores.push(store)
  const make = (s: Store) =>
    createIamService({ store: s, accountId: ACCOUNT, now: () => 0 }, DEFAULT_IAM_CONFIG)
  return { store, iam: make(store), make }
}

describe('writes are all-or-nothing', () => {
  const cases: {
    name: string
    prepare?: (iam: IamService) => Promise<unknown>
    fail: [keyof StoreTx, string]
    act: (iam: IamService) => Promise<unknown>
    check: (iam: IamService) => Promise<void>
  }[] = [
    {
      name: 'CreatePolicy failing at its first version leaves no policy',
      fail: ['managedPolicies', 'insertVersion'],
      act: (iam) => iam.createPolicy({ policyName: 'p', policyDocument: IDENTITY }),
      check: async (iam) => {
        expect((await iam.listPolicies()).items).toEqual([])
      },
    },
    {
      name: 'CreatePolicyVersion failing at the policy update leaves no version',
      prepare: (iam) => iam.createPolicy({ policyName: 'p', policyDocument: IDENTITY }),
      fail: ['managedPolicies', 'update'],
      act: (iam) => iam.createPolicyVersion(ARN, IDENTITY, true),
      check: async (iam) => {
        expect((await iam.listPolicyVersions(ARN)).items.map((v) => v.versionId)).toEqual(['v1'])
        expect((await iam.getPolicy(ARN)).defaultVersionId).toBe('v1')
      },
    },
    {
      name: 'CreateRole failing at insert leaves no role',
      fail: ['roles', 'insert'],
      act: (iam) => iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST }),
      check: async (iam) => {
        expect((await iam.listRoles()).items).toEqual([])
      },
    },
    {
      name: 'AttachRolePolicy failing leaves no attachment',
      prepare: async (iam) => {
        await iam.createPolicy({ policyName: 'p', policyDocument: IDENTITY })
        await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
      },
      fail: ['attachments', 'attach'],
      act: (iam) => iam.attachRolePolicy('r', ARN),
      check: async (iam) => {
        expect((await iam.listAttachedRolePolicies('r')).items).toEqual([])
      },
    },
  ]

  it.each(cases)('$name', async ({ prepare, fail, act, check }) => {
    const { store, iam, make } = setup()
    await prepare?.(iam)
    await expect(act(make(failingAt(store, ...fail)))).rejects.toThrow('injected failure')
    await check(iam)
  })

  it('a failed transaction does not block the next one', async () => {
    const { store, iam, make } = setup()
    await expect(
      make(failingAt(store, 'roles', 'insert')).createRole({
        roleName: 'r',
        assumeRolePolicyDocument: TRUST,
      }),
    ).rejects.toThrow()
    await iam.createRole({ roleName: 'r', assumeRolePolicyDocument: TRUST })
    expect((await iam.listRoles()).items.map((r) => r.roleName)).toEqual(['r'])
  })
})
