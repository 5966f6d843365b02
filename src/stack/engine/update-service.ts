import { randomUUID } from 'node:crypto'
import { LanyardError } from '../../errors.js'
import type { ChangeSetRecord, StackRecord } from '../../store/ports.js'
import { accessDiff, accessLines } from '../access/index.js'
import { sameValue } from '../providers/index.js'
import {
  type GivenParameter,
  type LoadedTemplate,
  resolveValue,
  type StackInstance,
  templateError,
} from '../template/index.js'
import { wasExecuted } from './change-set-outcome.js'
import { type PlannedChange, planStack, type ResourceView } from './changes.js'
import type { Actor, EngineDeps } from './deps.js'
import { changeSetArn } from './names.js'
import { importArguments, pseudoOf } from './resource-ops.js'
import { runCreate } from './run-create.js'
import { type PreviousState, runUpdate } from './run-update.js'
import {
  type CreateStackInput,
  type StackService,
  type TemplateSource,
  templateBodyOf,
} from './stack-service.js'
import { cannotUpdate, isInProgress, UPDATABLE_STATES } from './status.js'

export interface UpdateStackInput extends TemplateSource {
  stackName: string
  usePreviousTemplate?: boolean | undefined
  parameters?: readonly GivenParameter[] | undefined
  capabilities?: readonly string[] | undefined
  tags?: readonly { key: string; value: string }[] | undefined
  disableRollback?: boolean | undefined
  roleArn?: string | undefined
}

export interface CreateChangeSetInput extends UpdateStackInput {
  changeSetName: string
  changeSetType?: 'CREATE' | 'UPDATE' | undefined
  description?: string | undefined
}

/** What a change set keeps besides its summary (the `body` of its record). */
export interface ChangeSetBody {
  type: 'CREATE' | 'UPDATE'
  templateBody: string
  parameters: GivenParameter[]
  capabilities: string[]
  tags?: { key: string; value: string }[]
  changes: PlannedChange[]
  /** Parameter values as resolved when the change set was made. */
  resolvedParameters: { key: string; value: string }[]
  /** Extra summary lines (the effective-access diff), computed by `describeAccess`. */
  notes?: string[]
}

/** Confirmed text (ChangeSet with nothing to do). */
export const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set."

const CHANGE_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/

interface Prepared {
  body: string
  loaded: LoadedTemplate
  instance: StackInstance
  changes: PlannedChange[]
  before: Map<string, ResourceView>
  after: Map<string, ResourceView>
}

/**
 * UpdateStack and change sets over the stack service: the plan of an update (resources added,
 * modified in place or replaced, removed), checked before anything runs.
 */
export function createUpdateOperations(deps: EngineDeps, base: StackService) {
  const {
    load,
    bind,
    findStack,
    findChangeSet,
    launch,
    stackEvent,
    newStackRecord,
    checkName,
    runner,
  } = base.internals

  /** The stack's current state, restored by an update's rollback. */
  const previousState = (stack: StackRecord): PreviousState => {
    let importNames: string[] = []
    try {
      const instance = bind(
        load(stack.templateBody),
        stack,
        stack.parameters.map((p) => ({ key: p.key, value: p.value })),
        ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      )
      const ctx = {
        parameters: instance.parameters,
        pseudo: pseudoOf(deps, stack),
        mappings: instance.template.mappings,
        condition: (n: string) => instance.conditions.get(n) ?? false,
      }
      importNames = importArguments([
        ...[...instance.resources.values()].map((r) => r.properties),
        ...instance.outputs.map((o) => [o.value, o.exportName]),
      ]).map((a) => String(resolveValue(a, ctx)))
    } catch {
      // The previous template no longer binds: a rollback re-binds no imports.
    }
    return {
      templateBody: stack.templateBody,
      parameters: stack.parameters,
      noEchoKeys: stack.noEchoKeys,
      outputs: stack.outputs,
      description: stack.description,
      importNames,
    }
  }

  /** Binds the new template to the stack and plans the changes. */
  const prepare = async (stack: StackRecord, input: UpdateStackInput): Promise<Prepared> => {
    const body = input.usePreviousTemplate ? stack.templateBody : templateBodyOf(input)
    if (
      input.usePreviousTemplate &&
      (input.templateBody !== undefined || input.templateUrl !== undefined)
    )
      throw templateError(
        'You cannot specify both usePreviousTemplate and Template Body/Template Url',
      )
    const loaded = load(body)
    const previous = new Map(stack.parameters.map((p) => [p.key, p.value]))
    const instance = bind(loaded, stack, input.parameters ?? [], input.capabilities ?? [], previous)
    const exports = new Map((await deps.store.stackExports.list()).map((e) => [e.name, e.value]))
    const plan = planStack(
      await deps.store.stackResources.list(stack.stackId),
      instance,
      pseudoOf(deps, stack),
      exports,
    )
    return { body, loaded, instance, ...plan }
  }

  /** Whether an update would change nothing at all (resources, outputs and parameters). */
  const nothingToDo = (
    stack: StackRecord,
    prepared: { loaded: LoadedTemplate; instance: StackInstance; changes: PlannedChange[] },
  ) => {
    if (prepared.changes.length > 0) return false
    let oldOutputs: unknown = null
    try {
      oldOutputs = [...load(stack.templateBody).template.outputs.values()]
    } catch {
      return false
    }
    const raw = [...prepared.instance.rawParameters].map(([key, value]) => ({ key, value }))
    return (
      sameValue([...prepared.loaded.template.outputs.values()], oldOutputs) &&
      sameValue(raw, stack.parameters)
    )
  }

  const startUpdate = async (
    stack: StackRecord,
    prepared: { body: string; loaded: LoadedTemplate; instance: StackInstance },
    actor: Actor,
    input: {
      capabilities?: readonly string[] | undefined
      tags?: readonly { key: string; value: string }[] | undefined
      roleArn?: string | undefined
      disableRollback?: boolean | undefined
    },
  ) => {
    const previous = previousState(stack)
    const performer = await runner(input.roleArn ?? stack.roleArn, actor, stack.stackId)
    if (input.roleArn !== undefined) stack.roleArn = input.roleArn
    stack.status = 'UPDATE_IN_PROGRESS'
    delete stack.statusReason
    stack.lastUpdatedTime = new Date(deps.now()).toISOString()
    stack.lastOperation = { type: 'UPDATE_STACK', id: randomUUID() }
    stack.capabilities = [...(input.capabilities ?? stack.capabilities)]
    if (input.tags) stack.tags = [...input.tags]
    await deps.store.transaction(async (tx) => {
      await tx.stacks.update(stack)
      await tx.stackEvents.append(stackEvent(stack, 'UPDATE_IN_PROGRESS', 'User Initiated'))
    })
    const template = prepared.loaded.template
    launch(stack, 'UPDATE_ROLLBACK_FAILED', async () => {
      await runUpdate(
        deps,
        stack,
        prepared.instance,
        performer,
        {
          templateBody: prepared.body,
          noEchoKeys: [...template.parameters.values()].filter((p) => p.noEcho).map((p) => p.key),
          description: template.description,
          ...(input.disableRollback ? { disableRollback: true } : {}),
        },
        previous,
      )
    })
  }

  const updatable = (stack: StackRecord) => {
    if (!UPDATABLE_STATES.has(stack.status))
      throw templateError(cannotUpdate(stack.stackId, stack.status))
  }

  return {
    async updateStack(input: UpdateStackInput, actor: Actor): Promise<{ stackId: string }> {
      const stack = await findStack(input.stackName)
      updatable(stack)
      const prepared = await prepare(stack, input)
      if (nothingToDo(stack, prepared)) throw templateError('No updates are to be performed.')
      await startUpdate(stack, prepared, actor, input)
      return { stackId: stack.stackId }
    },

    async createChangeSet(
      input: CreateChangeSetInput,
      actor: Actor,
    ): Promise<{ id: string; stackId: string }> {
      void actor
      if (!CHANGE_SET_NAME.test(input.changeSetName))
        throw templateError(
          `1 validation error detected: Value '${input.changeSetName.slice(0, 128)}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
        )
      const type = input.changeSetType ?? 'UPDATE'
      let stack: StackRecord
      let prepared: Prepared
      let fresh = false
      if (type === 'CREATE') {
        checkName(input.stackName)
        const existing = input.stackName.startsWith('arn:')
          ? await deps.store.stacks.get(input.stackName)
          : await deps.store.stacks.getLive(input.stackName)
        if (existing && existing.status !== 'REVIEW_IN_PROGRESS')
          throw new LanyardError(
            'entity.exists',
            `Stack [${input.stackName}] already exists and cannot be created again with the changeSet [${input.changeSetName}].`,
          )
        const body = templateBodyOf(input)
        const loaded = load(body)
        stack =
          existing ??
          newStackRecord(
            input as CreateStackInput,
            body,
            loaded,
            `arn:aws:cloudformation:${deps.region}:${deps.accountId}:stack/${input.stackName}/${randomUUID()}`,
            'REVIEW_IN_PROGRESS',
          )
        fresh = !existing
        const instance = bind(loaded, stack, input.parameters ?? [], input.capabilities ?? [])
        const exports = new Map(
          (await deps.store.stackExports.list()).map((e) => [e.name, e.value]),
        )
        prepared = {
          body,
          loaded,
          instance,
          ...planStack([], instance, pseudoOf(deps, stack), exports),
        }
      } else {
        stack = await findStack(input.stackName)
        if (stack.status === 'REVIEW_IN_PROGRESS' || isInProgress(stack.status))
          throw templateError(cannotUpdate(stack.stackId, stack.status))
        prepared = await prepare(stack, input)
      }
      const id = changeSetArn(deps.region, deps.accountId, input.changeSetName)
      const empty = type === 'UPDATE' && nothingToDo(stack, prepared)
      // The effective-access diff is the change set's summary (Lanyard's addition, in StatusReason).
      const notes = empty ? [] : accessLines(accessDiff(prepared.before, prepared.after))
      const body: ChangeSetBody = {
        type,
        templateBody: prepared.body,
        parameters: [...(input.parameters ?? [])],
        capabilities: [...(input.capabilities ?? [])],
        ...(input.tags ? { tags: [...input.tags] } : {}),
        changes: prepared.changes,
        resolvedParameters: [...prepared.instance.rawParameters].map(([key, value]) => ({
          key,
          value,
        })),
        notes,
      }
      const record: ChangeSetRecord = {
        changeSetId: id,
        changeSetName: input.changeSetName,
        stackId: stack.stackId,
        stackName: stack.stackName,
        status: empty ? 'FAILED' : 'CREATE_COMPLETE',
        executionStatus: empty ? 'UNAVAILABLE' : 'AVAILABLE',
        creationTime: new Date(deps.now()).toISOString(),
        body: JSON.stringify(body),
      }
      if (empty) record.statusReason = NO_CHANGES
      else if (notes.length > 0) record.statusReason = notes.join('\n')
      if (input.description !== undefined) record.description = input.description
      await deps.store.transaction(async (tx) => {
        // An executed change set gives its name up: the new one takes the name, and the old
        // record goes (the `aws cloudformation deploy` names its change sets by the second).
        const named = await tx.changeSets.getByName(stack.stackId, input.changeSetName)
        if (named && !wasExecuted(named.executionStatus))
          throw new LanyardError(
            'entity.exists',
            `ChangeSet [${input.changeSetName}] already exists`,
          )
        if (named) await tx.changeSets.delete(named.changeSetId)
        if (fresh) {
          if (await tx.stacks.getLive(stack.stackName))
            throw new LanyardError('entity.exists', `Stack [${stack.stackName}] already exists`)
          await tx.stacks.insert(stack)
          await tx.stackEvents.append(stackEvent(stack, 'REVIEW_IN_PROGRESS', 'User Initiated'))
        }
        await tx.changeSets.put(record)
      })
      return { id, stackId: stack.stackId }
    },

    async describeChangeSet(
      name: string,
      stackName?: string,
    ): Promise<{ record: ChangeSetRecord; body: ChangeSetBody; stack: StackRecord | undefined }> {
      const record = await findChangeSet(name, stackName)
      return {
        record,
        body: JSON.parse(record.body) as ChangeSetBody,
        stack: await deps.store.stacks.get(record.stackId),
      }
    },

    async executeChangeSet(
      name: string,
      stackName: string | undefined,
      actor: Actor,
    ): Promise<void> {
      const cs = await findChangeSet(name, stackName)
      if (cs.status !== 'CREATE_COMPLETE' || cs.executionStatus !== 'AVAILABLE')
        throw new LanyardError(
          'stack.invalid_change_set_status',
          `ChangeSet [${cs.changeSetId}] cannot be executed in its current status of [${cs.status === 'CREATE_COMPLETE' ? cs.executionStatus : cs.status}]`,
        )
      const stack = await deps.store.stacks.get(cs.stackId)
      if (!stack) throw templateError(`Stack [${cs.stackName}] does not exist`)
      const body = JSON.parse(cs.body) as ChangeSetBody
      const loaded = load(body.templateBody)
      const others = (await deps.store.changeSets.listForStack(stack.stackId)).filter(
        (c) => c.changeSetId !== cs.changeSetId,
      )
      stack.changeSetId = cs.changeSetId
      await deps.store.transaction(async (tx) => {
        // Executing a change set deletes the stack's other change sets (CloudFormation does too).
        for (const c of others) await tx.changeSets.delete(c.changeSetId)
        await tx.changeSets.put({ ...cs, executionStatus: 'EXECUTE_IN_PROGRESS' })
      })
      if (body.type === 'CREATE') {
        const instance = bind(loaded, stack, body.parameters, body.capabilities)
        stack.status = 'CREATE_IN_PROGRESS'
        stack.parameters = [...instance.rawParameters].map(([key, value]) => ({ key, value }))
        stack.capabilities = body.capabilities
        stack.lastOperation = { type: 'CREATE_STACK', id: randomUUID() }
        await deps.store.transaction(async (tx) => {
          await tx.stacks.update(stack)
          await tx.stackEvents.append(stackEvent(stack, 'CREATE_IN_PROGRESS', 'User Initiated'))
        })
        const performer = await runner(stack.roleArn, actor, stack.stackId)
        launch(stack, 'CREATE_FAILED', () =>
          runCreate(deps, stack, instance, performer, { onFailure: 'ROLLBACK' }),
        )
        return
      }
      updatable(stack)
      const prepared = await prepare(stack, {
        stackName: stack.stackId,
        templateBody: body.templateBody,
        parameters: body.parameters,
        capabilities: body.capabilities,
      })
      await startUpdate(stack, prepared, actor, {
        capabilities: body.capabilities,
        tags: body.tags,
      })
    },

    async deleteChangeSet(name: string, stackName?: string): Promise<void> {
      const cs = await findChangeSet(name, stackName)
      if (cs.executionStatus === 'EXECUTE_IN_PROGRESS')
        throw new LanyardError(
          'stack.invalid_change_set_status',
          `ChangeSet [${cs.changeSetId}] cannot be deleted in its current status of [EXECUTE_IN_PROGRESS]`,
        )
      await deps.store.transaction((tx) => tx.changeSets.delete(cs.changeSetId))
    },

    async listChangeSets(nameOrId: string): Promise<ChangeSetRecord[]> {
      const stack = await findStack(nameOrId)
      return deps.store.changeSets.listForStack(stack.stackId)
    },
  }
}

export type UpdateOperations = ReturnType<typeof createUpdateOperations>
