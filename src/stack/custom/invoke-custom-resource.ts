import { randomUUID } from 'node:crypto'
import type { ServiceRoleAssumer } from '../lambda/assume-service-role.js'
import { functionNameOf, LAMBDA_PRINCIPAL } from '../lambda/lambda-host.js'
import type { LambdaRunner } from '../lambda/runner.js'
import { ResourceFailure, resourceError } from '../providers/properties.js'
import type {
  CustomResourceRequest,
  CustomResourceResult,
  LambdaHost,
  PerformCall,
} from '../providers/provider.js'
import type { CustomResourceResponse, ResponseRegistry } from './response-registry.js'

/** CloudFormation's reason when no answer came (the provider exited or the timeout passed). */
export const noResponseMessage = (requestId: string) =>
  `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}]. If you are using the Python cfn-response module, you may need to update your Lambda function code so that CloudFormation can attach the updated version.`

/** Confirmed wording (aws-samples issues): the provider's own Reason follows. */
export const failedResponseMessage = (reason: string) =>
  `Received response status [FAILED] from custom resource. Message returned: ${reason}`

export interface CustomResourceDeps {
  lambda: LambdaHost
  runner: LambdaRunner
  assumer: ServiceRoleAssumer
  registry: ResponseRegistry
  /** Lanyard's base URL; ResponseURLs are served on it. */
  baseUrl: () => string
  /** How long to wait for a late PUT once the function process has ended (default 1 s). */
  graceMs?: number
}

/**
 * Sends one custom resource request (crpg-ref-requests) to its Lambda function and waits for the
 * answer PUT to the pre-signed ResponseURL. The function runs with its execution role's
 * credentials (assumed through `lambda.amazonaws.com`). Unlike CloudFormation, which waits up to
 * the service timeout, Lanyard stops waiting shortly after the function's process ends without
 * answering: nothing else could answer.
 */
export async function invokeCustomResource(
  deps: CustomResourceDeps,
  stackId: string,
  perform: <T>(call: PerformCall, fn: () => Promise<T>) => Promise<T>,
  request: CustomResourceRequest,
): Promise<CustomResourceResult> {
  const name = functionNameOf(request.serviceToken)
  if (name === undefined)
    throw resourceError(
      `Invalid service token ${request.serviceToken}: Lanyard sends custom resource requests to Lambda functions only`,
    )
  const fn = await deps.lambda.get(name)
  if (!fn) throw resourceError(`Function not found: ${deps.lambda.functionArn(name)}`)
  await perform(
    { service: 'lambda', action: 'InvokeFunction', resource: fn.arn, authorizeOnly: true },
    async () => undefined,
  )
  const requestId = randomUUID()
  const slot = deps.registry.open({
    stackId,
    requestId,
    logicalResourceId: request.logicalResourceId,
  })
  const event: Record<string, unknown> = {
    RequestType: request.requestType,
    ServiceToken: request.serviceToken,
    ResponseURL: `${deps.baseUrl()}${slot.path}`,
    StackId: stackId,
    RequestId: requestId,
    LogicalResourceId: request.logicalResourceId,
    ResourceType: request.resourceType,
    ResourceProperties: request.resourceProperties,
  }
  if (request.physicalResourceId !== undefined)
    event.PhysicalResourceId = request.physicalResourceId
  if (request.oldResourceProperties !== undefined)
    event.OldResourceProperties = request.oldResourceProperties
  let timer: NodeJS.Timeout | undefined
  try {
    const credentials = await deps.assumer.assume(
      fn.roleArn,
      LAMBDA_PRINCIPAL,
      fn.arn,
      fn.functionName,
    )
    const exited = deps.runner
      .invoke(fn, event, credentials, randomUUID())
      .then(() => new Promise<'silent'>((r) => setTimeout(() => r('silent'), deps.graceMs ?? 1000)))
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), request.timeoutSeconds * 1000)
    })
    const outcome: CustomResourceResponse | 'silent' | 'timeout' = await Promise.race([
      slot.response,
      exited,
      timeout,
    ])
    if (outcome === 'silent' || outcome === 'timeout')
      throw resourceError(noResponseMessage(requestId))
    if (outcome.Status === 'FAILED')
      throw new ResourceFailure(
        failedResponseMessage(outcome.Reason ?? ''),
        outcome.PhysicalResourceId ?? request.physicalResourceId,
      )
    const physicalResourceId = outcome.PhysicalResourceId ?? request.physicalResourceId
    if (typeof physicalResourceId !== 'string' || physicalResourceId === '')
      throw resourceError('Invalid PhysicalResourceId')
    const data = outcome.Data
    if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data)))
      throw resourceError('Invalid response object: Data must be a JSON object')
    return { physicalResourceId, data: data ?? {} }
  } finally {
    clearTimeout(timer)
    slot.close()
  }
}
