import type { Caller } from '../../call-context.js'
import type { EksService } from '../../eks/eks-service.js'
import type { IamService } from '../../iam/index.js'
import type { Store } from '../../store/ports.js'
import type {
  CustomResourceRequest,
  CustomResourceResult,
  LambdaHost,
  PerformCall,
} from '../providers/provider.js'

/** Who runs a stack operation: the signed caller of the API call that started it. */
export interface Actor {
  caller: Caller | undefined
  sourceIp: string
  userAgent: string | undefined
  secure: boolean
}

export type Perform = <T>(call: PerformCall, fn: () => Promise<T>) => Promise<T>

/** What the stack engine is built from (composition root: src/stack/wiring.ts). */
export interface EngineDeps {
  store: Store
  accountId: string
  region: string
  /** Epoch milliseconds. */
  now: () => number
  iam: IamService
  eks: EksService
  lambda: LambdaHost
  invokeCustomResource(
    stackId: string,
    perform: Perform,
    request: CustomResourceRequest,
  ): Promise<CustomResourceResult>
  /** Authorizes `call` for the actor (and audits it), then runs `fn`. */
  perform<T>(actor: Actor, call: PerformCall, fn: () => Promise<T>): Promise<T>
  /**
   * The actor a stack operation runs as when the stack has a service role (RoleARN): the caller
   * must be allowed iam:PassRole on it and CloudFormation must be trusted to assume it.
   */
  serviceRoleActor?(roleArn: string, actor: Actor, stackArn: string): Promise<Actor>
  /** Unexpected failures of background work (logged by the host). */
  onError?(err: unknown, what: string): void
  /** Random suffix for generated names (tests make it deterministic). */
  randomSuffix?: () => string
}
