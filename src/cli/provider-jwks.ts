import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KubeConfig } from '@kubernetes/client-node'
import { toAuditRecord } from '../audit/writer.js'
import { DATABASE_FILE } from '../bootstrap/data-dir.js'
import { LanyardError } from '../errors.js'
import { fetchKubernetesJwks } from '../federation/kube-jwks.js'
import { isoSeconds } from '../iso-time.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { buildKeySet } from '../token/index.js'
import { configFor } from './context.js'

/**
 * `lanyard oidc-provider set-jwks`: gives a private issuer's IAM OIDC provider its keys, so tokens
 * verify with nothing public and nothing fetched. Validated before it is stored: public keys only,
 * usable algorithms; keys that will be ignored are reported. The change is audited.
 */
export async function setProviderJwks(options: {
  arn: string
  /** A JWK Set file, or the set itself (already fetched). */
  file: string | { jwks: unknown }
  dataDir?: string | undefined
  print: (line: string) => void
}): Promise<void> {
  let parsed: unknown
  if (typeof options.file === 'string') {
    try {
      parsed = JSON.parse(readFileSync(options.file, 'utf8'))
    } catch (err) {
      throw new LanyardError('request.invalid', `\`${options.file}\` is not a readable JSON file`, {
        cause: err,
      })
    }
  } else parsed = options.file.jwks
  let usable: number
  try {
    const set = await buildKeySet(parsed)
    for (const s of set.skipped)
      options.print(`ignored key ${s.index}${s.kid ? ` (kid ${s.kid})` : ''}: ${s.reason}`)
    usable = set.size
  } catch (err) {
    throw new LanyardError(
      'request.invalid',
      `not a usable JWK Set: ${err instanceof Error ? err.message : 'invalid'}`,
    )
  }
  if (usable === 0)
    throw new LanyardError('request.invalid', 'the JWK Set has no usable verification key')
  const config = configFor(options.dataDir)
  const store = openSqliteStore(join(config.dataDir, DATABASE_FILE))
  try {
    await store.transaction(async (tx) => {
      const provider = await tx.oidcProviders.get(options.arn)
      if (!provider)
        throw new LanyardError(
          'entity.not_found',
          `OpenIDConnect provider ${options.arn} not found`,
        )
      await tx.oidcProviders.update({ ...provider, jwks: JSON.stringify(parsed) })
      const account = JSON.parse((await tx.meta.get('account')) ?? '{}') as { accountId?: string }
      const now = isoSeconds(Date.now())
      await tx.audit.insertMany([
        toAuditRecord({
          eventVersion: '1.08',
          userIdentity: { type: 'Root', accountId: account.accountId ?? '' },
          eventTime: now,
          eventSource: 'lanyard',
          eventName: 'SetOpenIDConnectProviderJwks',
          awsRegion: config.region,
          sourceIPAddress: 'local',
          requestParameters: { openIDConnectProviderArn: options.arn, keys: usable },
          responseElements: null,
          requestID: randomUUID(),
          eventID: randomUUID(),
          readOnly: false,
          eventType: 'AwsApiCall',
          managementEvent: true,
          recipientAccountId: account.accountId ?? '',
          eventCategory: 'Management',
        }),
      ])
    })
  } finally {
    await store.close()
  }
  options.print(
    `stored ${usable} verification key(s) for ${options.arn}; tokens of this issuer now verify without fetching`,
  )
}

/**
 * `lanyard oidc-provider sync-jwks`: reads the issuer keys of a private cluster through its
 * Kubernetes API (kubeconfig or in-cluster service account) and stores them as with set-jwks.
 */
export async function syncProviderJwks(options: {
  arn: string
  kubeconfig?: string | undefined
  inCluster?: boolean | undefined
  kubeConfig?: KubeConfig | undefined
  dataDir?: string | undefined
  print: (line: string) => void
}): Promise<void> {
  const url = options.arn.replace(/^arn:aws:iam::\d{12}:oidc-provider\//, '')
  if (url === options.arn)
    throw new LanyardError('request.invalid', `\`${options.arn}\` is not an OIDC provider ARN`)
  const jwks = await fetchKubernetesJwks({
    expectedIssuer: `https://${url}`,
    ...(options.kubeConfig !== undefined ? { kubeConfig: options.kubeConfig } : {}),
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.inCluster ? { inCluster: true } : {}),
  })
  await setProviderJwks({
    arn: options.arn,
    file: { jwks },
    dataDir: options.dataDir,
    print: options.print,
  })
}
