import { createEksService } from '../../eks/eks-service.js'
import { isLanyardError } from '../../errors.js'
import { createIamService, DEFAULT_IAM_CONFIG } from '../../iam/index.js'
import type { LambdaFunctionRecord, Store } from '../../store/ports.js'
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js'
import type { CustomResourceRequest, CustomResourceResult } from '../providers/provider.js'
import type { Actor, EngineDeps } from './deps.js'
import { createStackService } from './stack-service.js'

export const ACCOUNT = '123456789012'

/** The account root, as a signed caller. */
export const ROOT_ACTOR: Actor = {
  caller: {
    kind: 'root',
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    accountId: ACCOUNT,
    userId: ACCOUNT,
    accessKeyId: 'AKIAROOT',
  },
  sourceIp: '127.0.0.1',
  userAgent: 'test',
  secure: false,
}

/**
 * A stack engine over an in-memory store with the real IAM and EKS services. Lambda functions
 * are only stored; custom resources are answered by `custom` (tests decide the answer).
 */
export function engineKit(
  options: {
    custom?: (request: CustomResourceRequest) => Promise<CustomResourceResult>
    deny?: (action: string, resource: string) => boolean
  } = {},
) {
  const store: Store = openSqliteStore(':memory:')
  let clock = Date.parse('2026-01-01T00:00:00Z')
  const now = () => clock++
  const iam = createIamService({ store, accountId: ACCOUNT, now }, DEFAULT_IAM_CONFIG)
  const eks = createEksService({
    store,
    accountId: ACCOUNT,
    region: 'us-east-1',
    issuerBaseUrl: () => 'https://lanyard.example:4566',
    now,
  })
  const performed: string[] = []
  const requests: CustomResourceRequest[] = []
  let n = 0
  const errors: unknown[] = []
  const deps: EngineDeps = {
    store,
    accountId: ACCOUNT,
    region: 'us-east-1',
    now,
    iam,
    eks,
    lambda: {
      functionArn: (name) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
      get: (name) => store.lambdaFunctions.get(name),
      put: (r: LambdaFunctionRecord) => store.transaction((tx) => tx.lambdaFunctions.put(r)),
      delete: async (name) => {
        await store.transaction((tx) => tx.lambdaFunctions.delete(name))
      },
    },
    invokeCustomResource: async (_stackId, _perform, request) => {
      requests.push(request)
      if (!options.custom) return { physicalResourceId: `custom-${++n}`, data: {} }
      return options.custom(request)
    },
    perform: async (_actor, call, fn) => {
      performed.push(`${call.service}:${call.action}`)
      if (options.deny?.(`${call.service}:${call.action}`, call.resource)) {
        const { LanyardError } = await import('../../errors.js')
        throw new LanyardError(
          'access.denied',
          `not authorized to perform ${call.service}:${call.action}`,
        )
      }
      return fn()
    },
    onError: (err) => errors.push(err),
    randomSuffix: () => `R${String(++n).padStart(12, '0')}`,
  }
  const service = createStackService(deps)
  return { store, iam, eks, deps, service, performed, requests, errors, isLanyardError }
}
