import type { StackRecord, StackResourceRecord } from '../../store/ports.js'
import { checkProperties, ResourceFailure } from '../providers/index.js'
import {
  CFN_MESSAGES,
  type ResolveContext,
  resolveValue,
  type StackInstance,
  templateError,
} from '../template/index.js'
import { runGraph } from './dag.js'
import { deleteResources, exportTaken, rollbackRequested } from './delete-resources.js'
import type { Actor, EngineDeps } from './deps.js'
import { createRecorder, type Recorder } from './events.js'
import { type KnownResources, runResolveContext } from './resolve-context.js'
import {
  importArguments,
  providerContext,
  providerOf,
  pseudoOf,
  reasonOf,
  resolveProperties,
} from './resource-ops.js'

/**
 * Binds a stack to the exports it imports (intrinsic-function-reference-importvalue): every
 * `Fn::ImportValue` name is resolved (it may use parameters, never resources), must exist, and
 * is recorded as imported — from then on its exporter can neither delete nor change it.
 */
export async function bindImports(
  deps: EngineDeps,
  stack: StackRecord,
  instance: StackInstance,
): Promise<Map<string, string>> {
  const args = importArguments([
    ...[...instance.resources.values()].map((r) => r.properties),
    ...instance.outputs.map((o) => [o.value, o.exportName]),
  ])
  const staticCtx: ResolveContext = {
    parameters: instance.parameters,
    pseudo: pseudoOf(deps, stack),
    mappings: instance.template.mappings,
    condition: (name) => instance.conditions.get(name) ?? false,
    resourceRef: () => {
      throw templateError(CFN_MESSAGES.importDependsOnResource)
    },
    getAtt: () => {
      throw templateError(CFN_MESSAGES.importDependsOnResource)
    },
    importValue: () => {
      throw templateError(CFN_MESSAGES.importDependsOnResource)
    },
  }
  const names = [
    ...new Set(
      args.map((a) => {
        const v = resolveValue(a, staticCtx)
        if (typeof v !== 'string') throw templateError(CFN_MESSAGES.importShape)
        return v
      }),
    ),
  ]
  const values = new Map<string, string>()
  await deps.store.transaction(async (tx) => {
    for (const name of names) {
      const e = await tx.stackExports.get(name)
      if (!e) throw templateError(CFN_MESSAGES.noExport(name))
      values.set(name, e.value)
    }
    for (const name of names) await tx.stackExports.addImport(name, stack.stackId)
  })
  return values
}

/** Output values as text: lists are joined with commas. */
export function outputText(v: unknown): string {
  if (Array.isArray(v)) return v.map(outputText).join(',')
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw templateError('Template error: every Outputs member Value must resolve to a string')
}

/** Resolves the outputs of a stack whose resources all exist. */
export function resolveOutputs(
  instance: StackInstance,
  ctx: ResolveContext,
): StackRecord['outputs'] {
  return instance.outputs.map((o) => {
    const out: StackRecord['outputs'][number] = {
      key: o.key,
      value: outputText(resolveValue(o.value, ctx)),
    }
    if (o.description !== undefined) out.description = outputText(resolveValue(o.description, ctx))
    if (o.exportName !== undefined) out.exportName = outputText(resolveValue(o.exportName, ctx))
    return out
  })
}

/** Creates one resource: resolve, check, create, record. */
async function createOne(
  deps: EngineDeps,
  rec: Recorder,
  stack: StackRecord,
  actor: Actor,
  instance: StackInstance,
  ctx: ResolveContext,
  known: KnownResources,
  id: string,
): Promise<StackResourceRecord> {
  const decl = instance.resources.get(id)
  if (!decl) throw new Error(`unknown resource ${id}`)
  const provider = providerOf(decl.type)
  const record: StackResourceRecord = {
    stackId: stack.stackId,
    logicalId: id,
    type: decl.type,
    status: 'CREATE_IN_PROGRESS',
    timestamp: rec.iso(),
    properties: '{}',
    attributes: '{}',
    deletionPolicy: decl.deletionPolicy,
  }
  await rec.resource(record, 'CREATE_IN_PROGRESS')
  try {
    const props = resolveProperties(decl.properties, ctx)
    record.properties = JSON.stringify(props)
    checkProperties(provider, props)
    const result = await provider.create(providerContext(deps, stack, actor, id, decl.type), props)
    record.physicalId = result.physicalId
    record.attributes = JSON.stringify(result.attributes)
    known.physical.set(id, result.physicalId)
    known.attributes.set(id, result.attributes)
    await rec.resource(record, 'CREATE_COMPLETE')
    return record
  } catch (err) {
    if (err instanceof ResourceFailure && err.physicalId !== undefined)
      record.physicalId = err.physicalId
    await rec.resource(record, 'CREATE_FAILED', reasonOf(err))
    throw err
  }
}

export interface CreateOptions {
  onFailure: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE'
}

/**
 * The background part of CreateStack (and of executing a CREATE change set): resources in
 * dependency order, in parallel where independent; outputs and exports; on failure, the
 * resources created so far deleted in reverse order (ROLLBACK_COMPLETE), or kept (DO_NOTHING).
 */
export async function runCreate(
  deps: EngineDeps,
  stack: StackRecord,
  instance: StackInstance,
  actor: Actor,
  options: CreateOptions,
): Promise<void> {
  const rec = createRecorder(deps, stack)
  const pseudo = pseudoOf(deps, stack)
  const known: KnownResources = { physical: new Map(), attributes: new Map() }
  const records = new Map<string, StackResourceRecord>()
  let reason: string
  try {
    const imports = await bindImports(deps, stack, instance)
    const ctx = runResolveContext(instance, pseudo, known, imports)
    const { failed } = await runGraph(instance.order, instance.dependencies, async (id) => {
      try {
        records.set(id, await createOne(deps, rec, stack, actor, instance, ctx, known, id))
      } catch (err) {
        const r = await deps.store.stackResources.get(stack.stackId, id)
        if (r) records.set(id, r)
        throw err
      }
    })
    if (failed.length === 0) {
      const outputs = resolveOutputs(instance, ctx)
      stack.outputs = outputs
      await rec.status('CREATE_COMPLETE', undefined, async (tx) => {
        for (const o of outputs) {
          if (o.exportName === undefined) continue
          const existing = await tx.stackExports.get(o.exportName)
          if (existing && existing.stackId !== stack.stackId) {
            const owner = await tx.stacks.get(existing.stackId)
            throw templateError(exportTaken(o.exportName, owner?.stackName ?? existing.stackId))
          }
          await tx.stackExports.put({ name: o.exportName, stackId: stack.stackId, value: o.value })
        }
      })
      return
    }
    reason = `The following resource(s) failed to create: [${failed.join(', ')}]. `
  } catch (err) {
    // Imports, outputs or exports failed: the stack fails with that reason.
    stack.outputs = []
    reason = reasonOf(err)
  }
  await failCreate(deps, rec, stack, actor, [...records.values()], reason, options)
}

async function failCreate(
  deps: EngineDeps,
  rec: Recorder,
  stack: StackRecord,
  actor: Actor,
  records: StackResourceRecord[],
  reason: string,
  options: CreateOptions,
): Promise<void> {
  if (options.onFailure === 'DO_NOTHING') {
    await rec.status('CREATE_FAILED', reason)
    return
  }
  await rec.status('ROLLBACK_IN_PROGRESS', rollbackRequested(reason))
  // Completion order (the map's insertion order) is a valid creation order: delete in reverse.
  const order = [...records].reverse()
  const failed = await deleteResources(deps, rec, stack, actor, order, { rollbackOfCreate: true })
  if (failed.length > 0) {
    await rec.status(
      'ROLLBACK_FAILED',
      `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
    )
    return
  }
  await rec.status('ROLLBACK_COMPLETE', undefined, (tx) =>
    tx.stackExports.removeImports(stack.stackId),
  )
  if (options.onFailure === 'DELETE') {
    await rec.status('DELETE_IN_PROGRESS', 'User Initiated')
    await rec.status('DELETE_COMPLETE')
  }
}
