import type { OperationContext } from '../call-context.js'
import { isoSeconds } from '../iso-time.js'

/**
 * The global condition keys of a request (reference_policies_condition-keys): time, source IP,
 * transport, region, user agent. A fresh object each call, for the caller to add its own keys to.
 */
export function globalConditionKeys(ctx: OperationContext): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {
    'aws:CurrentTime': isoSeconds(ctx.now),
    'aws:EpochTime': String(Math.floor(ctx.now / 1000)),
    'aws:SourceIp': ctx.sourceIp,
    'aws:SecureTransport': String(ctx.secure),
    'aws:RequestedRegion': ctx.region,
  }
  if (ctx.userAgent !== undefined) values['aws:UserAgent'] = ctx.userAgent
  return values
}
