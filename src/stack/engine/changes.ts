import type { StackRecord, StackResourceRecord } from '../../store/ports.js'
import { changedProperties, providerFor, sameValue } from '../providers/index.js'
import {
  type PseudoParameters,
  type ResolveContext,
  type StackInstance,
  templateError,
} from '../template/index.js'
import { runResolveContext } from './resolve-context.js'
import { resolveProperties } from './resource-ops.js'

/** One resource change of a change set (DescribeChangeSet `ResourceChange`). */
export interface PlannedChange {
  action: 'Add' | 'Modify' | 'Remove'
  logicalId: string
  type: string
  physicalId?: string
  replacement?: 'True' | 'False' | 'Conditional'
  details: {
    name: string
    requiresRecreation: 'Never' | 'Always' | 'Conditionally'
    evaluation: 'Static' | 'Dynamic'
    changeSource:
      | 'DirectModification'
      | 'ResourceReference'
      | 'ResourceAttribute'
      | 'ParameterReference'
  }[]
  /** Resolved properties before/after (after may hold `{{dynamic}}` placeholders). */
  before?: Record<string, unknown>
  after?: Record<string, unknown>
}

/** The property giving a resource its custom name (replacing a named resource is refused). */
export const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::EKS::Cluster': 'Name',
}

/** Confirmed wording of CloudFormation's refusal. */
export const customNamedReplacement = (name: string) =>
  `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${name} and update the stack again.`

/**
 * Values known only after apply: `{{lanyard:ref:<Id>}}` and `{{lanyard:att:<Id>.<Attr>}}` (the
 * logical id kept, so the plan can still tell which resource they stand for).
 */
export const DYNAMIC_PREFIX = '{{lanyard:'
const hasDynamic = (v: unknown): boolean => JSON.stringify(v ?? null).includes(DYNAMIC_PREFIX)
const DYNAMIC = '{{lanyard:import}}'

/** A resource as the plan sees it: resolved properties, physical id when it exists. */
export interface ResourceView {
  type: string
  properties: Record<string, unknown>
  physicalId?: string
}

/** Live resource records (not deleted) by logical id. */
export function liveRecords(
  records: readonly StackResourceRecord[],
): Map<string, StackResourceRecord> {
  return new Map(
    records
      .filter((r) => !['DELETE_COMPLETE', 'DELETE_SKIPPED', 'CREATE_FAILED'].includes(r.status))
      .map((r) => [r.logicalId, r]),
  )
}

/**
 * What an update would do (using-cfn-updating-stacks-changesets): resources added, modified
 * (in place or by replacement, property by property) and removed. Values that depend on a
 * resource being added or replaced are unknown before execution: they count as changed, with
 * Dynamic evaluation, as CloudFormation reports them.
 */
export function planChanges(
  stack: StackRecord,
  records: readonly StackResourceRecord[],
  instance: StackInstance,
  pseudo: PseudoParameters,
  imports: ReadonlyMap<string, string>,
): PlannedChange[] {
  void stack
  return planStack(records, instance, pseudo, imports).changes
}

/**
 * The plan and the projected state: every resource of the new template with its resolved
 * properties (unknown values as placeholders), and the current state from the records.
 */
export function planStack(
  records: readonly StackResourceRecord[],
  instance: StackInstance,
  pseudo: PseudoParameters,
  imports: ReadonlyMap<string, string>,
): {
  changes: PlannedChange[]
  before: Map<string, ResourceView>
  after: Map<string, ResourceView>
} {
  const beforeViews = new Map<string, ResourceView>()
  const afterViews = new Map<string, ResourceView>()
  const live = liveRecords(records)
  for (const r of live.values())
    beforeViews.set(r.logicalId, {
      type: r.type,
      properties: JSON.parse(r.properties) as Record<string, unknown>,
      ...(r.physicalId !== undefined ? { physicalId: r.physicalId } : {}),
    })
  const physical = new Map<string, string>()
  const attributes = new Map<string, Record<string, unknown>>()
  for (const r of live.values()) {
    physical.set(r.logicalId, r.physicalId ?? '')
    attributes.set(r.logicalId, JSON.parse(r.attributes) as Record<string, unknown>)
  }
  const dynamic = (id: string) => {
    physical.set(id, `{{lanyard:ref:${id}}}`)
    attributes.set(
      id,
      new Proxy({}, { get: (_t, attr) => `{{lanyard:att:${id}.${String(attr)}}}` }),
    )
  }
  const base = runResolveContext(instance, pseudo, { physical, attributes }, imports)
  // Imports of names not bound yet resolve to a placeholder too.
  const ctx: ResolveContext = {
    ...base,
    importValue: (name) => imports.get(name) ?? DYNAMIC,
  }
  const changes: PlannedChange[] = []
  for (const id of instance.order) {
    const decl = instance.resources.get(id)
    if (!decl) continue
    const old = live.get(id)
    const after = resolveProperties(decl.properties, ctx)
    afterViews.set(id, {
      type: decl.type,
      properties: after,
      ...(old?.physicalId !== undefined ? { physicalId: old.physicalId } : {}),
    })
    if (!old) {
      changes.push({ action: 'Add', logicalId: id, type: decl.type, details: [], after })
      dynamic(id)
      continue
    }
    if (old.type !== decl.type)
      throw templateError(
        `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${id}]`,
      )
    const before = JSON.parse(old.properties) as Record<string, unknown>
    if (sameValue(after, before)) continue
    const provider = providerFor(decl.type)
    const specs = provider?.properties
    const details = changedProperties(after, before).map((name) => {
      const isDynamic = hasDynamic(after[name])
      const replace = specs?.[name]?.update === 'replace'
      return {
        name,
        requiresRecreation: replace ? ('Always' as const) : ('Never' as const),
        evaluation: isDynamic ? ('Dynamic' as const) : ('Static' as const),
        changeSource: isDynamic ? ('ResourceReference' as const) : ('DirectModification' as const),
      }
    })
    const replaces = details.filter((d) => d.requiresRecreation === 'Always')
    const replacement: PlannedChange['replacement'] =
      replaces.length === 0
        ? 'False'
        : replaces.every((d) => d.evaluation === 'Dynamic')
          ? 'Conditional'
          : 'True'
    changes.push({
      action: 'Modify',
      logicalId: id,
      type: decl.type,
      ...(old.physicalId !== undefined ? { physicalId: old.physicalId } : {}),
      replacement,
      details,
      before,
      after,
    })
    if (replacement !== 'False') {
      dynamic(id)
      const view = afterViews.get(id)
      if (view) delete view.physicalId
    }
  }
  for (const r of live.values())
    if (!instance.resources.has(r.logicalId))
      changes.push({
        action: 'Remove',
        logicalId: r.logicalId,
        type: r.type,
        ...(r.physicalId !== undefined ? { physicalId: r.physicalId } : {}),
        details: [],
        before: JSON.parse(r.properties) as Record<string, unknown>,
      })
  return { changes, before: beforeViews, after: afterViews }
}
