import type { StackRecord, StackResourceRecord } from '../../store/ports.js'
import type { Actor, EngineDeps } from './deps.js'
import type { Recorder } from './events.js'
import { providerContext, providerOf, reasonOf } from './resource-ops.js'

/**
 * Deletes resources one after the other in the order given (dependents first), recording
 * DELETE_IN_PROGRESS / DELETE_COMPLETE / DELETE_FAILED / DELETE_SKIPPED per resource. Resources
 * with DeletionPolicy Retain (or listed in `retain`) are left in place. Returns the logical ids
 * that failed to delete.
 */
export async function deleteResources(
  deps: EngineDeps,
  rec: Recorder,
  stack: StackRecord,
  actor: Actor,
  records: readonly StackResourceRecord[],
  options: {
    retain?: ReadonlySet<string>
    rollbackOfCreate?: boolean
    removeRecords?: boolean
  } = {},
): Promise<string[]> {
  const failed: string[] = []
  for (const r of records) {
    if (r.status === 'DELETE_COMPLETE' || r.status === 'DELETE_SKIPPED') continue
    const keep =
      options.retain?.has(r.logicalId) ||
      r.deletionPolicy === 'Retain' ||
      (r.deletionPolicy === 'RetainExceptOnCreate' && !options.rollbackOfCreate)
    if (keep) {
      await rec.resource(r, 'DELETE_SKIPPED', undefined, { remove: options.removeRecords === true })
      continue
    }
    if (r.physicalId === undefined || r.physicalId === '') {
      // Never created (failed or cancelled before it existed): nothing to delete.
      await rec.resource(r, 'DELETE_COMPLETE', undefined, {
        remove: options.removeRecords === true,
      })
      continue
    }
    await rec.resource(r, 'DELETE_IN_PROGRESS')
    try {
      const provider = providerOf(r.type)
      await provider.delete(
        providerContext(deps, stack, actor, r.logicalId, r.type),
        r.physicalId,
        JSON.parse(r.properties) as Record<string, unknown>,
      )
      await rec.resource(r, 'DELETE_COMPLETE', undefined, {
        remove: options.removeRecords === true,
      })
    } catch (err) {
      failed.push(r.logicalId)
      await rec.resource(r, 'DELETE_FAILED', reasonOf(err))
    }
  }
  return failed
}

/** "… Rollback requested by user." appended the way CloudFormation punctuates it. */
export const rollbackRequested = (reason: string): string => {
  const r = reason.trimEnd()
  return `${r}${r.endsWith('.') ? '' : '.'} Rollback requested by user.`
}

/** Confirmed (rlister/stax #40, aws/aws-cdk #604): "Export X cannot be deleted as it is in use by A and B". */
export const exportInUse = (name: string, importers: readonly string[]): string =>
  `Export ${name} cannot be deleted as it is in use by ${importers.join(' and ')}`

export const exportUpdateInUse = (name: string, importers: readonly string[]): string =>
  `Cannot update export ${name} as it is in use by ${importers.join(' and ')}`

export const exportTaken = (name: string, stackName: string): string =>
  `Export with name ${name} is already exported by stack ${stackName}`
