import { randomBytes, randomInt } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import type { SealingKey } from '../credentials/session.js'
import { LanyardError } from '../errors.js'
import type { JournalRef } from '../store/audit-journal/tail.js'
import type { Store } from '../store/ports.js'

/** What the first start of a data dir creates, read back on every later start. */
export interface AccountState {
  accountId: string
  root: { accessKeyId: string; secretAccessKey: string }
  /** 32-byte key for sealing session tokens (AEAD), base64. */
  sessionKey: { id: string; key: string }
}

/** The account's session-sealing key, as the sealer takes it. */
export function sessionSealingKey(account: AccountState): SealingKey {
  return { id: account.sessionKey.id, key: Buffer.from(account.sessionKey.key, 'base64') }
}

export const DATABASE_FILE = 'lanyard.db'
/** The server's audit journal (store/audit-journal): records not yet copied into the database. */
export const AUDIT_JOURNAL_DIR = 'audit-journal'
export const CREDENTIALS_FILE = 'admin-credentials.json'
export const ENDPOINT_FILE = 'endpoint.json'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** `prefix` + upper-case base32 characters from a CSPRNG (AWS's id alphabet). */
export function randomAwsId(prefix: string, length: number): string {
  const bytes = randomBytes(length)
  let out = prefix
  for (let i = 0; i < length; i++) out += BASE32[(bytes[i] as number) & 31]
  return out
}

/**
 * The directory of audit journal `n`: `audit-journal` for journal 1 (a server of one process, and
 * the first worker of several), `audit-journal-<n>` for worker n's.
 */
export function auditJournalDir(dataDir: string, n: number): string {
  return join(dataDir, n === 1 ? AUDIT_JOURNAL_DIR : `${AUDIT_JOURNAL_DIR}-${n}`)
}

/** Every audit journal in the data dir, by number (none before the first server start). */
export function listAuditJournals(dataDir: string): JournalRef[] {
  let names: string[]
  try {
    names = readdirSync(dataDir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const journals: JournalRef[] = []
  for (const name of names) {
    const m = /^audit-journal(?:-([1-9][0-9]{0,5}))?$/.exec(name)
    if (m === null) continue
    const journal = m[1] === undefined ? 1 : Number(m[1])
    if (journal === 1 && m[1] !== undefined) continue // `audit-journal-1` is not a journal's name
    journals.push({ journal, dir: join(dataDir, name) })
  }
  return journals.sort((a, b) => a.journal - b.journal)
}

/** Creates the data directory (0700) if needed. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
}

/** Writes a file readable by its owner only, atomically (temp file + rename). */
export function writeSecretFile(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, content, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
}

/**
 * Reads the account state, or creates it in one transaction on first start: account id
 * (random unless given), root access key, session-sealing key. The admin credentials file is
 * written after the commit, 0600; it is never logged.
 */
export async function initAccount(
  store: Store,
  dataDir: string,
  options: { accountId?: string | undefined },
): Promise<AccountState> {
  const state = await store.transaction(async (tx) => {
    const existing = await tx.meta.get('account')
    if (existing) {
      const parsed = JSON.parse(existing) as AccountState
      if (options.accountId !== undefined && options.accountId !== parsed.accountId) {
        throw new LanyardError(
          'config.invalid',
          `the data dir belongs to account ${parsed.accountId}, not ${options.accountId}`,
        )
      }
      return parsed
    }
    const created: AccountState = {
      accountId:
        options.accountId ??
        String(randomInt(1, 10)) + String(randomInt(0, 1e11)).padStart(11, '0'),
      root: {
        accessKeyId: randomAwsId('AKIA', 16),
        secretAccessKey: randomBytes(30).toString('base64'),
      },
      sessionKey: { id: randomBytes(4).toString('hex'), key: randomBytes(32).toString('base64') },
    }
    await tx.meta.set('account', JSON.stringify(created))
    return created
  })
  const credentialsPath = join(dataDir, CREDENTIALS_FILE)
  if (!existsSync(credentialsPath)) {
    writeSecretFile(
      credentialsPath,
      `${JSON.stringify({ accountId: state.accountId, accessKeyId: state.root.accessKeyId, secretAccessKey: state.root.secretAccessKey }, null, 2)}\n`,
    )
  }
  return state
}

export interface EndpointInfo {
  url: string
  region: string
  issuerBaseUrl: string
  caBundle?: string
}

/** The running server's address, for `lanyard env`. */
export function writeEndpointInfo(dataDir: string, info: EndpointInfo): void {
  writeSecretFile(join(dataDir, ENDPOINT_FILE), `${JSON.stringify(info, null, 2)}\n`)
}

export function readJsonFile<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8')) as T
}
