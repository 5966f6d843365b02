import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import type { Authorizer } from '../../authz/authorizer.js'
import type { PolicyCache } from '../../authz/policy-cache.js'
import type { SessionSealer } from '../../credentials/session.js'
import type { EksService } from '../../eks/eks-service.js'
import { LanyardError } from '../../errors.js'
import type { IamService } from '../../iam/index.js'
import { invokeCustomResource } from '../../stack/custom/invoke-custom-resource.js'
import {
  createResponseRegistry,
  type DeliveryResult,
} from '../../stack/custom/response-registry.js'
import type { EngineDeps } from '../../stack/engine/deps.js'
import { createStackService } from '../../stack/engine/stack-service.js'
import { createUpdateOperations } from '../../stack/engine/update-service.js'
import {
  createServiceRoleAssumer,
  ROLE_CANNOT_BE_ASSUMED,
} from '../../stack/lambda/assume-service-role.js'
import { createLambdaHost } from '../../stack/lambda/lambda-host.js'
import { createLambdaRunner } from '../../stack/lambda/runner.js'
import type { Store } from '../../store/ports.js'
import { assumedRoleArn } from '../../sts/role-arn.js'
import { timeOrderedUuid } from '../../time-ordered-id.js'
import type { CallGuard } from '../call-guard.js'
import type { QueryOperation, QueryService } from '../operation.js'
import { stackOperations } from './operations.js'
import { createPerform } from './perform.js'
import { createResponseRoute } from './response-route.js'

/** The CloudFormation awsQuery namespace (botocore cloudformation 2010-05-15). */
export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/'

export interface CloudFormationDeps {
  /** The plain store (IAM writes go through `iam`, which audits them). */
  store: Store
  iam: IamService
  eks: EksService
  guard: CallGuard
  authorizer: Authorizer
  policies: PolicyCache
  sealer: SessionSealer
  accountId: string
  region: string
  now: () => number
  /** Lanyard's own URL (known once listening): ResponseURLs and the functions' endpoint. */
  baseUrl: () => string
  caBundle: string | undefined
  logger: Logger
  /**
   * Where a custom resource's response goes when no operation of this process waits for it: the
   * server's other worker processes (the connection that brings it may reach any of them).
   */
  relayResponse?: (token: string, body: string) => Promise<DeliveryResult>
  lambda?: {
    /** Interpreter per runtime family: default `python3` (found on `hostPath`) and this Node.js. */
    interpreters?: { python?: string; nodejs?: string }
    /** Where to look for the interpreters (the functions themselves get a minimal PATH). */
    hostPath?: string
    /** NODE_PATH for Node.js functions (so `@aws-sdk/*` resolves as in Lambda). */
    nodePath?: string
  }
}

/**
 * CloudFormation for Lanyard: the stack engine with its IAM/EKS/Lambda providers, the Lambda
 * runner for custom resources, the awsQuery service and the ResponseURL route.
 */
export function createCloudFormation(deps: CloudFormationDeps) {
  const assumer = createServiceRoleAssumer(deps)
  const lambda = createLambdaHost({
    store: deps.store,
    assumer,
    accountId: deps.accountId,
    region: deps.region,
  })
  const runner = createLambdaRunner({
    interpreters: {
      python: deps.lambda?.interpreters?.python ?? 'python3',
      nodejs: deps.lambda?.interpreters?.nodejs ?? process.execPath,
    },
    hostPath: deps.lambda?.hostPath ?? '/usr/local/bin:/usr/bin:/bin',
    endpointUrl: deps.baseUrl,
    caBundle: deps.caBundle,
    region: deps.region,
    nodePath:
      deps.lambda?.nodePath ?? fileURLToPath(new URL('../../../node_modules', import.meta.url)),
    onOutput: (fn, requestId, stream, line) =>
      deps.logger.info({ function: fn, requestId, stream, line }, 'lambda output'),
  })
  const registry = createResponseRegistry()
  const engineDeps: EngineDeps = {
    store: deps.store,
    accountId: deps.accountId,
    region: deps.region,
    now: deps.now,
    iam: deps.iam,
    eks: deps.eks,
    lambda,
    invokeCustomResource: (stackId, perform, request) =>
      invokeCustomResource(
        { lambda, runner, assumer, registry, baseUrl: deps.baseUrl },
        stackId,
        perform,
        request,
      ),
    perform: createPerform(deps),
    serviceRoleActor: async (roleArn, actor, stackArn) => {
      const caller = actor.caller
      if (!caller)
        throw new LanyardError('signature.missing', 'Request is missing Authentication Token')
      try {
        await deps.authorizer.authorize(caller, 'iam:PassRole', roleArn, {
          requestId: timeOrderedUuid(),
          caller,
          sourceIp: actor.sourceIp,
          userAgent: actor.userAgent,
          now: deps.now(),
          region: deps.region,
          secure: actor.secure,
        })
      } catch (err) {
        // CreateStack answers a refused PassRole as a ValidationError with IAM's message.
        throw new LanyardError(
          'request.validation',
          err instanceof Error ? err.message : String(err),
        )
      }
      const session = await assumer.session(
        roleArn,
        'cloudformation.amazonaws.com',
        stackArn,
        'AWSCloudFormation',
      )
      if (!session) throw new LanyardError('request.validation', ROLE_CANNOT_BE_ASSUMED(roleArn))
      return {
        ...actor,
        caller: {
          kind: 'assumed-role',
          arn: assumedRoleArn(deps.accountId, session.roleName, session.sessionName),
          accountId: deps.accountId,
          userId: `${session.roleId}:${session.sessionName}`,
          accessKeyId: session.accessKeyId,
          session,
        },
      }
    },
    onError: (err, what) =>
      deps.logger.error(
        {
          err:
            err instanceof Error
              ? { name: err.name, message: err.message, stack: err.stack }
              : 'unknown',
          what,
        },
        'stack operation failed unexpectedly',
      ),
  }
  const stacks = createStackService(engineDeps)
  const updates = createUpdateOperations(engineDeps, stacks)
  const operations = new Map<string, QueryOperation>(
    Object.entries(stackOperations(stacks, updates)),
  )
  const queryService: QueryService = {
    signingName: 'cloudformation',
    namespace: CLOUDFORMATION_NAMESPACE,
    version: '2010-05-15',
    operations,
  }
  const stackArnPattern = (name: string) =>
    `arn:aws:cloudformation:${deps.region}:${deps.accountId}:stack/${name}/*`
  return {
    stacks,
    updates,
    queryService,
    responseRoute: createResponseRoute(registry, deps.relayResponse),
    /** Hands a custom resource's response to the operation of this process that waits for it. */
    deliverResponse: (token: string, body: string) => registry.deliver(token, body),
    /** Marks operations a previous run left in progress as failed. */
    recover: () => stacks.recover(),
    /**
     * The resource a CloudFormation action is authorized on (Service Authorization Reference:
     * the stack, `arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>`).
     */
    async resourceFor(_action: string, params: ReadonlyMap<string, string>): Promise<string> {
      const name = params.get('StackName')
      if (name === undefined) return '*'
      if (name.startsWith('arn:')) return name
      const live = await deps.store.stacks.getLive(name)
      return live?.stackId ?? stackArnPattern(name)
    },
    /**
     * Shutdown: kills running functions, then waits (at most 10 s) for operations to record
     * their outcome; what is still in progress is marked failed by `recover` on the next start.
     */
    async close(): Promise<void> {
      runner.killAll()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        stacks.idle(),
        new Promise<void>((r) => {
          timer = setTimeout(r, 10_000)
        }),
      ])
      clearTimeout(timer)
    },
  }
}

export type CloudFormation = ReturnType<typeof createCloudFormation>
