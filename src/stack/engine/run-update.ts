import type { StackRecord, StackResourceRecord } from '../../store/ports.js'
import { checkProperties, needsReplacement, sameValue } from '../providers/index.js'
import { type StackInstance, templateError } from '../template/index.js'
import { customNamedReplacement, liveRecords, NAME_PROPERTY } from './changes.js'
import { runGraph } from './dag.js'
import { deleteResources, exportInUse, exportTaken, exportUpdateInUse } from './delete-resources.js'
import type { Actor, EngineDeps } from './deps.js'
import { createRecorder, type Recorder } from './events.js'
import { type KnownResources, runResolveContext } from './resolve-context.js'
import {
  providerContext,
  providerOf,
  pseudoOf,
  reasonOf,
  resolveProperties,
} from './resource-ops.js'
import { bindImports, resolveOutputs } from './run-create.js'
import { deletionOrder, importersOf } from './run-delete.js'

/** What a stack looked like before the update (restored by a rollback). */
export interface PreviousState {
  templateBody: string
  parameters: StackRecord['parameters']
  noEchoKeys: string[]
  outputs: StackRecord['outputs']
  description: string | undefined
  /** Export names the previous template imports (re-bound by a rollback). */
  importNames: string[]
}

type Applied =
  | { kind: 'created'; id: string }
  | { kind: 'updated'; id: string; old: StackResourceRecord; from: Record<string, unknown> }
  | { kind: 'replaced'; id: string; old: StackResourceRecord }

const snapshot = (r: StackResourceRecord): StackResourceRecord => ({ ...r })

/**
 * The background part of UpdateStack (and of executing an UPDATE change set)
 * (using-cfn-updating-stacks-update-behaviors): new resources are created, changed ones updated
 * in place or replaced (the new one created first), in dependency order; then exports are
 * checked (an export another stack imports may not change or go), the old physical resources
 * and removed resources are deleted (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS). A failure rolls the
 * changes back in reverse order (UPDATE_ROLLBACK_COMPLETE).
 */
export async function runUpdate(
  deps: EngineDeps,
  stack: StackRecord,
  instance: StackInstance,
  actor: Actor,
  next: {
    templateBody: string
    noEchoKeys: string[]
    description: string | undefined
    /** Keep what was done on failure (UPDATE_FAILED) instead of rolling back. */
    disableRollback?: boolean
  },
  previous: PreviousState,
): Promise<void> {
  const rec = createRecorder(deps, stack)
  const pseudo = pseudoOf(deps, stack)
  const records = liveRecords(await deps.store.stackResources.list(stack.stackId))
  const known: KnownResources = { physical: new Map(), attributes: new Map() }
  for (const r of records.values()) {
    known.physical.set(r.logicalId, r.physicalId ?? '')
    known.attributes.set(r.logicalId, JSON.parse(r.attributes) as Record<string, unknown>)
  }
  const applied: Applied[] = []
  const cleanup: StackResourceRecord[] = []
  const failedIds: string[] = []
  let verb = 'update'
  let reason: string | undefined
  try {
    const imports = await bindImports(deps, stack, instance)
    const ctx = runResolveContext(instance, pseudo, known, imports)
    const { failed } = await runGraph(instance.order, instance.dependencies, async (id) => {
      const decl = instance.resources.get(id)
      if (!decl) return
      const provider = providerOf(decl.type)
      const old = records.get(id)
      if (!old) {
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
          const r = await provider.create(providerContext(deps, stack, actor, id, decl.type), props)
          record.physicalId = r.physicalId
          record.attributes = JSON.stringify(r.attributes)
          known.physical.set(id, r.physicalId)
          known.attributes.set(id, r.attributes)
          applied.push({ kind: 'created', id })
          await rec.resource(record, 'CREATE_COMPLETE')
        } catch (err) {
          verb = 'create'
          failedIds.push(id)
          await rec.resource(record, 'CREATE_FAILED', reasonOf(err), { remove: true })
          throw err
        }
        return
      }
      const before = JSON.parse(old.properties) as Record<string, unknown>
      const oldAttributes = JSON.parse(old.attributes) as Record<string, unknown>
      const record = snapshot(old)
      record.deletionPolicy = decl.deletionPolicy
      try {
        const props = resolveProperties(decl.properties, ctx)
        if (sameValue(props, before)) return
        checkProperties(provider, props)
        const pctx = providerContext(deps, stack, actor, id, decl.type)
        if (needsReplacement(provider, props, before)) {
          const nameProperty = NAME_PROPERTY[decl.type]
          if (
            nameProperty !== undefined &&
            props[nameProperty] !== undefined &&
            sameValue(props[nameProperty], before[nameProperty])
          )
            throw templateError(customNamedReplacement(String(props[nameProperty])))
          await rec.resource(
            record,
            'UPDATE_IN_PROGRESS',
            'Requested update requires the creation of a new physical resource; hence creating one.',
          )
          const r = await provider.create(pctx, props)
          record.physicalId = r.physicalId
          record.properties = JSON.stringify(props)
          record.attributes = JSON.stringify(r.attributes)
          known.physical.set(id, r.physicalId)
          known.attributes.set(id, r.attributes)
          applied.push({ kind: 'replaced', id, old: snapshot(old) })
          cleanup.push(snapshot(old))
          await rec.resource(record, 'UPDATE_COMPLETE')
          return
        }
        await rec.resource(record, 'UPDATE_IN_PROGRESS')
        let r: Awaited<ReturnType<typeof provider.update>>
        try {
          r = await provider.update(pctx, old.physicalId ?? '', props, before, oldAttributes)
        } catch (err) {
          // A half-applied in-place update is reverted by the rollback like a finished one.
          applied.push({ kind: 'updated', id, old: snapshot(old), from: props })
          throw err
        }
        record.properties = JSON.stringify(props)
        record.attributes = JSON.stringify(r.attributes)
        if (r.physicalId !== old.physicalId) {
          // A custom resource answered with a new PhysicalResourceId: the old one goes at cleanup.
          record.physicalId = r.physicalId
          applied.push({ kind: 'replaced', id, old: snapshot(old) })
          cleanup.push(snapshot(old))
        } else applied.push({ kind: 'updated', id, old: snapshot(old), from: props })
        known.physical.set(id, r.physicalId)
        known.attributes.set(id, r.attributes)
        await rec.resource(record, 'UPDATE_COMPLETE')
      } catch (err) {
        failedIds.push(id)
        await rec.resource(record, 'UPDATE_FAILED', reasonOf(err), { store: false })
        throw err
      }
    })
    if (failed.length > 0) {
      reason = `The following resource(s) failed to ${verb}: [${failedIds.join(', ')}]. `
    } else {
      const outputs = resolveOutputs(instance, ctx)
      const newExports = new Map(
        outputs.flatMap((o) =>
          o.exportName === undefined ? [] : [[o.exportName, o.value] as const],
        ),
      )
      const oldExports = previous.outputs.flatMap((o) => (o.exportName === undefined ? [] : [o]))
      for (const { name, importers } of await importersOf(
        deps,
        stack,
        oldExports.map((o) => o.exportName as string),
      )) {
        const value = newExports.get(name)
        const old = oldExports.find((o) => o.exportName === name)
        if (value === undefined) throw templateError(exportInUse(name, importers))
        if (value !== old?.value) throw templateError(exportUpdateInUse(name, importers))
      }
      stack.outputs = outputs
      stack.templateBody = next.templateBody
      stack.noEchoKeys = next.noEchoKeys
      if (next.description === undefined) delete stack.description
      else stack.description = next.description
      stack.parameters = [...instance.rawParameters].map(([key, value]) => ({ key, value }))
      await rec.status('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', undefined, async (tx) => {
        for (const o of oldExports)
          if (!newExports.has(o.exportName as string))
            await tx.stackExports.delete(o.exportName as string)
        for (const [name, value] of newExports) {
          const existing = await tx.stackExports.get(name)
          if (existing && existing.stackId !== stack.stackId) {
            const owner = await tx.stacks.get(existing.stackId)
            throw templateError(exportTaken(name, owner?.stackName ?? existing.stackId))
          }
          await tx.stackExports.put({ name, stackId: stack.stackId, value })
        }
        await tx.stackExports.removeImports(stack.stackId)
        for (const name of imports.keys()) await tx.stackExports.addImport(name, stack.stackId)
      })
      await cleanUp(deps, rec, stack, actor, instance, records, cleanup, previous.templateBody)
      await rec.status('UPDATE_COMPLETE')
      return
    }
  } catch (err) {
    reason ??= reasonOf(err)
  }
  if (next.disableRollback) {
    await rec.status('UPDATE_FAILED', reason)
    return
  }
  await rollBack(deps, rec, stack, actor, applied, reason, previous)
}

/** Deletes replaced physical resources and the resources the new template dropped. */
async function cleanUp(
  deps: EngineDeps,
  rec: Recorder,
  stack: StackRecord,
  actor: Actor,
  instance: StackInstance,
  records: ReadonlyMap<string, StackResourceRecord>,
  replaced: readonly StackResourceRecord[],
  previousBody: string,
): Promise<void> {
  for (const old of [...replaced].reverse()) {
    await rec.resource(old, 'DELETE_IN_PROGRESS', undefined, { store: false })
    try {
      await providerOf(old.type).delete(
        providerContext(deps, stack, actor, old.logicalId, old.type),
        old.physicalId ?? '',
        JSON.parse(old.properties) as Record<string, unknown>,
      )
      await rec.resource(old, 'DELETE_COMPLETE', undefined, { store: false })
    } catch (err) {
      // A failed cleanup does not fail the update (as in CloudFormation); it is recorded.
      await rec.resource(old, 'DELETE_FAILED', reasonOf(err), { store: false })
    }
  }
  const removed = [...records.values()].filter((r) => !instance.resources.has(r.logicalId))
  await deleteResources(deps, rec, stack, actor, deletionOrder(previousBody, removed), {
    removeRecords: true,
  })
}

async function rollBack(
  deps: EngineDeps,
  rec: Recorder,
  stack: StackRecord,
  actor: Actor,
  applied: readonly Applied[],
  reason: string,
  previous: PreviousState,
): Promise<void> {
  await rec.status('UPDATE_ROLLBACK_IN_PROGRESS', reason)
  let failed = false
  for (const a of [...applied].reverse()) {
    const current = await deps.store.stackResources.get(stack.stackId, a.id)
    if (!current) continue
    const ctx = providerContext(deps, stack, actor, a.id, current.type)
    const provider = providerOf(current.type)
    try {
      if (a.kind === 'created') {
        await rec.resource(current, 'DELETE_IN_PROGRESS')
        await provider.delete(
          ctx,
          current.physicalId ?? '',
          JSON.parse(current.properties) as Record<string, unknown>,
        )
        await rec.resource(current, 'DELETE_COMPLETE', undefined, { remove: true })
      } else if (a.kind === 'replaced') {
        await rec.resource(current, 'DELETE_IN_PROGRESS', undefined, { store: false })
        await provider.delete(
          ctx,
          current.physicalId ?? '',
          JSON.parse(current.properties) as Record<string, unknown>,
        )
        await rec.resource(current, 'DELETE_COMPLETE', undefined, { store: false })
        await rec.resource({ ...a.old }, 'UPDATE_COMPLETE')
      } else {
        await rec.resource(current, 'UPDATE_IN_PROGRESS')
        const r = await provider.update(
          ctx,
          current.physicalId ?? '',
          JSON.parse(a.old.properties) as Record<string, unknown>,
          a.from,
          JSON.parse(current.attributes) as Record<string, unknown>,
        )
        await rec.resource(
          { ...a.old, attributes: JSON.stringify(r.attributes) },
          'UPDATE_COMPLETE',
        )
      }
    } catch (err) {
      failed = true
      await rec.resource(
        current,
        a.kind === 'updated' ? 'UPDATE_FAILED' : 'DELETE_FAILED',
        reasonOf(err),
      )
    }
  }
  stack.outputs = previous.outputs
  if (failed) {
    await rec.status('UPDATE_ROLLBACK_FAILED', reason)
    return
  }
  await rec.status('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', undefined, async (tx) => {
    await tx.stackExports.removeImports(stack.stackId)
    for (const name of previous.importNames) await tx.stackExports.addImport(name, stack.stackId)
  })
  await rec.status('UPDATE_ROLLBACK_COMPLETE')
}
