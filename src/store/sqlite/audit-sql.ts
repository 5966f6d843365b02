import { JOURNAL_COLUMNS, type JournalColumn, journalColumns } from '../audit-journal/format.js'
import type { AuditRecord } from '../ports.js'

/** The audit table's column of each journal header column. */
export const AUDIT_COLUMN: Record<JournalColumn, string> = {
  eventId: 'event_id',
  eventTime: 'event_time',
  eventSource: 'event_source',
  eventName: 'event_name',
  requestId: 'request_id',
  principal: 'principal',
  errorCode: 'error_code',
  accessKeyId: 'access_key_id',
  jti: 'jti',
  cluster: 'cluster',
  namespace: 'namespace',
  serviceAccount: 'service_account',
  podName: 'pod_name',
  podUid: 'pod_uid',
}

/**
 * The one statement that appends an audit record. Its parameters are positional: a journal
 * header's columns in their order, then the record, as text or as its UTF-8 bytes (the indexer
 * binds the bytes it read; SQLite stores them as text, without decoding them into a string and
 * encoding them again).
 */
export const AUDIT_INSERT_SQL = `INSERT INTO audit_events (${JOURNAL_COLUMNS.map((k) => AUDIT_COLUMN[k]).join(', ')}, record)
  VALUES (${JOURNAL_COLUMNS.map(() => '?').join(', ')}, CAST(? AS TEXT))`

/** The parameters of {@link AUDIT_INSERT_SQL} for `record`. */
export function auditValues(r: AuditRecord): (string | null)[] {
  const values = journalColumns(r)
  values.push(r.record)
  return values
}
