import { randomUUID } from 'node:crypto'
import type { CloudTrailEvent } from '../../audit/event.js'
import { withPendingAudit } from '../../audit/in-transaction.js'
import { LanyardError } from '../../errors.js'
import type {
  ChangeSetRecord,
  StackEventRecord,
  StackExportRecord,
  StackRecord,
  StackResourceRecord,
  Tag,
} from '../../store/ports.js'
import { providerFor } from '../providers/index.js'
import {
  type Capability,
  capabilitiesReason,
  type GivenParameter,
  instantiate,
  isJsonBody,
  type LoadedTemplate,
  loadTemplate,
  type ParameterDeclaration,
  requiredCapabilities,
  type StackInstance,
  templateError,
} from '../template/index.js'
import { settleChangeSet } from './change-set-outcome.js'
import type { Actor, EngineDeps } from './deps.js'
import { STACK_TYPE } from './events.js'
import { STACK_NAME, stackArn } from './names.js'
import { checkAttributes } from './resolve-context.js'
import { pseudoOf } from './resource-ops.js'
import { type CreateOptions, runCreate } from './run-create.js'
import { runDelete } from './run-delete.js'
import { isInProgress, stackDoesNotExist } from './status.js'

/** The template of a request: TemplateBody only (Lanyard has no S3 to fetch a TemplateURL from). */
export interface TemplateSource {
  templateBody?: string | undefined
  templateUrl?: string | undefined
}

export interface CreateStackInput extends TemplateSource {
  stackName: string
  parameters?: readonly GivenParameter[] | undefined
  capabilities?: readonly string[] | undefined
  disableRollback?: boolean | undefined
  onFailure?: CreateOptions['onFailure'] | undefined
  timeoutInMinutes?: number | undefined
  notificationArns?: readonly string[] | undefined
  tags?: readonly Tag[] | undefined
  roleArn?: string | undefined
  enableTerminationProtection?: boolean | undefined
}

export interface TemplateDescription {
  parameters: ParameterDeclaration[]
  description?: string
  capabilities: Capability[]
  capabilitiesReason?: string
  resourceTypes: string[]
  version?: string
  metadata?: string
  resources: { type: string; logicalIds: string[] }[]
}

const isArn = (v: string) => v.startsWith('arn:')

/** The one template every request must name (TemplateBody or TemplateURL, not both). */
export function templateBodyOf(input: TemplateSource): string {
  if (input.templateBody !== undefined && input.templateUrl !== undefined)
    throw templateError('Specify exactly one of TemplateBody or TemplateURL.')
  if (input.templateUrl !== undefined)
    throw templateError(
      'TemplateURL is not supported by Lanyard (there is no S3): send the template as TemplateBody',
    )
  if (input.templateBody === undefined)
    throw templateError('Either Template URL or Template Body must be specified.')
  return input.templateBody
}

/** Describes a loaded template (ValidateTemplate, GetTemplateSummary). */
export function describeTemplate(loaded: LoadedTemplate): TemplateDescription {
  const t = loaded.template
  const required = requiredCapabilities(t)
  const reason = capabilitiesReason(required)
  const byType = new Map<string, string[]>()
  for (const r of t.resources.values())
    byType.set(r.type, [...(byType.get(r.type) ?? []), r.logicalId])
  return {
    parameters: [...t.parameters.values()],
    ...(t.description !== undefined ? { description: t.description } : {}),
    capabilities: required.capabilities,
    ...(reason !== undefined ? { capabilitiesReason: reason } : {}),
    resourceTypes: [...byType.keys()],
    ...(t.formatVersion !== undefined ? { version: t.formatVersion } : {}),
    ...(t.metadata !== undefined ? { metadata: JSON.stringify(t.metadata) } : {}),
    resources: [...byType].map(([type, logicalIds]) => ({ type, logicalIds })),
  }
}

const NO_AUDIT = {
  build: (): CloudTrailEvent => {
    throw new Error('no audit record for background work')
  },
  written: true,
}

/**
 * CloudFormation stacks: the API's synchronous checks (template, parameters, capabilities,
 * names, states) and the asynchronous operations they start, as in AWS — CreateStack answers
 * with the StackId at once and the stack moves through CREATE_IN_PROGRESS in the background.
 */
export function createStackService(deps: EngineDeps) {
  const running = new Set<Promise<void>>()
  const load = (body: string) =>
    loadTemplate(body, { isKnownType: (t) => providerFor(t) !== undefined })

  /** Runs an operation in the background, detached from the request's audit record. */
  const launch = (stack: StackRecord, failedStatus: string, fn: () => Promise<void>) => {
    const p = withPendingAudit(NO_AUDIT, fn)
      .catch(async (err: unknown) => {
        deps.onError?.(err, `stack operation on ${stack.stackName}`)
        try {
          stack.status = failedStatus
          stack.statusReason = 'Internal Failure'
          await deps.store.transaction(async (tx) => {
            await tx.stacks.update(stack)
            await settleChangeSet(tx, stack)
          })
        } catch {
          // The store is gone (shutdown): nothing more to record.
        }
      })
      .finally(() => {
        running.delete(p)
      })
    running.add(p)
  }

  /** A stack by name (the live one) or by StackId (deleted ones too). */
  const findStack = async (nameOrId: string): Promise<StackRecord> => {
    const s = isArn(nameOrId)
      ? await deps.store.stacks.get(nameOrId)
      : await deps.store.stacks.getLive(nameOrId)
    if (!s) throw templateError(stackDoesNotExist(nameOrId))
    return s
  }

  /** A change set by ARN, or by name within a stack. */
  const findChangeSet = async (nameOrId: string, stackName?: string): Promise<ChangeSetRecord> => {
    let cs: ChangeSetRecord | undefined
    if (isArn(nameOrId)) cs = await deps.store.changeSets.get(nameOrId)
    else if (stackName !== undefined) {
      const stack = isArn(stackName)
        ? await deps.store.stacks.get(stackName)
        : await deps.store.stacks.getLive(stackName)
      cs = stack && (await deps.store.changeSets.getByName(stack.stackId, nameOrId))
    } else
      throw templateError(
        'StackName must be specified if ChangeSetName is not specified as an ARN.',
      )
    if (!cs)
      throw new LanyardError('stack.change_set_not_found', `ChangeSet [${nameOrId}] does not exist`)
    return cs
  }

  const stackEvent = (stack: StackRecord, status: string, reason?: string): StackEventRecord => ({
    stackId: stack.stackId,
    eventId: randomUUID(),
    stackName: stack.stackName,
    logicalResourceId: stack.stackName,
    physicalResourceId: stack.stackId,
    resourceType: STACK_TYPE,
    timestamp: new Date(deps.now()).toISOString(),
    resourceStatus: status,
    ...(reason !== undefined ? { resourceStatusReason: reason } : {}),
    ...(stack.lastOperation ? { operationId: stack.lastOperation.id } : {}),
  })

  /** Parameters, capabilities, conditions and attributes for a stack record. */
  const bind = (
    loaded: LoadedTemplate,
    stack: Pick<StackRecord, 'stackId' | 'stackName' | 'notificationArns'>,
    parameters: readonly GivenParameter[],
    capabilities: readonly string[],
    previous?: ReadonlyMap<string, string>,
  ): StackInstance => {
    const instance = instantiate(loaded, {
      parameters,
      capabilities,
      pseudo: pseudoOf(deps, stack as StackRecord),
      ...(previous ? { previousParameters: previous } : {}),
    })
    checkAttributes(instance)
    return instance
  }

  const newStackRecord = (
    input: CreateStackInput,
    body: string,
    loaded: LoadedTemplate,
    stackId: string,
    status: string,
  ): StackRecord => {
    const record: StackRecord = {
      stackId,
      stackName: input.stackName,
      status,
      creationTime: new Date(deps.now()).toISOString(),
      templateBody: body,
      parameters: [],
      noEchoKeys: [...loaded.template.parameters.values()]
        .filter((p) => p.noEcho)
        .map((p) => p.key),
      capabilities: [...(input.capabilities ?? [])],
      tags: [...(input.tags ?? [])],
      outputs: [],
      disableRollback: input.disableRollback ?? input.onFailure === 'DO_NOTHING',
      notificationArns: [...(input.notificationArns ?? [])],
      enableTerminationProtection: input.enableTerminationProtection ?? false,
    }
    if (loaded.template.description !== undefined) record.description = loaded.template.description
    if (input.roleArn !== undefined) record.roleArn = input.roleArn
    if (input.timeoutInMinutes !== undefined) record.timeoutInMinutes = input.timeoutInMinutes
    return record
  }

  /** Who performs the operation: the caller, or the stack's service role (RoleARN). */
  const runner = async (
    roleArn: string | undefined,
    actor: Actor,
    stackId: string,
  ): Promise<Actor> => {
    if (roleArn === undefined) return actor
    if (!deps.serviceRoleActor)
      throw templateError(`Role ${roleArn} is invalid or cannot be assumed`)
    return deps.serviceRoleActor(roleArn, actor, stackId)
  }

  const checkName = (name: string) => {
    if (!STACK_NAME.test(name))
      throw templateError(
        `1 validation error detected: Value '${name.slice(0, 256)}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      )
  }

  const service = {
    /** Waits for every background operation (tests, shutdown). */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running])
    },

    /**
     * Stacks left in progress by a stopped server cannot continue: they are marked failed, as
     * a timed-out operation would be.
     */
    async recover(): Promise<void> {
      const failed: Record<string, string> = {
        CREATE_IN_PROGRESS: 'CREATE_FAILED',
        ROLLBACK_IN_PROGRESS: 'ROLLBACK_FAILED',
        DELETE_IN_PROGRESS: 'DELETE_FAILED',
        UPDATE_IN_PROGRESS: 'UPDATE_FAILED',
        UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_COMPLETE',
        UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
        UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_ROLLBACK_COMPLETE',
      }
      for (const s of await deps.store.stacks.list()) {
        const next = failed[s.status]
        if (next === undefined) continue
        const reason = 'Lanyard stopped while the operation was in progress'
        const updated = { ...s, status: next, statusReason: reason }
        await deps.store.transaction(async (tx) => {
          await tx.stacks.update(updated)
          await tx.stackEvents.append(stackEvent(updated, next, reason))
        })
      }
    },

    validateTemplate(input: TemplateSource): TemplateDescription {
      return describeTemplate(load(templateBodyOf(input)))
    },

    async getTemplateSummary(input: TemplateSource & { stackName?: string | undefined }) {
      if (input.stackName !== undefined) {
        if (input.templateBody !== undefined || input.templateUrl !== undefined)
          throw templateError('Specify exactly one of TemplateBody, TemplateURL or StackName.')
        return describeTemplate(load((await findStack(input.stackName)).templateBody))
      }
      return describeTemplate(load(templateBodyOf(input)))
    },

    async createStack(input: CreateStackInput, actor: Actor): Promise<{ stackId: string }> {
      checkName(input.stackName)
      const body = templateBodyOf(input)
      const loaded = load(body)
      const stackId = stackArn(deps.region, deps.accountId, input.stackName)
      const record = newStackRecord(input, body, loaded, stackId, 'CREATE_IN_PROGRESS')
      const instance = bind(loaded, record, input.parameters ?? [], input.capabilities ?? [])
      record.parameters = [...instance.rawParameters].map(([key, value]) => ({ key, value }))
      record.lastOperation = { type: 'CREATE_STACK', id: randomUUID() }
      const performer = await runner(input.roleArn, actor, stackId)
      await deps.store.transaction(async (tx) => {
        if (await tx.stacks.getLive(input.stackName))
          throw new LanyardError('entity.exists', `Stack [${input.stackName}] already exists`)
        await tx.stacks.insert(record)
        await tx.stackEvents.append(stackEvent(record, 'CREATE_IN_PROGRESS', 'User Initiated'))
      })
      const onFailure = input.onFailure ?? (input.disableRollback ? 'DO_NOTHING' : 'ROLLBACK')
      launch(record, 'CREATE_FAILED', () =>
        runCreate(deps, record, instance, performer, { onFailure }),
      )
      return { stackId }
    },

    async deleteStack(
      input: {
        stackName: string
        retainResources?: readonly string[] | undefined
        roleArn?: string | undefined
      },
      actor: Actor,
    ): Promise<void> {
      // Deleting a stack that does not exist (or is already deleted) succeeds, as on AWS.
      const stack = isArn(input.stackName)
        ? await deps.store.stacks.get(input.stackName)
        : await deps.store.stacks.getLive(input.stackName)
      if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS')
        return
      if (stack.enableTerminationProtection)
        throw templateError(
          `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`,
        )
      if (isInProgress(stack.status))
        throw templateError(
          `Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`,
        )
      if (
        input.retainResources &&
        input.retainResources.length > 0 &&
        stack.status !== 'DELETE_FAILED'
      )
        throw templateError(
          'Invalid operation on stack. RetainResources is only valid for stacks in the DELETE_FAILED state',
        )
      const previousStatus = stack.status
      const performer = await runner(input.roleArn ?? stack.roleArn, actor, stack.stackId)
      stack.lastOperation = { type: 'DELETE_STACK', id: randomUUID() }
      stack.status = 'DELETE_IN_PROGRESS'
      delete stack.statusReason
      await deps.store.transaction(async (tx) => {
        await tx.stacks.update(stack)
        await tx.stackEvents.append(stackEvent(stack, 'DELETE_IN_PROGRESS', 'User Initiated'))
        // A stack that never got past review has no resources: its change sets go with it.
        for (const cs of await tx.changeSets.listForStack(stack.stackId))
          await tx.changeSets.delete(cs.changeSetId)
      })
      const retain = input.retainResources ? new Set(input.retainResources) : undefined
      launch(stack, 'DELETE_FAILED', () =>
        runDelete(deps, stack, performer, { previousStatus, ...(retain ? { retain } : {}) }),
      )
    },

    /** One stack (by name or StackId), or every stack that is not deleted, newest first. */
    async describeStacks(nameOrId?: string): Promise<StackRecord[]> {
      if (nameOrId !== undefined) return [await findStack(nameOrId)]
      return (await deps.store.stacks.list())
        .filter((s) => s.status !== 'DELETE_COMPLETE')
        .reverse()
    },

    /** Every stack, deleted ones included, newest first; optionally only some statuses. */
    async listStacks(statuses?: readonly string[]): Promise<StackRecord[]> {
      const all = (await deps.store.stacks.list()).reverse()
      return statuses && statuses.length > 0 ? all.filter((s) => statuses.includes(s.status)) : all
    },

    async describeStackEvents(nameOrId: string): Promise<StackEventRecord[]> {
      const stack = await findStack(nameOrId)
      return deps.store.stackEvents.list(stack.stackId)
    },

    async listStackResources(
      nameOrId: string,
    ): Promise<{ stack: StackRecord; resources: StackResourceRecord[] }> {
      const stack = await findStack(nameOrId)
      return { stack, resources: await deps.store.stackResources.list(stack.stackId) }
    },

    async describeStackResource(
      nameOrId: string,
      logicalId: string,
    ): Promise<{ stack: StackRecord; resource: StackResourceRecord }> {
      const stack = await findStack(nameOrId)
      const resource = await deps.store.stackResources.get(stack.stackId, logicalId)
      if (!resource)
        throw templateError(`Resource ${logicalId} does not exist for stack ${stack.stackName}`)
      return { stack, resource }
    },

    async describeStackResources(input: {
      stackName?: string | undefined
      logicalResourceId?: string | undefined
      physicalResourceId?: string | undefined
    }): Promise<{ stack: StackRecord; resources: StackResourceRecord[] }> {
      let stack: StackRecord
      if (input.stackName !== undefined) stack = await findStack(input.stackName)
      else if (input.physicalResourceId !== undefined) {
        const owner = (
          await deps.store.stackResources.findByPhysicalId(input.physicalResourceId)
        )[0]
        const s = owner && (await deps.store.stacks.get(owner.stackId))
        if (!s) throw templateError(`Stack for ${input.physicalResourceId} does not exist`)
        stack = s
      } else throw templateError('Either StackName or PhysicalResourceId must be specified.')
      const resources = (await deps.store.stackResources.list(stack.stackId)).filter(
        (r) =>
          (input.logicalResourceId === undefined || r.logicalId === input.logicalResourceId) &&
          (input.physicalResourceId === undefined || r.physicalId === input.physicalResourceId),
      )
      return { stack, resources }
    },

    async getTemplate(
      nameOrId: string | undefined,
      changeSetName?: string,
    ): Promise<{ body: string; json: boolean }> {
      if (changeSetName !== undefined) {
        const cs = await findChangeSet(changeSetName, nameOrId)
        const body = (JSON.parse(cs.body) as { templateBody: string }).templateBody
        return { body, json: isJsonBody(body) }
      }
      if (nameOrId === undefined) throw templateError('StackName must be specified')
      const stack = await findStack(nameOrId)
      return { body: stack.templateBody, json: isJsonBody(stack.templateBody) }
    },

    async listExports(): Promise<StackExportRecord[]> {
      return deps.store.stackExports.list()
    },

    /** Names of the stacks importing an export; an export nobody imports is an error, as on AWS. */
    async listImports(exportName: string): Promise<string[]> {
      const ids = await deps.store.stackExports.listImports(exportName)
      const names: string[] = []
      for (const id of ids) {
        const s = await deps.store.stacks.get(id)
        if (s && s.status !== 'DELETE_COMPLETE') names.push(s.stackName)
      }
      if (names.length === 0)
        throw templateError(`Export '${exportName}' is not imported by any stack.`)
      return names
    },

    // Shared with the update and change-set modules.
    internals: {
      load,
      bind,
      findStack,
      findChangeSet,
      launch,
      stackEvent,
      newStackRecord,
      checkName,
      runner,
      running,
    },
  }
  return service
}

export type StackService = ReturnType<typeof createStackService>
