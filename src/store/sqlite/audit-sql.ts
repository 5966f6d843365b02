import type { AuditRecord } from '../ports.js'

/** The one statement that appends an audit record (named parameters: {@link auditRow}). */
export const AUDIT_INSERT_SQL = `INSERT INTO audit_events (event_id, event_time, event_source, event_name, request_id,
  principal, error_code, access_key_id, jti, cluster, namespace, service_account, pod_name, pod_uid, record)
  VALUES (@eventId, @eventTime, @eventSource, @eventName, @requestId, @principal, @errorCode,
  @accessKeyId, @jti, @cluster, @namespace, @serviceAccount, @podName, @podUid, @record)`

/** The named parameters of {@link AUDIT_INSERT_SQL}: every optional column bound, NULL when absent. */
export function auditRow(r: AuditRecord): Record<string, string | null> {
  return {
    eventId: r.eventId,
    eventTime: r.eventTime,
    eventSource: r.eventSource,
    eventName: r.eventName,
    requestId: r.requestId,
    principal: r.principal ?? null,
    errorCode: r.errorCode ?? null,
    accessKeyId: r.accessKeyId ?? null,
    jti: r.jti ?? null,
    cluster: r.cluster ?? null,
    namespace: r.namespace ?? null,
    serviceAccount: r.serviceAccount ?? null,
    podName: r.podName ?? null,
    podUid: r.podUid ?? null,
    record: r.record,
  }
}
