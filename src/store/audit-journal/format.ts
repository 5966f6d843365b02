import type { AuditRecord } from '../ports.js'

/**
 * The audit journal's line format. One record per line: a JSON array of the columns the trail is
 * queried by, a tab, the CloudTrail record's JSON as it will be stored, a newline. JSON escapes
 * tabs and newlines inside strings, so neither byte occurs inside a header or a record, and a
 * reader splits without parsing the (large) record.
 */
const NEWLINE = 0x0a

/** The header's columns, in their order: the required ones, then those that may be absent. */
const REQUIRED = ['eventId', 'eventTime', 'eventSource', 'eventName', 'requestId'] as const
const OPTIONAL = [
  'principal',
  'errorCode',
  'accessKeyId',
  'jti',
  'cluster',
  'namespace',
  'serviceAccount',
  'podName',
  'podUid',
] as const

/** The line of `record`, newline included (an absent column is `null` in the header). */
export function encodeJournalLine(r: AuditRecord): string {
  const header: (string | null)[] = []
  for (const key of REQUIRED) header.push(r[key])
  for (const key of OPTIONAL) header.push(r[key] ?? null)
  return `${JSON.stringify(header)}\t${r.record}\n`
}

/** The record of one line (without its newline), or undefined when the line is not one. */
export function decodeJournalLine(line: string): AuditRecord | undefined {
  const tab = line.indexOf('\t')
  if (tab < 0) return undefined
  let header: unknown
  try {
    header = JSON.parse(line.slice(0, tab))
  } catch {
    return undefined
  }
  if (!Array.isArray(header) || header.length !== REQUIRED.length + OPTIONAL.length)
    return undefined
  const columns = header as unknown[]
  if (!columns.every((v, i) => typeof v === 'string' || (v === null && i >= REQUIRED.length)))
    return undefined
  const record = { record: line.slice(tab + 1) } as AuditRecord
  REQUIRED.forEach((key, i) => {
    record[key] = columns[i] as string
  })
  OPTIONAL.forEach((key, i) => {
    const v = columns[REQUIRED.length + i]
    if (v !== null) record[key] = v as string
  })
  return record
}

/**
 * The complete lines at the start of `bytes`: their records, and how many bytes they span (up to
 * and including the last newline). Bytes after the last newline are an unfinished line and are
 * left for later; a complete line that does not decode is skipped and counted.
 */
export function decodeJournalChunk(bytes: Buffer): {
  records: AuditRecord[]
  consumed: number
  skipped: number
} {
  const end = bytes.lastIndexOf(NEWLINE)
  if (end < 0) return { records: [], consumed: 0, skipped: 0 }
  const records: AuditRecord[] = []
  let skipped = 0
  // A newline byte never occurs inside a multi-byte UTF-8 sequence: split after decoding.
  for (const line of bytes.toString('utf8', 0, end).split('\n')) {
    const record = decodeJournalLine(line)
    if (record) records.push(record)
    else skipped++
  }
  return { records, consumed: end + 1, skipped }
}

const SEGMENT = /^(\d{12})\.journal$/

/** The file name of segment `n`: zero-padded, so names sort as numbers do. */
export function segmentName(n: number): string {
  return `${String(n).padStart(12, '0')}.journal`
}

/** The segment numbers among `names` (a directory listing), ascending. */
export function segmentNumbers(names: readonly string[]): number[] {
  const out: number[] = []
  for (const name of names) {
    const m = SEGMENT.exec(name)
    if (m) out.push(Number(m[1]))
  }
  return out.sort((a, b) => a - b)
}
