import { resourceError, sameValue } from './properties.js'
import type { ProviderContext, ResourceProvider } from './provider.js'

/**
 * Custom resource properties reach the provider with every scalar as a string, as CloudFormation
 * sends them (crpg-ref-requests: "ResourceProperties … values are strings").
 */
export function stringifyScalars(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringifyScalars)
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringifyScalars(x)]))
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return v
}

function request(ctx: ProviderContext, p: Record<string, unknown>) {
  const serviceToken = p.ServiceToken
  if (typeof serviceToken !== 'string' || serviceToken === '')
    throw resourceError('Property ServiceToken cannot be empty.')
  const timeout = p.ServiceTimeout === undefined ? 3600 : Number(p.ServiceTimeout)
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600)
    throw resourceError('ServiceTimeout must be a whole number of seconds between 1 and 3600')
  return {
    serviceToken,
    resourceType: ctx.resourceType,
    logicalResourceId: ctx.logicalId,
    resourceProperties: stringifyScalars(p) as Record<string, unknown>,
    timeoutSeconds: timeout,
  }
}

/**
 * `Custom::*` and AWS::CloudFormation::CustomResource (template-custom-resources): each change is
 * a request to the ServiceToken's Lambda function, answered through the pre-signed ResponseURL.
 * `Ref` is the PhysicalResourceId the provider returned; `Fn::GetAtt` reads its `Data`.
 */
export const customResourceProvider: ResourceProvider = {
  type: 'AWS::CloudFormation::CustomResource',

  async create(ctx, p) {
    const r = await ctx.invokeCustomResource({ requestType: 'Create', ...request(ctx, p) })
    return { physicalId: r.physicalResourceId, attributes: r.data }
  },

  async update(ctx, physicalId, p, old) {
    if (!sameValue(p.ServiceToken, old.ServiceToken))
      throw resourceError('Modifying service token is not allowed.')
    const r = await ctx.invokeCustomResource({
      requestType: 'Update',
      ...request(ctx, p),
      physicalResourceId: physicalId,
      oldResourceProperties: stringifyScalars(old) as Record<string, unknown>,
    })
    return { physicalId: r.physicalResourceId, attributes: r.data }
  },

  async delete(ctx, physicalId, p) {
    await ctx.invokeCustomResource({
      requestType: 'Delete',
      ...request(ctx, p),
      physicalResourceId: physicalId,
    })
  },

  // The provider decides: a new PhysicalResourceId in its Update answer is a replacement.
  requiresReplacement: () => false,
}
