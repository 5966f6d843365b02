import type { StackRecord, StackResourceRecord } from '../../store/ports.js'
import { providerFor } from '../providers/index.js'
import { dependencyGraph, loadTemplate, topologicalOrder } from '../template/index.js'
import { deleteResources, exportInUse } from './delete-resources.js'
import type { Actor, EngineDeps } from './deps.js'
import { createRecorder } from './events.js'

/**
 * Dependents before their dependencies: the reverse of the template's creation order. Resources
 * the template no longer names go first.
 */
export function deletionOrder(
  templateBody: string,
  records: readonly StackResourceRecord[],
): StackResourceRecord[] {
  let order: string[] = []
  try {
    const { template } = loadTemplate(templateBody, {
      isKnownType: (t) => providerFor(t) !== undefined,
    })
    order = topologicalOrder(dependencyGraph(template.resources))
  } catch {
    // A stack whose template no longer loads still deletes, in reverse creation order.
  }
  const rank = new Map(order.map((id, i) => [id, i]))
  const last = order.length
  const byCreation = [...records].reverse()
  return byCreation.sort(
    (a, b) => (rank.get(b.logicalId) ?? last) - (rank.get(a.logicalId) ?? last),
  )
}

/** The names of the stacks importing each of `stack`'s exports (other than itself). */
export async function importersOf(
  deps: EngineDeps,
  stack: StackRecord,
  exportNames: readonly string[],
): Promise<{ name: string; importers: string[] }[]> {
  const out: { name: string; importers: string[] }[] = []
  for (const name of exportNames) {
    const ids = (await deps.store.stackExports.listImports(name)).filter(
      (id) => id !== stack.stackId,
    )
    if (ids.length === 0) continue
    const names: string[] = []
    for (const id of ids) names.push((await deps.store.stacks.get(id))?.stackName ?? id)
    out.push({ name, importers: names })
  }
  return out
}

/**
 * The background part of DeleteStack: refused while another stack imports one of its exports
 * (the stack returns to its previous status with the reason), else every resource deleted in
 * reverse dependency order, then its exports and imports: DELETE_COMPLETE, or DELETE_FAILED.
 */
export async function runDelete(
  deps: EngineDeps,
  stack: StackRecord,
  actor: Actor,
  options: { retain?: ReadonlySet<string>; previousStatus: string },
): Promise<void> {
  const rec = createRecorder(deps, stack)
  const exportNames = stack.outputs.flatMap((o) =>
    o.exportName === undefined ? [] : [o.exportName],
  )
  const inUse = await importersOf(deps, stack, exportNames)
  const first = inUse[0]
  if (first) {
    await rec.status(options.previousStatus, exportInUse(first.name, first.importers))
    return
  }
  const records = await deps.store.stackResources.list(stack.stackId)
  const failed = await deleteResources(
    deps,
    rec,
    stack,
    actor,
    deletionOrder(stack.templateBody, records),
    options.retain ? { retain: options.retain } : {},
  )
  if (failed.length > 0) {
    await rec.status(
      'DELETE_FAILED',
      `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
    )
    return
  }
  await rec.status('DELETE_COMPLETE', undefined, async (tx) => {
    for (const name of exportNames) {
      const e = await tx.stackExports.get(name)
      if (e?.stackId === stack.stackId) await tx.stackExports.delete(name)
    }
    await tx.stackExports.removeImports(stack.stackId)
  })
}
