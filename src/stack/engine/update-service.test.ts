import { describe, expect, it } from 'vitest'
import { engineKit, ROOT_ACTOR } from './test-kit.js'
import { createUpdateOperations } from './update-service.js'

const trust = (service = 'lambda.amazonaws.com') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
})
const role = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::IAM::Role',
  Properties: { AssumeRolePolicyDocument: trust(), ...props },
})
const template = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Resources: resources, ...extra })
const CAPS = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']

async function setup(body: string, options: Parameters<typeof engineKit>[0] = {}) {
  const k = engineKit(options)
  const updates = createUpdateOperations(k.deps, k.service)
  await k.service.createStack(
    { stackName: 's', templateBody: body, capabilities: CAPS },
    ROOT_ACTOR,
  )
  await k.service.idle()
  expect((await k.service.describeStacks('s'))[0]?.status).toBe('CREATE_COMPLETE')
  const physical = async (id: string) =>
    (await k.service.describeStackResource('s', id)).resource.physicalId
  return { k, updates, physical }
}

async function failure(p: Promise<unknown>) {
  try {
    await p
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message }
  }
  throw new Error('expected a failure')
}

describe('UpdateStack', () => {
  it('updates a mutable property in place (same physical id)', async () => {
    const { k, updates, physical } = await setup(template({ R: role() }))
    const before = await physical('R')
    await updates.updateStack(
      {
        stackName: 's',
        templateBody: template({ R: role({ MaxSessionDuration: 7200 }) }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    expect((await k.service.describeStacks('s'))[0]?.status).toBe('UPDATE_COMPLETE')
    expect(await physical('R')).toBe(before)
    expect((await k.iam.getRole(before as string)).maxSessionDuration).toBe(7200)
    const statuses = (await k.service.describeStackEvents('s')).map(
      (e) => `${e.logicalResourceId}:${e.resourceStatus}`,
    )
    expect(statuses.slice(0, 5)).toEqual([
      's:UPDATE_COMPLETE',
      's:UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'R:UPDATE_COMPLETE',
      'R:UPDATE_IN_PROGRESS',
      's:UPDATE_IN_PROGRESS',
    ])
  })

  it('replaces a resource when a replacement property changes: new one first, old one at cleanup', async () => {
    const { k, updates, physical } = await setup(template({ R: role({ Path: '/a/' }) }))
    const before = (await physical('R')) as string
    await updates.updateStack(
      { stackName: 's', templateBody: template({ R: role({ Path: '/b/' }) }), capabilities: CAPS },
      ROOT_ACTOR,
    )
    await k.service.idle()
    expect((await k.service.describeStacks('s'))[0]?.status).toBe('UPDATE_COMPLETE')
    const after = (await physical('R')) as string
    expect(after).not.toBe(before)
    expect((await k.iam.listRoles()).items.map((r) => r.path)).toEqual(['/b/'])
    const events = (await k.service.describeStackEvents('s')).reverse()
    expect(
      events.find((e) => e.resourceStatusReason?.startsWith('Requested update requires'))
        ?.resourceStatusReason,
    ).toBe('Requested update requires the creation of a new physical resource; hence creating one.')
    const deleted = events.find((e) => e.resourceStatus === 'DELETE_COMPLETE')
    expect(deleted?.physicalResourceId).toBe(before)
  })

  it('refuses to replace a custom-named resource, and rolls back', async () => {
    const { k, updates } = await setup(template({ R: role({ RoleName: 'named', Path: '/a/' }) }))
    await updates.updateStack(
      {
        stackName: 's',
        templateBody: template({ R: role({ RoleName: 'named', Path: '/b/' }) }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const [stack] = await k.service.describeStacks('s')
    expect(stack?.status).toBe('UPDATE_ROLLBACK_COMPLETE')
    const failed = (await k.service.describeStackEvents('s')).find(
      (e) => e.resourceStatus === 'UPDATE_FAILED',
    )
    expect(failed?.resourceStatusReason).toBe(
      'CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename named and update the stack again.',
    )
    expect((await k.iam.getRole('named')).path).toBe('/a/')
  })

  it('adds and removes resources; a failure rolls additions and in-place changes back', async () => {
    const { k, updates, physical } = await setup(template({ A: role(), B: role() }))
    const a = (await physical('A')) as string
    // B goes, C arrives, A changes in place, D fails: everything returns to A, B.
    await updates.updateStack(
      {
        stackName: 's',
        templateBody: template({
          A: role({ Description: 'changed' }),
          C: role(),
          D: {
            Type: 'AWS::IAM::Role',
            DependsOn: ['A', 'C'],
            Properties: { AssumeRolePolicyDocument: trust(), Bogus: 1 },
          },
        }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const [stack] = await k.service.describeStacks('s')
    expect(stack).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' })
    const reason = (await k.service.describeStackEvents('s')).find(
      (e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS',
    )?.resourceStatusReason
    expect(reason).toBe('The following resource(s) failed to create: [D]. ')
    expect((await k.iam.getRole(a)).description).toBeUndefined()
    expect((await k.iam.listRoles()).items).toHaveLength(2)
    expect(
      (await k.service.listStackResources('s')).resources.map((r) => r.logicalId).sort(),
    ).toEqual(['A', 'B'])

    await updates.updateStack(
      { stackName: 's', templateBody: template({ A: role(), C: role() }), capabilities: CAPS },
      ROOT_ACTOR,
    )
    await k.service.idle()
    expect((await k.service.describeStacks('s'))[0]?.status).toBe('UPDATE_COMPLETE')
    expect(
      (await k.service.listStackResources('s')).resources.map((r) => r.logicalId).sort(),
    ).toEqual(['A', 'C'])
    expect((await k.iam.listRoles()).items).toHaveLength(2)
  })

  it('DisableRollback keeps a failed update (UPDATE_FAILED), which a later update can fix', async () => {
    const { k, updates } = await setup(template({ A: role() }))
    await updates.updateStack(
      {
        stackName: 's',
        templateBody: template({
          A: role(),
          B: role(),
          C: { Type: 'AWS::IAM::Role', DependsOn: 'B', Properties: {} },
        }),
        capabilities: CAPS,
        disableRollback: true,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    expect((await k.service.describeStacks('s'))[0]).toMatchObject({
      status: 'UPDATE_FAILED',
      statusReason: 'The following resource(s) failed to create: [C]. ',
    })
    expect((await k.iam.listRoles()).items).toHaveLength(2)
    await updates.updateStack(
      { stackName: 's', templateBody: template({ A: role() }), capabilities: CAPS },
      ROOT_ACTOR,
    )
    await k.service.idle()
    expect((await k.service.describeStacks('s'))[0]?.status).toBe('UPDATE_COMPLETE')
    expect((await k.iam.listRoles()).items).toHaveLength(1)
  })

  it.each<[string, (s: { stackName: string }) => Record<string, unknown>, string]>([
    [
      'no change',
      () => ({ templateBody: template({ R: role() }) }),
      'No updates are to be performed.',
    ],
    [
      'previous template and values',
      () => ({ usePreviousTemplate: true }),
      'No updates are to be performed.',
    ],
  ])('refuses %s', async (_n, input, message) => {
    const { updates } = await setup(template({ R: role() }))
    expect(
      (
        await failure(
          updates.updateStack(
            { stackName: 's', capabilities: CAPS, ...input({ stackName: 's' }) },
            ROOT_ACTOR,
          ),
        )
      ).message,
    ).toBe(message)
  })

  it('refuses a stack that is not in an updatable state', async () => {
    const k = engineKit()
    const updates = createUpdateOperations(k.deps, k.service)
    await k.service.createStack(
      {
        stackName: 's',
        templateBody: template({ R: { Type: 'AWS::IAM::Role', Properties: {} } }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const [stack] = await k.service.describeStacks('s')
    expect(
      await failure(
        updates.updateStack(
          { stackName: 's', templateBody: template({ R: role() }), capabilities: CAPS },
          ROOT_ACTOR,
        ),
      ),
    ).toEqual({
      code: 'request.validation',
      message: `Stack:${stack?.stackId} is in ROLLBACK_COMPLETE state and can not be updated.`,
    })
  })

  it('an export another stack imports cannot change or go', async () => {
    const exporting = (value: string) =>
      template({ R: role() }, { Outputs: { O: { Value: value, Export: { Name: 'x' } } } })
    const { k, updates } = await setup(exporting('one'))
    await k.service.createStack(
      {
        stackName: 'user',
        templateBody: template({ R: role({ Description: { 'Fn::ImportValue': 'x' } }) }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    await updates.updateStack(
      { stackName: 's', templateBody: exporting('two'), capabilities: CAPS },
      ROOT_ACTOR,
    )
    await k.service.idle()
    let reason = (await k.service.describeStackEvents('s')).find(
      (e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS',
    )?.resourceStatusReason
    expect(reason).toBe('Cannot update export x as it is in use by user')
    await updates.updateStack(
      {
        stackName: 's',
        templateBody: template({ R: role() }, { Outputs: { P: { Value: 'p' } } }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    reason = (await k.service.describeStackEvents('s')).find(
      (e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS',
    )?.resourceStatusReason
    expect(reason).toBe('Export x cannot be deleted as it is in use by user')
    expect(await k.service.listExports()).toEqual([
      expect.objectContaining({ name: 'x', value: 'one' }),
    ])
  })
})

describe('change sets', () => {
  it('plans add, in-place modify, replacement and remove; executes; deletes the others', async () => {
    const { k, updates, physical } = await setup(
      template({ Keep: role(), Change: role(), Move: role({ Path: '/a/' }), Drop: role() }),
    )
    const { id, stackId } = await updates.createChangeSet(
      {
        stackName: 's',
        changeSetName: 'plan-1',
        templateBody: template({
          Keep: role(),
          Change: role({ Description: 'new' }),
          Move: role({ Path: '/b/' }),
          New: role(),
        }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    expect(id).toMatch(
      /^arn:aws:cloudformation:us-east-1:123456789012:changeSet\/plan-1\/[0-9a-f-]{36}$/,
    )
    const other = await updates.createChangeSet(
      {
        stackName: 's',
        changeSetName: 'plan-2',
        usePreviousTemplate: true,
        parameters: [],
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    expect((await updates.describeChangeSet('plan-2', 's')).record).toMatchObject({
      status: 'FAILED',
      executionStatus: 'UNAVAILABLE',
      statusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    })
    const { record, body } = await updates.describeChangeSet(id)
    expect(record).toMatchObject({
      stackId,
      status: 'CREATE_COMPLETE',
      executionStatus: 'AVAILABLE',
    })
    expect(body.changes.map((c) => [c.action, c.logicalId, c.replacement])).toEqual([
      ['Modify', 'Change', 'False'],
      ['Modify', 'Move', 'True'],
      ['Add', 'New', undefined],
      ['Remove', 'Drop', undefined],
    ])
    expect(body.changes[1]?.details).toEqual([
      {
        name: 'Path',
        requiresRecreation: 'Always',
        evaluation: 'Static',
        changeSource: 'DirectModification',
      },
    ])
    expect((await k.service.describeStacks('s'))[0]?.status).toBe('CREATE_COMPLETE')
    const moved = await physical('Move')
    await updates.executeChangeSet('plan-1', 's', ROOT_ACTOR)
    await k.service.idle()
    expect((await k.service.describeStacks('s'))[0]).toMatchObject({
      status: 'UPDATE_COMPLETE',
      changeSetId: id,
    })
    expect(await physical('Move')).not.toBe(moved)
    expect((await updates.describeChangeSet(id)).record.executionStatus).toBe('EXECUTE_COMPLETE')
    expect((await updates.listChangeSets('s')).map((c) => c.changeSetName)).toEqual(['plan-1'])
    expect(await failure(updates.describeChangeSet(other.id))).toEqual({
      code: 'stack.change_set_not_found',
      message: `ChangeSet [${other.id}] does not exist`,
    })
    expect(await failure(updates.executeChangeSet(id, undefined, ROOT_ACTOR))).toEqual({
      code: 'stack.invalid_change_set_status',
      message: `ChangeSet [${id}] cannot be executed in its current status of [EXECUTE_COMPLETE]`,
    })
  })

  it('an executed change set settles with its stack, in one transaction, and gives its name up', async () => {
    const { k, updates } = await setup(template({ A: role() }))
    // After every commit: the stack's status beside its change set's execution status.
    const seen: string[] = []
    const transaction = k.store.transaction.bind(k.store)
    k.store.transaction = (async (fn: Parameters<typeof transaction>[0]) => {
      const result = await transaction(fn)
      const [stack] = await k.service.describeStacks('s')
      const cs = stack?.changeSetId && (await k.store.changeSets.get(stack.changeSetId))
      if (cs) seen.push(`${stack.status} ${cs.executionStatus}`)
      return result
    }) as typeof k.store.transaction
    const plan = (description: string) =>
      updates.createChangeSet(
        {
          stackName: 's',
          changeSetName: 'deploy-1',
          templateBody: template({ A: role({ Description: description }) }),
          capabilities: CAPS,
        },
        ROOT_ACTOR,
      )
    const first = await plan('one')
    expect(await failure(plan('other'))).toEqual({
      code: 'entity.exists',
      message: 'ChangeSet [deploy-1] already exists',
    })
    await updates.executeChangeSet('deploy-1', 's', ROOT_ACTOR)
    await k.service.idle()
    expect(seen.at(-1)).toBe('UPDATE_COMPLETE EXECUTE_COMPLETE')
    expect(seen.filter((line) => !line.includes('IN_PROGRESS '))).toEqual([
      'UPDATE_COMPLETE EXECUTE_COMPLETE',
    ])
    // The same name again (as `aws cloudformation deploy` does within one second).
    const second = await plan('two')
    expect(second.id).not.toBe(first.id)
    expect((await updates.describeChangeSet('deploy-1', 's')).record).toMatchObject({
      changeSetId: second.id,
      executionStatus: 'AVAILABLE',
    })
    expect((await updates.listChangeSets('s')).map((c) => c.changeSetId)).toEqual([second.id])
    expect((await failure(updates.describeChangeSet(first.id))).code).toBe(
      'stack.change_set_not_found',
    )
  })

  it('a change set whose execution rolls back ends EXECUTE_FAILED with the stack', async () => {
    const { k, updates } = await setup(template({ A: role() }))
    const { id } = await updates.createChangeSet(
      {
        stackName: 's',
        changeSetName: 'bad',
        templateBody: template({
          A: role(),
          B: {
            Type: 'AWS::IAM::Role',
            Properties: { AssumeRolePolicyDocument: trust(), Bogus: 1 },
          },
        }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    await updates.executeChangeSet(id, undefined, ROOT_ACTOR)
    await k.service.idle()
    expect((await k.service.describeStacks('s'))[0]?.status).toBe('UPDATE_ROLLBACK_COMPLETE')
    expect((await updates.describeChangeSet(id)).record.executionStatus).toBe('EXECUTE_FAILED')
  })

  it('a CREATE change set makes a REVIEW_IN_PROGRESS stack that executing creates', async () => {
    const k = engineKit()
    const updates = createUpdateOperations(k.deps, k.service)
    const { id } = await updates.createChangeSet(
      {
        stackName: 'fresh',
        changeSetName: 'c',
        changeSetType: 'CREATE',
        templateBody: template({ R: role() }),
        capabilities: CAPS,
      },
      ROOT_ACTOR,
    )
    expect((await k.service.describeStacks('fresh'))[0]?.status).toBe('REVIEW_IN_PROGRESS')
    expect((await updates.describeChangeSet(id)).body.changes.map((c) => c.action)).toEqual(['Add'])
    await updates.executeChangeSet(id, undefined, ROOT_ACTOR)
    await k.service.idle()
    expect((await k.service.describeStacks('fresh'))[0]?.status).toBe('CREATE_COMPLETE')
    expect((await k.iam.listRoles()).items).toHaveLength(1)
  })
})
