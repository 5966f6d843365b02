import type { QueryInput } from './query-input.js'
import type { XmlObject } from './xml.js'

/** Who signed the request, once SigV4 verified it. */
export interface Caller {
  kind: 'root' | 'assumed-role'
  /** `arn:aws:iam::<acct>:root` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  arn: string
  accountId: string
  /** `aws:userid`: the account id for root, `<RoleId>:<session>` for a role session. */
  userId: string
  accessKeyId: string
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

/** One awsQuery action (IAM, STS, CloudFormation). */
export interface QueryOperation {
  /** True for the actions AWS serves without a signature. */
  unsigned?: boolean
  /** Reads and validates its input (calling `input.done()`), performs the action, returns the `<Action>Result` body. */
  handle(input: QueryInput, ctx: OperationContext): Promise<XmlObject | undefined>
}

/** An awsQuery service: its SigV4 signing name, XML namespace, API version and actions. */
export interface QueryService {
  signingName: 'iam' | 'sts' | 'cloudformation'
  namespace: string
  version: string
  operations: ReadonlyMap<string, QueryOperation>
}
