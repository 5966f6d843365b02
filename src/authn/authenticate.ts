import { timingSafeEqual } from 'node:crypto'
import type { Session, SessionSealer } from '../credentials/session.js'
import { LanyardError } from '../errors.js'
import type { Caller } from '../http/operation.js'
import {
  createSigningKeyCache,
  type SigningKeyCache,
  type SigV4Auth,
  type SigV4Request,
  verifySigV4,
} from '../sigv4/index.js'
import { weakMemo } from '../weak-memo.js'

export interface RootCredentials {
  accessKeyId: string
  secretAccessKey: string
}

export interface AuthenticatorDeps {
  accountId: string
  root: RootCredentials
  /** Opens session tokens of temporary (`ASIA…`) credentials. */
  sessions: SessionSealer
  now: () => number
}

export type Authenticate = (request: SigV4Request, auth: SigV4Auth) => Promise<Caller>

const INVALID_KEY = 'The security token included in the request is invalid.'

function sameBytes(a: string, b: Buffer): boolean {
  const x = Buffer.from(a)
  return x.length === b.length && timingSafeEqual(x, b)
}

/**
 * Resolves the signer of a request to a {@link Caller}: looks the access key up, then verifies
 * the signature with its secret. Long-term keys must not carry a session token (SIG-10).
 */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticate {
  const cache: SigningKeyCache = createSigningKeyCache()
  const rootArn = `arn:aws:iam::${deps.accountId}:root`
  const rootKeyId = Buffer.from(deps.root.accessKeyId)
  // A session's caller is the same on every call: opened sessions are the same frozen object call
  // after call, each bound to its access key id (the sealer checks it), so it is built once.
  const sessionCaller = weakMemo(
    (session: Session): Caller =>
      Object.freeze({
        kind: 'assumed-role',
        arn: `arn:aws:sts::${deps.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
        accountId: deps.accountId,
        userId: `${session.roleId}:${session.sessionName}`,
        accessKeyId: session.accessKeyId,
        session,
      } satisfies Caller),
  )
  return async (request, auth) => {
    if (sameBytes(auth.accessKeyId, rootKeyId)) {
      if (auth.securityToken !== undefined)
        throw new LanyardError('credentials.unknown_key', INVALID_KEY)
      verifySigV4(request, auth, deps.root.secretAccessKey, {
        now: deps.now(),
        signingKeyCache: cache,
      })
      return {
        kind: 'root',
        arn: rootArn,
        accountId: deps.accountId,
        userId: deps.accountId,
        accessKeyId: auth.accessKeyId,
      }
    }
    if (auth.accessKeyId.startsWith('ASIA')) {
      // Temporary credentials always come with their session token (SIG-10).
      if (auth.securityToken === undefined)
        throw new LanyardError('credentials.unknown_key', INVALID_KEY)
      const session = deps.sessions.open(auth.securityToken, auth.accessKeyId)
      const now = deps.now()
      verifySigV4(request, auth, session.secretAccessKey, { now, signingKeyCache: cache })
      if (now >= session.expiresAt * 1000) {
        throw new LanyardError(
          'credentials.expired',
          'The security token included in the request is expired',
        )
      }
      return sessionCaller(session)
    }
    throw new LanyardError('credentials.unknown_key', INVALID_KEY)
  }
}
