import { join } from 'node:path'
import type { CloudTrailEvent } from '../audit/event.js'
import { DATABASE_FILE, listAuditJournals } from '../bootstrap/data-dir.js'
import { LanyardError } from '../errors.js'
import { isoSeconds } from '../iso-time.js'
import { type Decision, explainDecision } from '../policy/index.js'
import { queryAuditTrail } from '../store/audit-journal/tail.js'
import type { AuditQuery, AuditRecord } from '../store/ports.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { configFor } from './context.js'

async function withRecords<T>(
  dataDir: string | undefined,
  fn: (q: (query: AuditQuery) => Promise<AuditRecord[]>) => Promise<T>,
): Promise<T> {
  const config = configFor(dataDir)
  const store = openSqliteStore(join(config.dataDir, DATABASE_FILE))
  try {
    // The records the server's indexers have not copied into the database yet are read from its
    // journals (one per worker process): the trail is complete the moment a request is answered.
    return await fn((query) =>
      queryAuditTrail(store.audit, listAuditJournals(config.dataDir), query),
    )
  } finally {
    await store.close()
  }
}

/** `--since` accepts an ISO instant or a duration back from now: `15m`, `2h`, `7d`. */
export function parseSince(value: string, now: number): string {
  const m = /^(\d+)([smhd])$/.exec(value)
  if (m) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd']
    return isoSeconds(now - Number(m[1]) * unit * 1000)
  }
  const t = Date.parse(value)
  if (Number.isNaN(t))
    throw new LanyardError(
      'config.invalid',
      `\`--since ${value}\` is neither an instant nor a duration like 15m`,
    )
  return isoSeconds(t)
}

export interface AuditOptions {
  dataDir?: string
  since?: string
  event?: string
  principal?: string
  requestId?: string
  /** A token's `jti`: its exchanges and every call made with the sessions they issued. */
  jti?: string
  /** A session's access key id: the exchange that issued it and every call signed with it. */
  accessKeyId?: string
  limit?: number
  output?: 'table' | 'json'
}

/** `lanyard audit`: the trail, newest first, as a table or JSON lines. */
export async function auditLines(o: AuditOptions, now = Date.now()): Promise<string[]> {
  const records = await withRecords(o.dataDir, (q) =>
    q({
      limit: o.limit ?? 100,
      ...(o.since !== undefined ? { since: parseSince(o.since, now) } : {}),
      ...(o.event !== undefined ? { eventName: o.event } : {}),
      ...(o.principal !== undefined ? { principal: o.principal } : {}),
      ...(o.requestId !== undefined ? { requestId: o.requestId } : {}),
      ...(o.jti !== undefined ? { jti: o.jti } : {}),
      ...(o.accessKeyId !== undefined ? { accessKeyId: o.accessKeyId } : {}),
    }),
  )
  if (o.output === 'json') return records.map((r) => r.record)
  return records.map((r) => {
    const who = [r.namespace, r.serviceAccount, r.podName].filter((v) => v !== undefined).join('/')
    return [
      r.eventTime,
      r.eventName.padEnd(26),
      (r.errorCode ?? 'ok').padEnd(22),
      r.requestId,
      r.principal ?? '-',
      who,
    ].join('  ')
  })
}

/** `lanyard explain <request-id>`: in plain words, why that request was allowed or denied. */
export async function explainRequest(requestId: string, dataDir?: string): Promise<string[]> {
  const records = await withRecords(dataDir, (q) => q({ requestId, limit: 10 }))
  if (records.length === 0)
    throw new LanyardError('entity.not_found', `no audit record for request \`${requestId}\``)
  const lines: string[] = []
  for (const r of records.reverse()) {
    const e = JSON.parse(r.record) as CloudTrailEvent
    const who = e.userIdentity.arn ?? e.userIdentity.principalId ?? e.userIdentity.type
    lines.push(`${e.eventTime} ${e.eventSource} ${e.eventName} by ${who}`)
    lines.push(e.errorCode ? `refused: ${e.errorCode}: ${e.errorMessage}` : 'allowed')
    const a = e.lanyard?.attribution
    if (a && Object.keys(a).length > 0) {
      lines.push(
        `attribution: ${Object.entries(a)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      )
    }
    const reasons =
      e.lanyard?.reasons ??
      (e.lanyard?.decision ? explainDecision(e.lanyard.decision as Decision) : [])
    for (const reason of reasons) lines.push(`  ${reason}`)
  }
  return lines
}
