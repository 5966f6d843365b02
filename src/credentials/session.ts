import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto'
import { remember } from '../bounded-map.js'
import { deepFreeze } from '../deep-freeze.js'
import { LanyardError } from '../errors.js'
import { createRandomPool, type RandomPool } from './random-pool.js'

/** Everything a role session carries, sealed inside its session token. */
export interface Session {
  accessKeyId: string
  secretAccessKey: string
  roleArn: string
  roleId: string
  roleName: string
  sessionName: string
  /** Epoch seconds. */
  issuedAt: number
  /** Epoch seconds. */
  expiresAt: number
  /** Session tags (principal tags of the session), keys as given. */
  tags?: Record<string, string>
  transitiveTagKeys?: string[]
  /** Inline session policy text and managed session policy ARNs. */
  policy?: string
  policyArns?: string[]
  sourceIdentity?: string
  /** How the session was made, for audit and role chaining. */
  via: 'AssumeRoleWithWebIdentity' | 'AssumeRole'
  /** For web-identity sessions: the provider ARN, subject and audience. */
  webIdentity?: { provider: string; subject: string; audience: string }
  /** Join keys from a Kubernetes token (jti, cluster, namespace, service account, pod). */
  attribution?: Record<string, string>
}

export interface SealingKey {
  /** 8 hex characters, written in clear into each token so keys can rotate. */
  id: string
  /** 32 bytes. */
  key: Buffer
}

/** Opened sessions kept (the oldest goes first). */
const OPENED_MAX = 10_000

/** Constant-time equality of two access key ids (UTF-8: one string, one byte sequence). */
function sameKeyId(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

const VERSION = 1
const NONCE = 12
const TAG = 16
/** Bytes of a secret access key: 40 base64 characters. */
const SECRET = 30
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
/** The same 32 characters in ascending ASCII order: digits of a number that sorts as text. */
const SORTED_BASE32 = '234567ABCDEFGHIJKLMNOPQRSTUVWXYZ'
/** Characters of an access key id from the clock (30 bits of seconds), then from the CSPRNG. */
const TIME_CHARS = 6
const RANDOM_CHARS = 10

/**
 * Mints and opens session credentials. The session token is self-contained: AES-256-GCM over
 * the session, with the key id in clear and the access key id as associated data, so any replica
 * holding the key can verify it without a database read.
 */
export function createSessionSealer(
  keys: { current: SealingKey; previous?: SealingKey[] },
  pool: RandomPool = createRandomPool(),
) {
  const byId = new Map<string, Buffer>()
  for (const k of [keys.current, ...(keys.previous ?? [])]) {
    if (k.key.length !== 32 || !/^[0-9a-f]{8}$/.test(k.id)) {
      throw new LanyardError(
        'config.invalid',
        'a session sealing key must be 32 bytes with an 8-hex-digit id',
      )
    }
    byId.set(k.id, k.key)
  }
  /** The version byte and the current key id, in clear at the head of every token. */
  const header = Buffer.concat([Buffer.of(VERSION), Buffer.from(keys.current.id, 'hex')])
  // Sessions already opened (a pod signs many calls with one session): a hit skips the
  // decryption and the JSON parse. Keyed by the access key id the token opened under, holding the
  // token: a hit is the same token, compared as text. (Keyed by the token itself, every call
  // hashed its kilobyte afresh: 2 % of the signed call's CPU in a system-wide profile.) The text
  // comparison is not constant-time, as the map lookup by token it replaces was not: a token is
  // no credential without its secret key, which only its holder has (it is sealed inside). Only a
  // token that opened and authenticated under its access key id is here; expiry is checked by
  // the caller on every use.
  const opened = new Map<string, { token: string; session: Session }>()

  /**
   * `ASIA` and 16 base32 characters: the first 6 are the session's issue second (modulo 2^30,
   * about 34 years) in an alphabet whose characters sort as the values do, the other 10 are 50
   * random bits from `bytes`. Ids minted later sort later (until the wrap), so the audit table's
   * index on the access key id grows at its end instead of taking each new session on a random
   * leaf page (measured in docs/benchmarks.md); 50 bits keep ids of one second apart.
   */
  const accessKeyIdOf = (issuedAt: number, bytes: Buffer): string => {
    let id = 'ASIA'
    let t = Math.max(0, Math.floor(issuedAt)) % 2 ** 30
    let time = ''
    for (let i = 0; i < TIME_CHARS; i++) {
      time = SORTED_BASE32[t & 31] + time
      t = Math.floor(t / 32)
    }
    id += time
    for (let i = 0; i < RANDOM_CHARS; i++) id += BASE32[(bytes[i] as number) & 31]
    return id
  }

  return {
    /** Fills in fresh key material for `session` and seals it. */
    mint(session: Omit<Session, 'accessKeyId' | 'secretAccessKey'>): {
      session: Session
      sessionToken: string
    } {
      // One draw for the access key id's random characters (10), the secret (30) and the nonce (12).
      const random = pool.take(RANDOM_CHARS + SECRET + NONCE)
      // Assigned onto a fresh literal: spreading `session` (built by conditional assignments, so
      // of many shapes) cost more than the JSON and the encryption together. The fresh key
      // material is written last, so nothing the input carries can stand in for it.
      const full: Session = Object.assign({ accessKeyId: '', secretAccessKey: '' }, session)
      full.accessKeyId = accessKeyIdOf(full.issuedAt, random)
      full.secretAccessKey = random.toString('base64', RANDOM_CHARS, RANDOM_CHARS + SECRET)
      const nonce = random.subarray(RANDOM_CHARS + SECRET)
      const cipher = createCipheriv('aes-256-gcm', keys.current.key, nonce)
      cipher.setAAD(Buffer.from(full.accessKeyId, 'latin1'))
      const body = cipher.update(JSON.stringify(full), 'utf8')
      const rest = cipher.final()
      const token = Buffer.concat([header, nonce, body, rest, cipher.getAuthTag()])
      return { session: full, sessionToken: token.toString('base64') }
    },

    /**
     * Opens a session token presented with `accessKeyId`. Any mismatch, tampering or unknown key
     * is the same `credentials.unknown_key` (InvalidClientTokenId), so the answer says nothing
     * about which part was wrong.
     */
    open(sessionToken: string, accessKeyId: string): Session {
      const invalid = () =>
        new LanyardError(
          'credentials.unknown_key',
          'The security token included in the request is invalid.',
        )
      const hit = opened.get(accessKeyId)
      if (hit !== undefined && hit.token === sessionToken) return hit.session
      const raw = Buffer.from(sessionToken, 'base64')
      if (raw.length < 1 + 4 + NONCE + TAG + 2 || raw[0] !== VERSION) throw invalid()
      // Node's base64 decoder skips what is not base64 and reads a character by its low byte:
      // only the token as minted (canonical base64) is the token.
      if (raw.toString('base64') !== sessionToken) throw invalid()
      const key = byId.get(raw.subarray(1, 5).toString('hex'))
      if (!key) throw invalid()
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(5, 5 + NONCE))
      decipher.setAAD(Buffer.from(accessKeyId, 'latin1'))
      decipher.setAuthTag(raw.subarray(raw.length - TAG))
      let session: Session
      try {
        const plain = Buffer.concat([
          decipher.update(raw.subarray(5 + NONCE, raw.length - TAG)),
          decipher.final(),
        ])
        session = JSON.parse(plain.toString('utf8')) as Session
      } catch {
        throw invalid()
      }
      if (!sameKeyId(session.accessKeyId, accessKeyId)) throw invalid()
      deepFreeze(session)
      remember(opened, accessKeyId, { token: sessionToken, session }, OPENED_MAX)
      return session
    },
  }
}

export type SessionSealer = ReturnType<typeof createSessionSealer>
