import { CFN_MESSAGES, templateError } from './messages.js'
import { collectReferences, emptyReferences } from './references.js'
import type { ResourceDeclaration, Template } from './types.js'

/**
 * Each resource's dependencies (resource-attribute-reference-dependson): its `DependsOn` plus
 * the resources it names with `Ref`, `Fn::GetAtt` and `Fn::Sub`. Names that are not resources
 * (parameters) are left out; unresolved names are reported by {@link checkResourceReferences}.
 */
export function dependencyGraph(
  resources: ReadonlyMap<string, ResourceDeclaration>,
): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const r of resources.values()) {
    const refs = collectReferences(r.properties)
    const deps = new Set<string>(r.dependsOn)
    for (const name of [...refs.refs, ...refs.getAtts]) if (resources.has(name)) deps.add(name)
    deps.delete(r.logicalId)
    graph.set(
      r.logicalId,
      [...deps].filter((d) => resources.has(d)),
    )
  }
  return graph
}

/**
 * A creation order where every resource comes after its dependencies, stable in template
 * order. Resources left in a cycle (or behind one) make the whole template fail, as
 * CloudFormation reports them: "Circular dependency between resources: [A, B]".
 */
export function topologicalOrder(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const remaining = new Map<string, Set<string>>()
  for (const [id, deps] of graph) remaining.set(id, new Set(deps))
  const order: string[] = []
  let progressed = true
  while (remaining.size > 0 && progressed) {
    progressed = false
    for (const [id, deps] of remaining) {
      if ([...deps].every((d) => !remaining.has(d))) {
        order.push(id)
        remaining.delete(id)
        progressed = true
      }
    }
  }
  if (remaining.size > 0) throw templateError(CFN_MESSAGES.circular([...remaining.keys()]))
  return order
}

/**
 * Checks that every `DependsOn`, `Ref`, `Fn::GetAtt` and `Fn::Sub` name of the resources and
 * outputs resolves, and every condition they name exists. `resources` are the ones in play
 * (all of them for a static check, the ones whose condition holds for a stack).
 */
export function checkResourceReferences(
  template: Template,
  resources: ReadonlyMap<string, ResourceDeclaration>,
  outputs: Iterable<{
    value: unknown
    exportName?: unknown
    condition?: string
  }> = template.outputs.values(),
): void {
  const known = (name: string) => template.parameters.has(name) || resources.has(name)
  const unresolved: string[] = []
  const undefinedGetAtt: string[] = []
  const conditions: string[] = []
  for (const r of resources.values()) {
    for (const d of r.dependsOn) if (!resources.has(d)) unresolved.push(d)
    const refs = collectReferences(r.properties)
    for (const name of refs.refs) if (!known(name)) unresolved.push(name)
    for (const name of refs.getAtts) if (!resources.has(name)) undefinedGetAtt.push(name)
    for (const c of refs.conditions) if (!template.conditions.has(c)) conditions.push(c)
    if (r.condition !== undefined && !template.conditions.has(r.condition))
      conditions.push(r.condition)
  }
  if (unresolved.length > 0)
    throw templateError(CFN_MESSAGES.unresolvedResources([...new Set(unresolved)], 'Resources'))
  if (undefinedGetAtt.length > 0)
    throw templateError(CFN_MESSAGES.getAttUndefined(undefinedGetAtt[0] as string))
  if (conditions.length > 0)
    throw templateError(CFN_MESSAGES.unresolvedConditions([...new Set(conditions)], 'Resources'))

  const outRefs = emptyReferences()
  const outConditions: string[] = []
  for (const o of outputs) {
    collectReferences([o.value, o.exportName], outRefs)
    if (o.condition !== undefined && !template.conditions.has(o.condition))
      outConditions.push(o.condition)
  }
  const outUnresolved = [...outRefs.refs].filter((n) => !known(n))
  if (outUnresolved.length > 0)
    throw templateError(CFN_MESSAGES.unresolvedResources(outUnresolved, 'Outputs'))
  const outGetAtt = [...outRefs.getAtts].filter((n) => !resources.has(n))
  if (outGetAtt.length > 0)
    throw templateError(CFN_MESSAGES.getAttUndefined(outGetAtt[0] as string))
  for (const c of outRefs.conditions) if (!template.conditions.has(c)) outConditions.push(c)
  if (outConditions.length > 0)
    throw templateError(CFN_MESSAGES.unresolvedConditions([...new Set(outConditions)], 'Outputs'))
}
