import { randomBytes } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import { describe, expect, it } from 'vitest'
import { NodeSha256 } from '../../test/smithy-sha256.js'
import { createSessionSealer, type Session } from '../credentials/session.js'
import { LanyardError } from '../errors.js'
import { parseSigV4Auth, type SigV4Request } from '../sigv4/index.js'
import { createAuthenticator } from './authenticate.js'

const ACCOUNT = '111122223333'
const ROOT = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}
/** The session's issue time and, 15 minutes later, its expiry (epoch seconds). */
const ISSUED = Date.UTC(2026, 11, 6, 12, 0, 0) / 1000
const EXPIRES = ISSUED + 900

const sealer = createSessionSealer({ current: { id: '0a0b0c0d', key: randomBytes(32) } })
const sessionOf = (sessionName: string) =>
  sealer.mint({
    roleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
    roleId: 'AROAEXAMPLEROLEID0001',
    roleName: 'app',
    sessionName,
    issuedAt: ISSUED,
    expiresAt: EXPIRES,
    via: 'AssumeRoleWithWebIdentity',
  } satisfies Omit<Session, 'accessKeyId' | 'secretAccessKey'>)
const mine = sessionOf('pod-1')
const other = sessionOf('pod-2')

interface Keys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** A DescribeCluster GET signed by `@smithy/signature-v4` at `at` (header auth, or presigned). */
async function signed(keys: Keys, at: number, presignFor?: number): Promise<SigV4Request> {
  const signer = new SignatureV4({
    credentials: keys,
    region: 'us-east-1',
    service: 'eks',
    sha256: NodeSha256,
  })
  const unsigned = {
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: '/clusters/dev',
    query: {},
    headers: { host: '127.0.0.1:4566' },
  }
  const signingDate = new Date(at)
  const r =
    presignFor === undefined
      ? await signer.sign(unsigned, { signingDate })
      : await signer.presign(unsigned, { signingDate, expiresIn: presignFor })
  return {
    method: r.method,
    path: r.path,
    query: Object.entries(r.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&'),
    headers: Object.entries(r.headers as Record<string, string>),
    body: new Uint8Array(0),
  }
}

/** What the authenticator made of `request` at `now`: the caller, or the error's code and text. */
async function outcome(request: SigV4Request, now: number) {
  const authenticate = createAuthenticator({
    accountId: ACCOUNT,
    root: ROOT,
    sessions: sealer,
    now: () => now,
  })
  const auth = parseSigV4Auth(request)
  if (!auth) throw new Error('the request carries no SigV4 authentication')
  try {
    const caller = await authenticate(request, auth)
    return { caller }
  } catch (err) {
    if (!(err instanceof LanyardError)) throw err
    return { code: err.code, message: err.message }
  }
}

const issued = ISSUED * 1000
const expired = EXPIRES * 1000
const INVALID = 'The security token included in the request is invalid.'
const EXPIRED = 'The security token included in the request is expired'

describe('createAuthenticator', () => {
  const refused: {
    name: string
    request: () => Promise<SigV4Request>
    now: number
    code: string
    message?: string
  }[] = [
    {
      name: 'an access key nobody holds',
      request: () => signed({ ...ROOT, accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }, issued),
      now: issued,
      code: 'credentials.unknown_key',
      message: INVALID,
    },
    {
      name: 'the root key with a session token (SIG-10: long-term keys carry none)',
      request: () => signed({ ...ROOT, sessionToken: mine.sessionToken }, issued),
      now: issued,
      code: 'credentials.unknown_key',
      message: INVALID,
    },
    {
      name: 'session credentials without their session token (SIG-10)',
      request: () =>
        signed(
          {
            accessKeyId: mine.session.accessKeyId,
            secretAccessKey: mine.session.secretAccessKey,
          },
          issued,
        ),
      now: issued,
      code: 'credentials.unknown_key',
      message: INVALID,
    },
    {
      name: "another session's token with this session's key (the token must match the key)",
      request: () =>
        signed(
          {
            accessKeyId: mine.session.accessKeyId,
            secretAccessKey: mine.session.secretAccessKey,
            sessionToken: other.sessionToken,
          },
          issued,
        ),
      now: issued,
      code: 'credentials.unknown_key',
      message: INVALID,
    },
    {
      name: 'the right token signed with another secret',
      request: () =>
        signed(
          {
            accessKeyId: mine.session.accessKeyId,
            secretAccessKey: other.session.secretAccessKey,
            sessionToken: mine.sessionToken,
          },
          issued,
        ),
      now: issued,
      code: 'signature.mismatch',
    },
    {
      name: 'session credentials once the session has expired (SIG-18)',
      request: () => signed({ ...mine.session, sessionToken: mine.sessionToken }, expired),
      now: expired,
      code: 'credentials.expired',
      message: EXPIRED,
    },
    {
      name: 'session credentials signed before the expiry, received after it',
      request: () => signed({ ...mine.session, sessionToken: mine.sessionToken }, expired - 5000),
      now: expired + 1000,
      code: 'credentials.expired',
      message: EXPIRED,
    },
    {
      name: 'a presigned URL still within X-Amz-Expires whose session has expired (SIG-09)',
      request: () =>
        signed({ ...mine.session, sessionToken: mine.sessionToken }, expired - 60_000, 3600),
      now: expired + 60_000,
      code: 'credentials.expired',
      message: EXPIRED,
    },
  ]
  it.each(refused)('refuses $name', async (c) => {
    const got = await outcome(await c.request(), c.now)
    expect(got.code).toBe(c.code)
    if (c.message !== undefined) expect(got.message).toBe(c.message)
    expect(got.message).not.toContain(mine.sessionToken)
    expect(got.message).not.toContain(mine.session.secretAccessKey)
  })

  it('takes the root key as the account root', async () => {
    const { caller } = await outcome(await signed(ROOT, issued), issued)
    expect(caller).toEqual({
      kind: 'root',
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
      userId: ACCOUNT,
      accessKeyId: ROOT.accessKeyId,
    })
  })

  it('takes session credentials as the assumed role until the last millisecond', async () => {
    const keys = { ...mine.session, sessionToken: mine.sessionToken }
    for (const [at, now] of [
      [issued, issued],
      [expired - 1000, expired - 1],
    ] as const) {
      const { caller, code } = await outcome(await signed(keys, at), now)
      expect(code).toBeUndefined()
      expect(caller).toMatchObject({
        kind: 'assumed-role',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/pod-1`,
        accountId: ACCOUNT,
        userId: 'AROAEXAMPLEROLEID0001:pod-1',
        accessKeyId: mine.session.accessKeyId,
      })
      expect(caller?.session?.expiresAt).toBe(EXPIRES)
    }
  })

  it('takes a presigned URL made with session credentials while the session lasts', async () => {
    const request = await signed({ ...mine.session, sessionToken: mine.sessionToken }, issued, 3600)
    const { caller } = await outcome(request, issued + 60_000)
    expect(caller?.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/app/pod-1`)
  })
})
