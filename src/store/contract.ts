import { describe, expect, it } from 'vitest'
import type { RoleRecord, StackRecord, Store } from './ports.js'

/**
 * The store contract: every adapter (SQLite now, PostgreSQL later) must pass the same suite.
 * `makeStore` returns a fresh, empty store.
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  const role = (roleName: string, path = '/'): RoleRecord => ({
    roleId: `AROA${roleName.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
    roleName,
    path,
    arn: `arn:aws:iam::123456789012:role${path}${roleName}`,
    assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    maxSessionDuration: 3600,
    tags: [{ key: 'team', value: 'a' }],
    createDate: '2026-01-01T00:00:00Z',
  })

  describe(`store contract: ${name}`, () => {
    it('stores and reads roles with names unique regardless of case', async () => {
      const store = await makeStore()
      await store.transaction((tx) => tx.roles.insert(role('Alpha')))
      expect((await store.roles.get('alpha'))?.roleName).toBe('Alpha')
      expect((await store.roles.getById(role('Alpha').roleId))?.arn).toBe(role('Alpha').arn)
      await expect(
        store.transaction((tx) =>
          tx.roles.insert({ ...role('ALPHA'), roleId: 'AROAOTHER0000000000' }),
        ),
      ).rejects.toThrow()
      expect(await store.roles.count()).toBe(1)
      await store.close()
    })

    it('pages roles in name order with a marker and a path prefix', async () => {
      const store = await makeStore()
      await store.transaction(async (tx) => {
        for (const n of ['c', 'a', 'e', 'b', 'd'])
          await tx.roles.insert(role(n, n < 'c' ? '/x/' : '/'))
      })
      const first = await store.roles.list({ maxItems: 2 })
      expect(first.items.map((r) => r.roleName)).toEqual(['a', 'b'])
      expect(first.marker).toBeDefined()
      const second = await store.roles.list({
        maxItems: 10,
        ...(first.marker ? { marker: first.marker } : {}),
      })
      expect(second.items.map((r) => r.roleName)).toEqual(['c', 'd', 'e'])
      expect(second.marker).toBeUndefined()
      const prefixed = await store.roles.list({ maxItems: 10, pathPrefix: '/x/' })
      expect(prefixed.items.map((r) => r.roleName)).toEqual(['a', 'b'])
      await store.close()
    })

    it('rolls back every write of a failed transaction', async () => {
      const store = await makeStore()
      await expect(
        store.transaction(async (tx) => {
          await tx.roles.insert(role('kept-out'))
          await tx.rolePolicies.put({ roleName: 'kept-out', policyName: 'p', document: '{}' })
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await store.roles.get('kept-out')).toBeUndefined()
      expect(await store.rolePolicies.list('kept-out')).toEqual([])
      await store.close()
    })

    it('serialises concurrent transactions', async () => {
      const store = await makeStore()
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transaction(async (tx) => {
            const n = Number((await tx.meta.get('n')) ?? '0')
            await tx.meta.set('n', String(n + 1))
            await tx.roles.insert(role(`r${i}`))
          }),
        ),
      )
      expect(await store.meta.get('n')).toBe('20')
      expect(await store.roles.count()).toBe(20)
      await store.close()
    })

    it('keeps inline policies, managed policies, versions and attachments', async () => {
      const store = await makeStore()
      const arn = 'arn:aws:iam::123456789012:policy/p1'
      await store.transaction(async (tx) => {
        await tx.roles.insert(role('R'))
        await tx.rolePolicies.put({ roleName: 'R', policyName: 'inline', document: '{"a":1}' })
        await tx.rolePolicies.put({ roleName: 'r', policyName: 'inline', document: '{"a":2}' })
        await tx.managedPolicies.insert({
          policyId: 'ANPAEXAMPLE000000001',
          policyName: 'p1',
          path: '/',
          arn,
          defaultVersionId: 'v1',
          tags: [],
          createDate: '2026-01-01T00:00:00Z',
          updateDate: '2026-01-01T00:00:00Z',
          nextVersion: 2,
        })
        await tx.managedPolicies.insertVersion({
          policyArn: arn,
          versionId: 'v1',
          document: '{}',
          createDate: 'x',
        })
        await tx.managedPolicies.insertVersion({
          policyArn: arn,
          versionId: 'v2',
          document: '{"b":1}',
          createDate: 'y',
        })
        await tx.attachments.attach('R', arn)
        await tx.attachments.attach('r', arn)
      })
      expect(await store.rolePolicies.list('R')).toEqual([
        { roleName: 'R', policyName: 'inline', document: '{"a":2}' },
      ])
      expect((await store.managedPolicies.listVersions(arn)).map((v) => v.versionId)).toEqual([
        'v2',
        'v1',
      ])
      expect(await store.attachments.listForRole('R')).toEqual([arn])
      expect(await store.attachments.countForPolicy(arn)).toBe(1)
      expect(
        (await store.managedPolicies.list({ maxItems: 10, onlyAttached: true })).items,
      ).toHaveLength(1)
      expect(await store.attachments.detach('R', arn)).toBe(true)
      expect(
        (await store.managedPolicies.list({ maxItems: 10, onlyAttached: true })).items,
      ).toHaveLength(0)
      expect(await store.managedPolicies.delete(arn)).toBe(true)
      expect(await store.managedPolicies.listVersions(arn)).toEqual([])
      await store.close()
    })

    it('finds OIDC providers by exact URL and clusters by issuer id', async () => {
      const store = await makeStore()
      await store.transaction(async (tx) => {
        await tx.oidcProviders.insert({
          arn: 'arn:aws:iam::123456789012:oidc-provider/example.com/id/AB',
          url: 'example.com/id/AB',
          clientIds: ['sts.amazonaws.com'],
          thumbprints: [],
          tags: [],
          createDate: '2026-01-01T00:00:00Z',
        })
        await tx.clusters.insert({
          name: 'c1',
          arn: 'arn:aws:eks:us-east-1:123456789012:cluster/c1',
          issuerId: 'AB',
          status: 'ACTIVE',
          version: '1.31',
          tags: { a: 'b' },
          createdAt: '2026-01-01T00:00:00Z',
        })
      })
      expect((await store.oidcProviders.getByUrl('example.com/id/AB'))?.clientIds).toEqual([
        'sts.amazonaws.com',
      ])
      expect(await store.oidcProviders.getByUrl('example.com/id/AB/')).toBeUndefined()
      expect((await store.clusters.getByIssuerId('AB'))?.tags).toEqual({ a: 'b' })
      await store.close()
    })

    it('changes the change counter on committed IAM writes only, not on audit rows', async (ctx) => {
      const store = await makeStore()
      if (store.changeCounter === undefined) {
        await store.close()
        ctx.skip('the adapter has no change counter')
      }
      const counter = () => (store.changeCounter as () => Promise<number>).call(store)
      const start = await counter()
      expect(await counter()).toBe(start)
      await store.transaction((tx) => tx.roles.insert(role('Counted')))
      const afterRole = await counter()
      expect(afterRole).not.toBe(start)
      await store.rolePolicies.put({ roleName: 'Counted', policyName: 'p', document: '{}' })
      const afterPolicy = await counter()
      expect(afterPolicy).not.toBe(afterRole)
      await store.audit.insertMany([
        {
          eventId: 'e1',
          eventTime: '2026-01-01T00:00:00Z',
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRoleWithWebIdentity',
          requestId: 'r1',
          record: '{}',
        },
      ])
      expect(await counter()).toBe(afterPolicy)
      await expect(
        store.transaction(async (tx) => {
          await tx.roles.insert(role('RolledBack'))
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await counter()).toBe(afterPolicy)
      await store.close()
    })

    it('stores audit records and queries them newest first by any join key', async () => {
      const store = await makeStore()
      const rec = (i: number, extra: Record<string, string> = {}) => ({
        eventId: `e${i}`,
        eventTime: `2026-01-01T00:00:0${i}Z`,
        eventSource: 'sts.amazonaws.com',
        eventName: i % 2 ? 'AssumeRoleWithWebIdentity' : 'DescribeCluster',
        requestId: `r${i}`,
        record: JSON.stringify({ i }),
        ...extra,
      })
      await store.transaction((tx) =>
        tx.audit.insertMany([
          rec(1, { jti: 'j1', accessKeyId: 'ASIA1' }),
          rec(2, { accessKeyId: 'ASIA1' }),
          rec(3, { jti: 'j2' }),
        ]),
      )
      expect((await store.audit.query({ limit: 10 })).map((r) => r.eventId)).toEqual([
        'e3',
        'e2',
        'e1',
      ])
      expect(
        (await store.audit.query({ limit: 10, accessKeyId: 'ASIA1' })).map((r) => r.eventId),
      ).toEqual(['e2', 'e1'])
      expect((await store.audit.query({ limit: 10, requestId: 'r3' }))[0]?.jti).toBe('j2')
      expect(
        (
          await store.audit.query({
            limit: 10,
            since: '2026-01-01T00:00:02Z',
            eventName: 'DescribeCluster',
          })
        ).map((r) => r.eventId),
      ).toEqual(['e2'])
      expect(await store.audit.query({ limit: 1 })).toHaveLength(1)
      expect(await store.audit.journalPosition(1)).toEqual({ segment: 0, offset: 0 })
      expect(await store.audit.journalPosition(2)).toEqual({ segment: 0, offset: 0 })
      await store.close()
    })

    it('keeps stacks by id; one live stack per name; events newest first', async () => {
      const store = await makeStore()
      const stack = (id: string, status: string): StackRecord => ({
        stackId: id,
        stackName: 'app',
        status,
        creationTime: '2026-01-01T00:00:00.000Z',
        templateBody: 'Resources: {}',
        parameters: [{ key: 'A', value: 'b' }],
        noEchoKeys: [],
        capabilities: [],
        tags: [],
        outputs: [],
        disableRollback: false,
        notificationArns: [],
        enableTerminationProtection: false,
      })
      await store.transaction(async (tx) => {
        await tx.stacks.insert(stack('s1', 'CREATE_COMPLETE'))
        await tx.stacks.update({ ...stack('s1', 'DELETE_COMPLETE'), statusReason: 'gone' })
        await tx.stacks.insert(stack('s2', 'CREATE_IN_PROGRESS'))
        for (const status of ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE'])
          await tx.stackEvents.append({
            stackId: 's2',
            eventId: status,
            stackName: 'app',
            logicalResourceId: 'app',
            resourceType: 'AWS::CloudFormation::Stack',
            timestamp: '2026-01-01T00:00:00.000Z',
            resourceStatus: status,
          })
      })
      expect((await store.stacks.get('s1'))?.statusReason).toBe('gone')
      expect((await store.stacks.getLive('app'))?.stackId).toBe('s2')
      expect((await store.stacks.list()).map((s) => s.stackId)).toEqual(['s1', 's2'])
      expect((await store.stackEvents.list('s2')).map((e) => e.eventId)).toEqual([
        'CREATE_COMPLETE',
        'CREATE_IN_PROGRESS',
      ])
      await store.close()
    })

    it('keeps stack resources, exports with their importers, change sets and functions', async () => {
      const store = await makeStore()
      await store.transaction(async (tx) => {
        for (const id of ['B', 'A'])
          await tx.stackResources.put({
            stackId: 's',
            logicalId: id,
            physicalId: `p-${id}`,
            type: 'AWS::IAM::Role',
            status: 'CREATE_COMPLETE',
            timestamp: 't',
            properties: '{}',
            attributes: '{}',
          })
        await tx.stackExports.put({ name: 'x', stackId: 's', value: 'v' })
        await tx.stackExports.addImport('x', 'other')
        await tx.stackExports.addImport('x', 'other')
        await tx.changeSets.put({
          changeSetId: 'cs1',
          changeSetName: 'one',
          stackId: 's',
          stackName: 'app',
          status: 'CREATE_COMPLETE',
          executionStatus: 'AVAILABLE',
          creationTime: 't',
          body: '{}',
        })
        await tx.lambdaFunctions.put({
          functionName: 'f',
          arn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
          runtime: 'python3.12',
          handler: 'index.handler',
          roleArn: 'arn:aws:iam::123456789012:role/r',
          code: 'def handler(e, c): pass',
          timeoutSeconds: 3,
          memorySize: 128,
          environment: {},
          lastModified: 't',
        })
      })
      expect((await store.stackResources.list('s')).map((r) => r.logicalId)).toEqual(['B', 'A'])
      expect((await store.stackResources.findByPhysicalId('p-A'))[0]?.logicalId).toBe('A')
      expect(await store.stackExports.listImports('x')).toEqual(['other'])
      expect((await store.changeSets.getByName('s', 'one'))?.changeSetId).toBe('cs1')
      expect(
        (await store.lambdaFunctions.getByArn('arn:aws:lambda:us-east-1:123456789012:function:f'))
          ?.functionName,
      ).toBe('f')
      await store.transaction(async (tx) => {
        await tx.stackResources.delete('s', 'B')
        await tx.stackExports.removeImports('other')
        await tx.stackExports.delete('x')
        await tx.changeSets.delete('cs1')
        await tx.lambdaFunctions.delete('f')
      })
      expect((await store.stackResources.list('s')).map((r) => r.logicalId)).toEqual(['A'])
      expect(await store.stackExports.get('x')).toBeUndefined()
      expect(await store.stackExports.listImports('x')).toEqual([])
      expect(await store.changeSets.listForStack('s')).toEqual([])
      expect(await store.lambdaFunctions.get('f')).toBeUndefined()
      await store.close()
    })
  })
}
