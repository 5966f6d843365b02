import { clientContext } from './context.js'

const quote = (v: string) => `'${v.replaceAll("'", "'\\''")}'`

/** `lanyard env`: export lines that point the AWS CLI and SDKs at Lanyard as administrator. */
export function envLines(dataDir: string | undefined): string[] {
  const ctx = clientContext(dataDir)
  const lines = [
    ['AWS_ENDPOINT_URL', ctx.endpoint.url],
    ['AWS_ACCESS_KEY_ID', ctx.credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', ctx.credentials.secretAccessKey],
    ['AWS_REGION', ctx.endpoint.region],
    ['AWS_DEFAULT_REGION', ctx.endpoint.region],
  ]
  if (ctx.endpoint.caBundle !== undefined) lines.push(['AWS_CA_BUNDLE', ctx.endpoint.caBundle])
  const out = lines.map(([k, v]) => `export ${k}=${quote(v as string)}`)
  // A session token left in the shell would be sent with the admin key and refused.
  out.push('unset AWS_SESSION_TOKEN AWS_PROFILE')
  return out
}
