import type { StackRecord, StoreTx } from '../../store/ports.js'

/** Change-set execution statuses after which the change set's name may be used again. */
const EXECUTED = new Set(['EXECUTE_COMPLETE', 'EXECUTE_FAILED'])

export const wasExecuted = (executionStatus: string): boolean => EXECUTED.has(executionStatus)

/**
 * Records the outcome of the change set a stack is executing, in the transaction that writes the
 * stack's settled status: a client that sees the stack settle also sees its change set executed.
 */
export async function settleChangeSet(tx: StoreTx, stack: StackRecord): Promise<void> {
  if (stack.changeSetId === undefined) return
  const cs = await tx.changeSets.get(stack.changeSetId)
  if (cs?.executionStatus !== 'EXECUTE_IN_PROGRESS') return
  const ok = stack.status === 'CREATE_COMPLETE' || stack.status === 'UPDATE_COMPLETE'
  await tx.changeSets.put({ ...cs, executionStatus: ok ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED' })
}
