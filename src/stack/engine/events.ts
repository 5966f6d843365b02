import { randomUUID } from 'node:crypto'
import type {
  StackEventRecord,
  StackRecord,
  StackResourceRecord,
  StoreTx,
} from '../../store/ports.js'
import { settleChangeSet } from './change-set-outcome.js'
import type { EngineDeps } from './deps.js'
import { isInProgress } from './status.js'

export const STACK_TYPE = 'AWS::CloudFormation::Stack'

/** Records a running operation's progress: stack status, resource records and their events. */
export function createRecorder(deps: EngineDeps, stack: StackRecord) {
  const iso = () => new Date(deps.now()).toISOString()

  const event = (
    e: Omit<StackEventRecord, 'stackId' | 'eventId' | 'stackName' | 'timestamp'>,
    timestamp: string,
  ): StackEventRecord => ({
    stackId: stack.stackId,
    // Resource events carry CloudFormation's id shape `<LogicalId>-<STATUS>-<time>`.
    eventId:
      e.resourceType === STACK_TYPE
        ? randomUUID()
        : `${e.logicalResourceId}-${e.resourceStatus}-${timestamp}`,
    stackName: stack.stackName,
    timestamp,
    ...(stack.lastOperation ? { operationId: stack.lastOperation.id } : {}),
    ...e,
  })

  return {
    stack,
    iso,
    /**
     * Sets the stack's status (and reason) and records the stack event, in one transaction; a
     * settled status also records the outcome of the change set being executed.
     */
    async status(status: string, reason?: string, extra?: (tx: StoreTx) => Promise<void>) {
      const t = iso()
      stack.status = status
      if (reason === undefined) delete stack.statusReason
      else stack.statusReason = reason
      if (status.startsWith('UPDATE_') || status.startsWith('ROLLBACK_')) stack.lastUpdatedTime = t
      if (status === 'DELETE_COMPLETE') stack.deletionTime = t
      await deps.store.transaction(async (tx) => {
        await tx.stacks.update(stack)
        await tx.stackEvents.append(
          event(
            {
              logicalResourceId: stack.stackName,
              physicalResourceId: stack.stackId,
              resourceType: STACK_TYPE,
              resourceStatus: status,
              ...(reason !== undefined ? { resourceStatusReason: reason } : {}),
            },
            t,
          ),
        )
        await extra?.(tx)
        if (!isInProgress(status)) await settleChangeSet(tx, stack)
      })
    },
    /** Stores a resource's new state and records its event, in one transaction. */
    async resource(
      r: StackResourceRecord,
      status: string,
      reason?: string,
      options: { properties?: string; remove?: boolean; store?: boolean } = {},
    ) {
      const t = iso()
      r.status = status
      r.timestamp = t
      if (reason === undefined) delete r.statusReason
      else r.statusReason = reason
      await deps.store.transaction(async (tx) => {
        // `store: false` records only the event (an old physical resource being replaced).
        if (options.remove) await tx.stackResources.delete(r.stackId, r.logicalId)
        else if (options.store !== false) await tx.stackResources.put(r)
        await tx.stackEvents.append(
          event(
            {
              logicalResourceId: r.logicalId,
              ...(r.physicalId !== undefined && r.physicalId !== ''
                ? { physicalResourceId: r.physicalId }
                : {}),
              resourceType: r.type,
              resourceStatus: status,
              ...(reason !== undefined ? { resourceStatusReason: reason } : {}),
              ...(options.properties !== undefined
                ? { resourceProperties: options.properties }
                : {}),
            },
            t,
          ),
        )
      })
    },
  }
}

export type Recorder = ReturnType<typeof createRecorder>
