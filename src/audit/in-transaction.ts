import { AsyncLocalStorage } from 'node:async_hooks'
import type { Store } from '../store/ports.js'
import type { CloudTrailEvent } from './event.js'
import { toAuditRecord } from './writer.js'

/** The audit record of the call in progress, written by the first transaction that commits. */
export interface PendingAudit {
  build(): CloudTrailEvent
  /** Set once a transaction carrying the record has committed. */
  written: boolean
  /** The record as it was committed. */
  event?: CloudTrailEvent
}

const scope = new AsyncLocalStorage<PendingAudit>()
let active = 0

/**
 * Runs `fn` with `pending` as the call's audit record. While any such call runs, Node's promise
 * hooks are on for the whole process (AsyncLocalStorage on Node 20 is built on them, a cost on
 * every promise of every request); when the last one ends the storage is disabled, which turns
 * them off again.
 */
export async function withPendingAudit<T>(pending: PendingAudit, fn: () => Promise<T>): Promise<T> {
  active++
  try {
    return await scope.run(pending, fn)
  } finally {
    if (--active === 0) scope.disable()
  }
}

/**
 * A store whose transactions also insert the pending audit record of the call they belong to, so
 * an IAM change and its record commit or roll back together.
 */
export function auditingStore(store: Store): Store {
  return {
    ...store,
    async transaction(fn) {
      const pending = scope.getStore()
      const carry = pending !== undefined && !pending.written
      let event: CloudTrailEvent | undefined
      const result = await store.transaction(async (tx) => {
        const r = await fn(tx)
        if (carry) {
          event = pending.build()
          await tx.audit.insertMany([toAuditRecord(event)])
        }
        return r
      })
      if (carry && event) {
        pending.written = true
        pending.event = event
      }
      return result
    },
  }
}
