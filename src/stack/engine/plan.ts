import type { Store } from '../../store/ports.js'
import { type AccessDiff, accessDiff, accessLines } from '../access/index.js'
import { providerFor } from '../providers/index.js'
import { type GivenParameter, instantiate, loadTemplate } from '../template/index.js'
import { type PlannedChange, planStack } from './changes.js'
import { checkAttributes } from './resolve-context.js'

export interface StackPlan {
  type: 'CREATE' | 'UPDATE'
  stackName: string
  changes: PlannedChange[]
  access: AccessDiff
  /** The access diff as summary lines. */
  accessSummary: string[]
}

/**
 * What deploying `templateBody` as stack `stackName` would change, without changing anything:
 * the resource changes (as a change set lists them) and the effective-access diff. Reads the
 * stack's current resources and the account's exports from the store.
 */
export async function planStackChange(
  deps: { store: Store; accountId: string; region: string },
  input: {
    stackName: string
    templateBody: string
    parameters: readonly GivenParameter[]
    capabilities: readonly string[]
  },
): Promise<StackPlan> {
  const loaded = loadTemplate(input.templateBody, {
    isKnownType: (t) => providerFor(t) !== undefined,
  })
  const stack = await deps.store.stacks.getLive(input.stackName)
  const existing = stack && stack.status !== 'REVIEW_IN_PROGRESS' ? stack : undefined
  const pseudo = {
    accountId: deps.accountId,
    region: deps.region,
    stackName: input.stackName,
    stackId:
      stack?.stackId ??
      `arn:aws:cloudformation:${deps.region}:${deps.accountId}:stack/${input.stackName}/(new)`,
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
    notificationArns: stack?.notificationArns ?? [],
  }
  const instance = instantiate(loaded, {
    parameters: input.parameters,
    capabilities: input.capabilities,
    pseudo,
    ...(existing
      ? { previousParameters: new Map(existing.parameters.map((p) => [p.key, p.value])) }
      : {}),
  })
  checkAttributes(instance)
  const records = existing ? await deps.store.stackResources.list(existing.stackId) : []
  const exports = new Map((await deps.store.stackExports.list()).map((e) => [e.name, e.value]))
  const { changes, before, after } = planStack(records, instance, pseudo, exports)
  const access = accessDiff(before, after)
  return {
    type: existing ? 'UPDATE' : 'CREATE',
    stackName: input.stackName,
    changes,
    access,
    accessSummary: accessLines(access),
  }
}
