/* Who made a request and where it came from: plain data every service receives from the edge. */
import type { Session } from './credentials/session.js'

/** Who signed the request, once SigV4 verified it. */
export interface Caller {
  kind: 'root' | 'assumed-role'
  /** `arn:aws:iam::<acct>:root` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  arn: string
  accountId: string
  /** `aws:userid`: the account id for root, `<RoleId>:<session>` for a role session. */
  userId: string
  accessKeyId: string
  /** For a role session: everything its sealed token carries. */
  session?: Session
}

/** What every operation handler gets besides its input. */
export interface OperationContext {
  requestId: string
  /** Undefined only for operations AWS leaves unsigned (AssumeRoleWithWebIdentity). */
  caller: Caller | undefined
  sourceIp: string
  userAgent: string | undefined
  /** Epoch milliseconds when the request arrived. */
  now: number
  region: string
  secure: boolean
}
