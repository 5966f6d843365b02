import { readFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { EKSClient } from '@aws-sdk/client-eks'
import { IAMClient } from '@aws-sdk/client-iam'
import { type ClientContext, sdkConfig } from './context.js'

/** Real AWS SDK clients aimed at the running Lanyard (trusting its local CA under `--tls auto`). */
export function sdkClients(ctx: ClientContext) {
  const base = sdkConfig(ctx)
  const ca = ctx.endpoint.caBundle === undefined ? undefined : readFileSync(ctx.endpoint.caBundle)
  const handler = ca === undefined ? {} : { requestHandler: { httpsAgent: new Agent({ ca }) } }
  return {
    eks: new EKSClient({ ...base, ...handler }),
    iam: new IAMClient({ ...base, ...handler }),
    ca,
  }
}
