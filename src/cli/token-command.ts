import { join } from 'node:path'
import { DATABASE_FILE } from '../bootstrap/data-dir.js'
import { createIssuerService, type MintTokenInput } from '../issuer/issuer-service.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { clientContext } from './context.js'

/**
 * `lanyard token create`: mints a projected service-account token from a cluster's issuer. It
 * reads the signing key from the data dir directly (the key never crosses the network).
 */
export async function createToken(
  dataDir: string | undefined,
  input: MintTokenInput,
): Promise<string> {
  const ctx = clientContext(dataDir)
  const store = openSqliteStore(join(ctx.config.dataDir, DATABASE_FILE))
  try {
    const issuers = createIssuerService({
      store,
      issuerBaseUrl: () => ctx.endpoint.issuerBaseUrl,
      now: () => Date.now(),
    })
    return (await issuers.mintToken(input)).token
  } finally {
    await store.close()
  }
}
