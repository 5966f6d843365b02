import type { AuditRecord } from '../ports.js'

/**
 * The audit journal's line format. One record per line: a JSON array of the columns the trail is
 * queried by, a tab, the CloudTrail record's JSON as it will be stored, a newline. JSON escapes
 * tabs and newlines inside strings, so neither byte occurs inside a header or a record, and a
 * reader splits without parsing the (large) record.
 */
const NEWLINE = 0x0a
const TAB = 0x09

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

/** The columns of a line's header, in their order (also the audit table's, before `record`). */
export const JOURNAL_COLUMNS = [...REQUIRED, ...OPTIONAL] as const
export type JournalColumn = (typeof JOURNAL_COLUMNS)[number]

/** One line of the journal: its header's columns (an absent one `null`) and its record's bytes. */
export interface JournalEntry {
  readonly columns: readonly (string | null)[]
  /** The CloudTrail record's JSON, UTF-8, as written (a view into the bytes read). */
  readonly record: Buffer
}

/**
 * The header of `record`: its columns in {@link JOURNAL_COLUMNS} order, an absent one `null`.
 * Read by name, not by looping over the column names: a property read with a key that varies is
 * megamorphic, and this runs for every record on the request thread.
 */
export function journalColumns(r: AuditRecord): (string | null)[] {
  return [
    r.eventId,
    r.eventTime,
    r.eventSource,
    r.eventName,
    r.requestId,
    r.principal ?? null,
    r.errorCode ?? null,
    r.accessKeyId ?? null,
    r.jti ?? null,
    r.cluster ?? null,
    r.namespace ?? null,
    r.serviceAccount ?? null,
    r.podName ?? null,
    r.podUid ?? null,
  ]
}

/** The line of `record`, newline included. */
export function encodeJournalLine(r: AuditRecord): string {
  return `${JSON.stringify(journalColumns(r))}\t${r.record}\n`
}

/** The header columns of `text`, or undefined when it is not a header. */
function decodeHeader(text: string): (string | null)[] | undefined {
  let header: unknown
  try {
    header = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(header) || header.length !== JOURNAL_COLUMNS.length) return undefined
  const columns = header as unknown[]
  for (let i = 0; i < columns.length; i++) {
    const v = columns[i]
    if (typeof v !== 'string' && (v !== null || i < REQUIRED.length)) return undefined
  }
  return columns as (string | null)[]
}

/**
 * The audit record of the CloudTrail JSON `record` and the value of each column (`columnValue`,
 * by key and by its place in {@link JOURNAL_COLUMNS}); a null or absent value stays absent.
 */
export function auditRecordOf(
  record: string,
  columnValue: (key: JournalColumn, i: number) => unknown,
): AuditRecord {
  const out = { record } as AuditRecord
  JOURNAL_COLUMNS.forEach((key, i) => {
    const v = columnValue(key, i)
    if (v !== null && v !== undefined) out[key] = v as string
  })
  return out
}

/** The record an entry holds (its bytes decoded), as the trail's readers take it. */
export function entryRecord(entry: JournalEntry): AuditRecord {
  return auditRecordOf(entry.record.toString('utf8'), (_, i) => entry.columns[i])
}

/**
 * The complete lines at the start of `bytes`: their entries, and how many bytes they span (up to
 * and including the last newline). Bytes after the last newline are an unfinished line and are
 * left for later; a complete line that does not decode is skipped and counted. Only the headers
 * are decoded: a record stays bytes (a view of `bytes`), for the indexer to store as they are.
 */
export function decodeJournalChunk(bytes: Buffer): {
  entries: JournalEntry[]
  consumed: number
  skipped: number
} {
  const entries: JournalEntry[] = []
  let skipped = 0
  let start = 0
  // The first tab at or after `start` (bytes.length: none), found once for all the lines
  // before it, so lines without one do not make the search quadratic.
  let tab = -1
  // JSON escapes tabs and newlines inside strings, and neither byte occurs inside a multi-byte
  // UTF-8 sequence: both split the bytes without decoding them.
  for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
    if (tab < start) {
      tab = bytes.indexOf(TAB, start)
      if (tab < 0) tab = bytes.length
    }
    const columns = tab < end ? decodeHeader(bytes.toString('utf8', start, tab)) : undefined
    if (columns) entries.push({ columns, record: bytes.subarray(tab + 1, end) })
    else skipped++
    start = end + 1
  }
  return { entries, consumed: start, skipped }
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
