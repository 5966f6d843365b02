import { LanyardError } from '../../errors.js'
import type { LambdaFunctionRecord, Store } from '../../store/ports.js'
import type { LambdaHost } from '../providers/provider.js'
import type { ServiceRoleAssumer } from './assume-service-role.js'
import { RESERVED_ENV } from './runner.js'

/** Lambda's service principal, which execution roles must trust. */
export const LAMBDA_PRINCIPAL = 'lambda.amazonaws.com'

/**
 * The account's Lambda functions as the stack engine stores them. Storing checks what
 * CreateFunction checks: reserved environment variables, and that Lambda may assume the role.
 */
export function createLambdaHost(deps: {
  store: Store
  assumer: ServiceRoleAssumer
  accountId: string
  region: string
}): LambdaHost {
  const functionArn = (name: string) =>
    `arn:aws:lambda:${deps.region}:${deps.accountId}:function:${name}`
  return {
    functionArn,
    get: (name) => deps.store.lambdaFunctions.get(name),
    async put(record: LambdaFunctionRecord) {
      const reserved = Object.keys(record.environment).filter((k) => RESERVED_ENV.has(k))
      if (reserved.length > 0)
        throw new LanyardError(
          'request.invalid',
          `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
        )
      await deps.assumer.check(record.roleArn, LAMBDA_PRINCIPAL, record.arn)
      await deps.store.transaction((tx) => tx.lambdaFunctions.put(record))
    },
    async delete(name) {
      await deps.store.transaction((tx) => tx.lambdaFunctions.delete(name))
    },
  }
}

/** The function a ServiceToken names: its ARN (optionally with `:$LATEST` or an alias) or name. */
export function functionNameOf(serviceToken: string): string | undefined {
  const m = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(:[\w$-]+)?$/.exec(
    serviceToken,
  )
  if (m) return m[1]
  return /^[A-Za-z0-9_-]{1,64}$/.test(serviceToken) ? serviceToken : undefined
}
