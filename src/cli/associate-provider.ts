import { DescribeClusterCommand } from '@aws-sdk/client-eks'
import {
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam'
import { LanyardError } from '../errors.js'
import { fetchIssuerThumbprint } from '../tls/index.js'
import { clientContext } from './context.js'
import { sdkClients } from './sdk-clients.js'

export const STS_CLIENT_ID = 'sts.amazonaws.com'

/**
 * `lanyard utils associate-iam-oidc-provider`: what eksctl's command of that name does — create
 * (once) the IAM OIDC provider for the cluster's issuer, client id `sts.amazonaws.com`, with the
 * issuer's TLS thumbprint when it is served over HTTPS.
 */
export async function associateIamOidcProvider(options: {
  cluster: string
  approve: boolean
  dataDir?: string | undefined
  print: (line: string) => void
}): Promise<string | undefined> {
  const ctx = clientContext(options.dataDir)
  const { eks, iam, ca } = sdkClients(ctx)
  const { cluster } = await eks.send(new DescribeClusterCommand({ name: options.cluster }))
  const issuer = cluster?.identity?.oidc?.issuer
  if (!issuer)
    throw new LanyardError('entity.not_found', `cluster \`${options.cluster}\` has no OIDC issuer`)
  const url = issuer.replace(/^https?:\/\//, '')
  const { OpenIDConnectProviderList = [] } = await iam.send(
    new ListOpenIDConnectProvidersCommand({}),
  )
  for (const { Arn } of OpenIDConnectProviderList) {
    if (!Arn) continue
    const p = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: Arn }))
    if (p.Url === url) {
      options.print(
        `IAM Open ID Connect provider is already associated with cluster "${options.cluster}": ${Arn}`,
      )
      return Arn
    }
  }
  if (!options.approve) {
    options.print(
      `would create IAM Open ID Connect provider for cluster "${options.cluster}" (${issuer})`,
    )
    options.print('(plan) set --approve to apply changes')
    return undefined
  }
  if (!issuer.startsWith('https://')) {
    throw new LanyardError(
      'request.invalid',
      `the issuer \`${issuer}\` is not HTTPS: IAM OIDC provider URLs must begin with https:// (start Lanyard with --tls auto, or set --issuer-base-url to an HTTPS URL)`,
    )
  }
  const thumbprint = await fetchIssuerThumbprint(
    issuer,
    ca === undefined ? {} : { ca: ca.toString('utf8') },
  )
  const created = await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: issuer,
      ClientIDList: [STS_CLIENT_ID],
      ThumbprintList: [thumbprint],
    }),
  )
  options.print(
    `created IAM Open ID Connect provider for cluster "${options.cluster}": ${created.OpenIDConnectProviderArn}`,
  )
  return created.OpenIDConnectProviderArn
}
