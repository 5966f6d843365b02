import type { Authorizer } from '../../authz/authorizer.js'
import type { OperationContext } from '../../call-context.js'
import { LanyardError } from '../../errors.js'
import type { Actor } from '../../stack/engine/deps.js'
import type { PerformCall } from '../../stack/providers/provider.js'
import { timeOrderedUuid } from '../../time-ordered-id.js'
import { toAwsError, type WireProtocol } from '../aws-errors.js'
import type { CallGuard } from '../call-guard.js'

/** Services whose calls the guard audits (CloudTrail event sources Lanyard records). */
const AUDITED = new Set(['iam', 'eks'])

/** Service names as CloudFormation quotes them in resource status reasons. */
const SERVICE_NAMES: Record<string, string> = {
  iam: 'AmazonIdentityManagement',
  eks: 'Eks',
  lambda: 'Lambda',
}

const LAMBDA_ERRORS: Record<string, { status: number; code: string }> = {
  'trust.denied': { status: 400, code: 'InvalidParameterValueException' },
  'request.invalid': { status: 400, code: 'InvalidParameterValueException' },
  'access.denied': { status: 403, code: 'AccessDeniedException' },
}

/**
 * A service's failure as a resource status reason, in CloudFormation's classic format:
 * "<message> (Service: AmazonIdentityManagement; Status Code: 400; Error Code:
 * MalformedPolicyDocument; Request ID: <id>; Proxy: null)".
 */
export function serviceFailure(service: string, err: unknown, requestId: string): unknown {
  if (!(err instanceof LanyardError)) return err
  const protocol: WireProtocol = service === 'iam' || service === 'eks' ? service : 'plain'
  const wire = toAwsError(err, protocol)
  const mapped = service === 'lambda' ? LAMBDA_ERRORS[err.code] : undefined
  const status = mapped?.status ?? wire.status
  const code =
    mapped?.code ??
    (service === 'eks' && wire.code === 'AccessDenied' ? 'AccessDeniedException' : wire.code)
  const message = mapped || wire.code !== 'InternalFailure' ? err.message : wire.message
  return new LanyardError(
    'request.invalid',
    `${message} (Service: ${SERVICE_NAMES[service] ?? service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`,
    { cause: err },
  )
}

/**
 * How stack operations act for their caller: each call is authorized with the caller's own
 * policies (`<service>:<Action>` on the resource) and, for IAM and EKS, audited like a direct
 * API call, with CloudFormation as the source (`sourceIPAddress`/`userAgent`
 * cloudformation.amazonaws.com, as CloudTrail shows calls a service makes on your behalf).
 */
export function createPerform(deps: {
  guard: CallGuard
  authorizer: Authorizer
  region: string
  now: () => number
}) {
  return async <T>(actor: Actor, call: PerformCall, fn: () => Promise<T>): Promise<T> => {
    const caller = actor.caller
    if (!caller)
      throw new LanyardError('signature.missing', 'Request is missing Authentication Token')
    const ctx: OperationContext = {
      requestId: timeOrderedUuid(),
      caller,
      sourceIp: 'cloudformation.amazonaws.com',
      userAgent: 'cloudformation.amazonaws.com',
      now: deps.now(),
      region: deps.region,
      secure: actor.secure,
    }
    try {
      if (call.authorizeOnly || !AUDITED.has(call.service)) {
        await deps.authorizer.authorize(
          caller,
          `${call.service}:${call.action}`,
          call.resource,
          ctx,
        )
        return await fn()
      }
      return await deps.guard.run(
        {
          service: call.service as WireProtocol,
          action: call.action,
          resource: call.resource,
          ctx,
          requestParameters: call.parameters ?? {},
        },
        fn,
      )
    } catch (err) {
      throw serviceFailure(call.service, err, ctx.requestId)
    }
  }
}
