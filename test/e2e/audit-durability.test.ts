import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CREDENTIALS_FILE,
  DATABASE_FILE,
  ENDPOINT_FILE,
  type EndpointInfo,
  listAuditJournals,
  readJsonFile,
} from '../../src/bootstrap/data-dir.js'
import { createIssuerService } from '../../src/issuer/issuer-service.js'
import { queryAuditTrail } from '../../src/store/audit-journal/tail.js'
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { lanyardUp } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

/**
 * Issue 4: an AssumeRoleWithWebIdentity answer means its audit record is durable, so it survives
 * `kill -9` of the server. A real `lanyard up` process answers a burst of exchanges, is killed
 * with SIGKILL (no drain, no close), and the audit trail as `lanyard audit` reads it (the SQLite
 * table and the journal the server writes before each answer) must hold one record for every
 * request id the server answered. Started again, the server copies the journal into SQLite: then
 * the table alone holds each of them exactly once.
 */

const ISSUER_BASE = 'https://oidc.lanyard.test'
const NAMESPACE = 'ns'
const SERVICE_ACCOUNT = 'app'

/** The tutorial's IRSA set-up (test/e2e/irsa-setup.ts) against the child server; the role's ARN. */
async function irsaRole(endpoint: EndpointInfo, dataDir: string): Promise<string> {
  const credentials = JSON.parse(readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8')) as {
    accessKeyId: string
    secretAccessKey: string
  }
  const sdk = {
    endpoint: endpoint.url,
    region: endpoint.region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
    },
  }
  const { roleArn } = await setUpIrsa(
    { sdk },
    { cluster: 'durable', roleName: 'durable-app', subject: `${NAMESPACE}:${SERVICE_ACCOUNT}` },
  )
  return roleArn
}

/**
 * `count` distinct tokens of the cluster, minted in this process over a second connection to the
 * server's database (`lanyard token create` would start one process per token).
 */
async function mintTokens(
  endpoint: EndpointInfo,
  dataDir: string,
  count: number,
): Promise<string[]> {
  const store = openSqliteStore(join(dataDir, DATABASE_FILE))
  try {
    const issuers = createIssuerService({
      store,
      issuerBaseUrl: () => endpoint.issuerBaseUrl,
      now: () => Date.now(),
    })
    const tokens: string[] = []
    for (let i = 0; i < count; i += 20) {
      const minted = await Promise.all(
        Array.from({ length: Math.min(20, count - i) }, (_, k) =>
          issuers.mintToken({
            clusterName: 'durable',
            namespace: NAMESPACE,
            serviceAccount: SERVICE_ACCOUNT,
            podName: `pod-${i + k}`,
            podUid: randomUUID(),
          }),
        ),
      )
      for (const m of minted) tokens.push(m.token)
    }
    return tokens
  } finally {
    await store.close()
  }
}

interface Answer {
  status: number
  requestId: string
  /** The AWS error code of a refusal (never the body: a 200's body holds credentials). */
  errorCode?: string
}

/** One AssumeRoleWithWebIdentity as a plain form POST; resolves once the whole answer is read. */
async function exchange(url: string, roleArn: string, token: string, i: number): Promise<Answer> {
  const res = await fetch(`${url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: `durable-${i}`,
      WebIdentityToken: token,
    }).toString(),
  })
  const body = await res.text()
  const answer: Answer = {
    status: res.status,
    requestId: res.headers.get('x-amzn-RequestId') ?? '',
  }
  if (res.status !== 200) answer.errorCode = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '?'
  else if (!body.includes('<AssumeRoleWithWebIdentityResult>')) answer.errorCode = 'no result'
  return answer
}

/**
 * Every token exchanged once, `inFlight` at a time (each lane sends its next when its answer is
 * in); `afterLast` runs the moment the last answer has been read.
 */
async function exchangeAll(
  url: string,
  roleArn: string,
  tokens: readonly string[],
  inFlight: number,
  afterLast?: () => void,
): Promise<Answer[]> {
  const answers: Answer[] = []
  let next = 0
  const lane = async () => {
    while (next < tokens.length) {
      const i = next++
      answers.push(await exchange(url, roleArn, tokens[i] as string, i))
      if (answers.length === tokens.length) afterLast?.()
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  return answers
}

type Row = { requestId: string; errorCode: string | null }

/** The exchanges in the audit trail (request id, error code), as `lanyard audit` reads it. */
async function auditTrail(dataDir: string): Promise<{ rows: Row[]; integrity: unknown }> {
  // The first connection after the crash rebuilds the WAL index and reads the WAL.
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  const integrity = db.pragma('integrity_check', { simple: true })
  db.close()
  const store = openSqliteStore(join(dataDir, DATABASE_FILE))
  try {
    const records = await queryAuditTrail(store.audit, listAuditJournals(dataDir), {
      eventName: 'AssumeRoleWithWebIdentity',
      limit: 100_000,
    })
    return {
      rows: records.map((r) => ({ requestId: r.requestId, errorCode: r.errorCode ?? null })),
      integrity,
    }
  } finally {
    await store.close()
  }
}

/** The exchanges' rows in SQLite's audit table alone. */
function indexedRows(dataDir: string): Row[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  try {
    return db
      .prepare(
        `SELECT request_id AS requestId, error_code AS errorCode FROM audit_events
         WHERE event_name = 'AssumeRoleWithWebIdentity'`,
      )
      .all() as Row[]
  } finally {
    db.close()
  }
}

/** Starts `lanyard up` again on `dataDir` and stops it (SIGTERM): it indexes what the dead one left. */
async function restartAndStop(dataDir: string): Promise<void> {
  const again = await lanyardUp(dataDir, '--issuer-base-url', ISSUER_BASE)
  again.child.kill('SIGTERM')
  const { code } = await again.exited
  expect(code).toBe(0)
}

/** Answered request ids with no audit row, or with more than one. */
function unaccounted(answered: readonly string[], rows: readonly { requestId: string }[]) {
  const count = new Map<string, number>()
  for (const r of rows) count.set(r.requestId, (count.get(r.requestId) ?? 0) + 1)
  return answered
    .filter((id) => count.get(id) !== 1)
    .map((id) => ({ requestId: id, rows: count.get(id) ?? 0 }))
}

describe('audit durability across kill -9 of lanyard up', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => {
    for (const c of cleanups.splice(0)) c()
  })

  /** A running `lanyard up` with IRSA set up and `count` tokens; killed and removed after the test. */
  const prepare = async (count: number, ...flags: string[]) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-durable-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const up = await lanyardUp(dataDir, '--issuer-base-url', ISSUER_BASE, ...flags)
    cleanups.unshift(() => {
      if (up.child.exitCode === null && up.child.signalCode === null) up.child.kill('SIGKILL')
    })
    const endpoint = readJsonFile<EndpointInfo>(join(dataDir, ENDPOINT_FILE))
    expect(endpoint?.url).toBe(up.url)
    const roleArn = await irsaRole(endpoint as EndpointInfo, dataDir)
    const tokens = await mintTokens(endpoint as EndpointInfo, dataDir, count)
    expect(new Set(tokens).size).toBe(count)
    return { dataDir, up, roleArn, tokens }
  }

  it('every answered exchange is in the audit log after SIGKILL right after the last answer', async () => {
    const N = 300
    const IN_FLIGHT = 25
    const { dataDir, up, roleArn, tokens } = await prepare(N)

    const started = Date.now()
    // No graceful shutdown: the process dies the moment the last answer has been read.
    const answers = await exchangeAll(up.url, roleArn, tokens, IN_FLIGHT, () =>
      up.child.kill('SIGKILL'),
    )
    const { signal } = await up.exited
    expect(signal).toBe('SIGKILL')

    const refused = answers.filter((a) => a.status !== 200 || a.errorCode !== undefined)
    expect(refused.map((a) => `${a.status} ${a.errorCode}`)).toEqual([])
    const ids = answers.map((a) => a.requestId)
    expect(ids.every((id) => id.length > 0)).toBe(true)
    expect(new Set(ids).size).toBe(N)

    const { rows, integrity } = await auditTrail(dataDir)
    expect(unaccounted(ids, rows)).toEqual([])
    expect(rows).toHaveLength(N)
    expect(rows.filter((r) => r.errorCode !== null)).toEqual([])
    expect(integrity).toBe('ok')
    await restartAndStop(dataDir)
    const indexed = indexedRows(dataDir)
    expect(unaccounted(ids, indexed)).toEqual([])
    expect(indexed).toHaveLength(N)
    console.log(`${N} exchanges answered in ${Date.now() - started} ms, all audited`)
  }, 120_000)

  it('SIGKILL with exchanges in flight: every answered one is audited, the database is sound', async () => {
    const N = 200
    const KILL_AFTER = 100
    const { dataDir, up, roleArn, tokens } = await prepare(N)

    const answered: string[] = []
    const early: Answer[] = []
    // All of them at once: when the 100th answer arrives, up to 100 are still in the server. A
    // busy server is where an answer sent before its commit shows: the commit lags the most.
    const settled = await Promise.allSettled(
      tokens.map(async (token, i) => {
        const a = await exchange(up.url, roleArn, token, i)
        if (a.status === 200 && a.errorCode === undefined) answered.push(a.requestId)
        if (early.length < KILL_AFTER) {
          early.push(a)
          if (early.length === KILL_AFTER) up.child.kill('SIGKILL')
        }
        return a
      }),
    )
    const { signal } = await up.exited
    expect(signal).toBe('SIGKILL')

    expect(early.filter((a) => a.status !== 200 || a.errorCode !== undefined)).toEqual([])
    // At the kill 100 exchanges had no answer yet; the server may still have sent some of them
    // (those count as answered), so how many fail is left open.
    const cutOff = settled.filter((s) => s.status === 'rejected').length
    expect(answered.length + cutOff).toBe(N)
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER)

    const { rows, integrity } = await auditTrail(dataDir)
    expect(integrity).toBe('ok')
    expect(unaccounted(answered, rows)).toEqual([])
    expect(rows.length).toBeGreaterThanOrEqual(answered.length)
    expect(rows.length).toBeLessThanOrEqual(N)
    expect(new Set(rows.map((r) => r.requestId)).size).toBe(rows.length)
    await restartAndStop(dataDir)
    expect(
      indexedRows(dataDir)
        .map((r) => r.requestId)
        .sort(),
    ).toEqual(rows.map((r) => r.requestId).sort())
    console.log(
      `killed after ${KILL_AFTER} answers: ${answered.length} of ${N} answered, ${cutOff} cut off, ${rows.length} audit rows`,
    )
  }, 120_000)

  it('two worker processes: kill -9 of one stops the server; every answered exchange is audited, and a one-process start copies both journals', async () => {
    const N = 200
    const IN_FLIGHT = 20
    const { dataDir, up, roleArn, tokens } = await prepare(N, '--workers', '2')

    const answers = await exchangeAll(up.url, roleArn, tokens, IN_FLIGHT)
    expect(answers.filter((a) => a.status !== 200 || a.errorCode !== undefined)).toEqual([])
    const ids = answers.map((a) => a.requestId)
    // Both processes answered: each journal holds records.
    const journals = listAuditJournals(dataDir)
    expect(journals.map((j) => j.journal)).toEqual([1, 2])
    for (const j of journals)
      expect(
        readdirSync(j.dir)
          .filter((f) => f.endsWith('.journal'))
          .reduce((n, f) => n + statSync(join(j.dir, f)).size, 0),
        `journal ${j.journal}`,
      ).toBeGreaterThan(0)

    // The second process dies without a drain; the server goes down with it.
    const second = Number(readFileSync(join(dataDir, 'audit-journal-2', 'writer.lock'), 'utf8'))
    process.kill(second, 'SIGKILL')
    expect((await up.exited).code).toBe(1)

    const { rows, integrity } = await auditTrail(dataDir)
    expect(integrity).toBe('ok')
    expect(unaccounted(ids, rows)).toEqual([])
    expect(rows).toHaveLength(N)
    // Started again with one process: it copies the second process's journal, then deletes it.
    await restartAndStop(dataDir)
    expect(listAuditJournals(dataDir).map((j) => j.journal)).toEqual([1])
    const indexed = indexedRows(dataDir)
    expect(unaccounted(ids, indexed)).toEqual([])
    expect(indexed).toHaveLength(N)
  }, 120_000)
})
