import type { Caller, OperationContext } from '../call-context.js'
import type { QueryInput } from './query-input.js'
import type { XmlObject } from './xml.js'

export type { Caller, OperationContext }

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
