import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSessionSealer } from '../src/credentials/session.js'
import { isoSeconds } from '../src/iso-time.js'
import { type AuditJournal, openAuditJournal } from '../src/store/audit-journal/journal.js'
import type { AuditRecord } from '../src/store/ports.js'
import {
  type SqliteAuditIndexer,
  startSqliteAuditIndexer,
} from '../src/store/sqlite/audit-indexer.js'
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { timeOrderedUuid } from '../src/time-ordered-id.js'
import { median } from './measure.js'

/**
 * `npm run bench:audit-index`: what the audit indexer (the real thread, `startSqliteAuditIndexer`
 * over a journal written by `openAuditJournal`) spends copying an exchange's record as the audit
 * table grows, with the keys Lanyard mints against random ones, in one run:
 *
 * - `ordered`: what the server writes now: the session's access key id from the session sealer
 *   (its first characters are the issue second) and a UUIDv7 jti (a token of Lanyard's issuers);
 * - `random`: a random access key id (as Lanyard minted them before) and a random UUIDv4 jti (as
 *   kube-apiserver mints them).
 *
 * Request and event ids are UUIDv7 in both, as the server makes them. The records are
 * exchange-shaped (2 KB), on a clock that moves 1 s per BENCH_RATE records (default 8,000, the
 * exchange rate of `bench:sts`). The two tables grow side by side: BENCH_SLICES slices (default 4)
 * of BENCH_SLICE records (default 250,000) each, written to each journal, then copied with the
 * process's CPU time (all threads: the indexer's) taken over the copy, the two modes alternating.
 * Needs about 2.5 KB of disk per record (journal, then table), removed at the end.
 */

const SLICES = Number(process.env.BENCH_SLICES ?? 4)
const SLICE = Number(process.env.BENCH_SLICE ?? 250_000)
const RATE = Number(process.env.BENCH_RATE ?? 8_000)
const APPEND_BATCH = 500
const ACCOUNT = '587585772929'
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.lanyard.bench/id/D18DA9E3991094C75B4602E429E7979E`
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

type Mode = 'ordered' | 'random'

const sealer = createSessionSealer({ current: { id: '0a0b0c0d', key: Buffer.alloc(32, 7) } })

function randomAccessKeyId(): string {
  let id = 'ASIA'
  for (let i = 0; i < 16; i++) id += BASE32[Math.floor(Math.random() * 32)]
  return id
}

/** An exchange's record as the server writes it, for a token of pod `i` at `now`. */
function exchangeRecord(mode: Mode, i: number, now: number): AuditRecord {
  const issuedAt = Math.floor(now / 1000)
  const accessKeyId =
    mode === 'ordered'
      ? sealer.mint({
          roleArn: `arn:aws:iam::${ACCOUNT}:role/bench-irsa-role`,
          roleId: 'AROANPSBYPCHRIJQ6QFL5',
          roleName: 'bench-irsa-role',
          sessionName: `bench-${i}`,
          issuedAt,
          expiresAt: issuedAt + 3600,
          via: 'AssumeRoleWithWebIdentity',
        }).session.accessKeyId
      : randomAccessKeyId()
  const jti = mode === 'ordered' ? timeOrderedUuid(now) : randomUUID()
  const requestId = timeOrderedUuid(now)
  const eventId = timeOrderedUuid(now)
  const eventTime = isoSeconds(now)
  const joinKeys = {
    jti,
    cluster: 'bench-cluster',
    namespace: 'bench',
    serviceAccount: 'bench-sa',
    podName: `bench-pod-${i % 4000}`,
    podUid: randomUUID(),
  }
  const record = JSON.stringify({
    eventVersion: '1.08',
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: `${PROVIDER}:sts.amazonaws.com:system:serviceaccount:bench:bench-sa`,
      userName: 'system:serviceaccount:bench:bench-sa',
      identityProvider: PROVIDER,
    },
    eventTime,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: 'node',
    requestParameters: {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/bench-irsa-role`,
      roleSessionName: `bench-${i}`,
    },
    responseElements: {
      credentials: { accessKeyId, sessionToken: '', expiration: isoSeconds(now + 3_600_000) },
      subjectFromWebIdentityToken: 'system:serviceaccount:bench:bench-sa',
      assumedRoleUser: {
        assumedRoleId: `AROANPSBYPCHRIJQ6QFL5:bench-${i}`,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/bench-irsa-role/bench-${i}`,
      },
      provider: PROVIDER,
      audience: 'sts.amazonaws.com',
    },
    additionalEventData: { identityProviderConnectionVerificationMethod: 'IAMTrustStore' },
    requestID: requestId,
    eventID: eventId,
    readOnly: true,
    resources: [
      {
        accountId: ACCOUNT,
        type: 'AWS::IAM::Role',
        ARN: `arn:aws:iam::${ACCOUNT}:role/bench-irsa-role`,
      },
    ],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    lanyard: {
      decision: {
        decision: 'allowed',
        reason: 'resourceAllow',
        matchedStatements: [{ policy: 'trust', index: 0, effect: 'Allow' }],
      },
      attribution: { ...joinKeys, sessionAccessKeyId: accessKeyId },
    },
  })
  return {
    eventId,
    eventTime,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    requestId,
    principal: PROVIDER,
    accessKeyId,
    ...joinKeys,
    record,
  }
}

interface Table {
  mode: Mode
  journal: AuditJournal
  indexer: SqliteAuditIndexer
  close(): Promise<void>
  written: number
  /** µs of CPU per record copied, per slice. */
  perRecord: number[]
}

function openTable(root: string, mode: Mode): Table {
  const dir = join(root, mode)
  const path = join(dir, 'lanyard.db')
  mkdirSync(dir, { recursive: true })
  const store = openSqliteStore(path) // creates the schema, as the server does
  const journal = openAuditJournal(join(dir, 'audit-journal'))
  // The indexer looks rarely: each slice is copied by `flush`, inside the measured window.
  const indexer = startSqliteAuditIndexer(path, [{ journal: 1, dir: join(dir, 'audit-journal') }], {
    indexIntervalMs: 3_600_000,
    maxBacklogBytes: 2 ** 40,
    hardBacklogBytes: 2 ** 41,
  })
  return {
    mode,
    journal,
    indexer,
    written: 0,
    perRecord: [],
    async close() {
      journal.close()
      await indexer.close()
      await store.close()
    },
  }
}

/** Appends the next slice of records (not measured), as the server does: a batch per write. */
function writeSlice(t: Table, start: number): void {
  for (let i = 0; i < SLICE; i += APPEND_BATCH) {
    const batch: AuditRecord[] = []
    for (let k = i; k < Math.min(SLICE, i + APPEND_BATCH); k++) {
      const n = t.written + k
      batch.push(exchangeRecord(t.mode, n, start + (n * 1000) / RATE))
    }
    t.journal.append(batch)
  }
  t.written += SLICE
}

/** Copies what the journal holds, and returns the process's CPU µs per record it took. */
async function copySlice(t: Table): Promise<number> {
  const before = process.cpuUsage()
  await t.indexer.flush()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / SLICE
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'lanyard-audit-index-bench-'))
  console.log(
    `audit-index-bench: node ${process.version}; ${SLICES} slices of ${SLICE.toLocaleString('en-US')} exchange records per table, clock at ${RATE.toLocaleString('en-US')} records/s; CPU of the indexer's copy per record`,
  )
  const tables = [openTable(root, 'random'), openTable(root, 'ordered')]
  try {
    // Both indexer threads up and idle before anything is measured.
    for (const t of tables) await t.indexer.flush()
    const start = Date.now()
    for (let s = 0; s < SLICES; s++) {
      // Alternate which table goes first, so a phase of the host does not favour one of them.
      const order = s % 2 === 0 ? tables : [...tables].reverse()
      for (const t of order) writeSlice(t, start)
      for (const t of order) t.perRecord.push(await copySlice(t))
      const [random, ordered] = tables as [Table, Table]
      const r = random.perRecord[s] as number
      const o = ordered.perRecord[s] as number
      console.log(
        `audit-index-bench: rows ${(s * SLICE).toLocaleString('en-US')}..${((s + 1) * SLICE).toLocaleString('en-US')}: random ${r.toFixed(1)} us, ordered ${o.toFixed(1)} us per record (random / ordered ${(r / o).toFixed(2)}x)`,
      )
    }
    const [random, ordered] = tables as [Table, Table]
    const r = random.perRecord.at(-1) as number
    const o = ordered.perRecord.at(-1) as number
    console.log(
      `audit-index-bench: median over the slices: random ${median(random.perRecord).toFixed(1)} us, ordered ${median(ordered.perRecord).toFixed(1)} us`,
    )
    console.log(
      `audit-index-bench: rows=${SLICES * SLICE} random_us=${r.toFixed(1)} ordered_us=${o.toFixed(1)} ratio=${(r / o).toFixed(2)}`,
    )
  } finally {
    for (const t of tables) await t.close()
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
