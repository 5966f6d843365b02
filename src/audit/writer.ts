import type { AuditRecord, Store, StoreTx } from '../store/ports.js'
import type { CloudTrailEvent } from './event.js'
import { eventJson } from './event-json.js'

/** Where audit records go: each batch appended durably (committed), resolved once it is. */
export interface AuditSink {
  append(records: readonly AuditRecord[]): Promise<void>
}

/** A sink that appends each batch in one transaction of `store`. */
export function storeAuditSink(store: Store): AuditSink {
  return { append: (records) => store.transaction((tx) => tx.audit.insertMany(records)) }
}

/** The row of an event: its JSON plus the columns it is queried by. */
export function toAuditRecord(event: CloudTrailEvent): AuditRecord {
  const a = event.lanyard?.attribution ?? {}
  const principal = event.userIdentity.arn ?? event.userIdentity.identityProvider
  const record: AuditRecord = {
    eventId: event.eventID,
    eventTime: event.eventTime,
    eventSource: event.eventSource,
    eventName: event.eventName,
    requestId: event.requestID,
    record: eventJson(event),
  }
  // Assigned by name (a loop over the keys stores megamorphically), each only when present.
  if (principal !== undefined) record.principal = principal
  if (event.errorCode !== undefined) record.errorCode = event.errorCode
  const accessKeyId = a.sessionAccessKeyId ?? event.userIdentity.accessKeyId
  if (accessKeyId !== undefined) record.accessKeyId = accessKeyId
  if (a.jti !== undefined) record.jti = a.jti
  if (a.cluster !== undefined) record.cluster = a.cluster
  if (a.namespace !== undefined) record.namespace = a.namespace
  if (a.serviceAccount !== undefined) record.serviceAccount = a.serviceAccount
  if (a.podName !== undefined) record.podName = a.podName
  if (a.podUid !== undefined) record.podUid = a.podUid
  return record
}

export interface AuditWriterOptions {
  /** Also stream each committed event as one JSON line (e.g. to stdout). */
  stream?: (line: string) => void
}

/**
 * Durable audit with group commit: one batch is being committed at a time, and the events
 * recorded meanwhile wait and go together in the next one (so under load a commit carries many
 * records, and when idle a record is committed in the next turn of the event loop). Each
 * `record` resolves only after its commit. A failed commit rejects every waiter of its batch
 * (fail closed: the caller must not answer as if it were recorded).
 */
export function createAuditWriter(sink: AuditSink, options: AuditWriterOptions = {}) {
  let pending: { event: CloudTrailEvent; resolve: () => void; reject: (err: unknown) => void }[] =
    []
  let scheduled = false
  let committing = false

  const flush = async () => {
    scheduled = false
    if (committing || pending.length === 0) return
    const batch = pending
    pending = []
    committing = true
    let records: AuditRecord[] | undefined
    let failure: unknown
    try {
      records = batch.map((p) => toAuditRecord(p.event))
      await sink.append(records)
    } catch (err) {
      failure = err
    }
    committing = false
    if (pending.length > 0) schedule()
    batch.forEach((p, i) => {
      if (failure !== undefined || records === undefined) p.reject(failure)
      else {
        options.stream?.((records[i] as AuditRecord).record)
        p.resolve()
      }
    })
  }

  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(() => void flush())
  }

  return {
    /** Records `event` durably; resolves after its commit. */
    record(event: CloudTrailEvent): Promise<void> {
      return new Promise((resolve, reject) => {
        pending.push({ event, resolve, reject })
        schedule()
      })
    },
    /** Records `event` inside a transaction the caller already holds (with the effect it records). */
    async recordIn(tx: StoreTx, event: CloudTrailEvent): Promise<void> {
      await tx.audit.insertMany([toAuditRecord(event)])
    },
    /** Streams an event committed through {@link recordIn}. */
    committed(event: CloudTrailEvent): void {
      options.stream?.(eventJson(event))
    },
  }
}

export type AuditWriter = ReturnType<typeof createAuditWriter>
