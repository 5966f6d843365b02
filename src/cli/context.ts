import { join } from 'node:path'
import {
  CREDENTIALS_FILE,
  ENDPOINT_FILE,
  type EndpointInfo,
  readJsonFile,
} from '../bootstrap/data-dir.js'
import { type Config, loadConfig, processEnv } from '../config/config.js'
import { LanyardError } from '../errors.js'

export interface AdminCredentials {
  accountId: string
  accessKeyId: string
  secretAccessKey: string
}

/** What a client-side command needs to reach the running server as administrator. */
export interface ClientContext {
  config: Config
  endpoint: EndpointInfo
  credentials: AdminCredentials
}

/** Resolves config (flags > env > defaults) for commands other than `up`. */
export function configFor(dataDir: string | undefined): Config {
  return loadConfig({ flags: { dataDir }, env: processEnv() })
}

/** Reads the admin credentials and the server's endpoint from the data dir. */
export function clientContext(dataDir: string | undefined): ClientContext {
  const config = configFor(dataDir)
  const credentials = readJsonFile<AdminCredentials>(join(config.dataDir, CREDENTIALS_FILE))
  if (!credentials) {
    throw new LanyardError(
      'config.invalid',
      `no Lanyard data in \`${config.dataDir}\`: start the server first (\`lanyard up\`) or pass --data-dir`,
    )
  }
  const url = `http://${config.host}:${config.port}`
  const endpoint = readJsonFile<EndpointInfo>(join(config.dataDir, ENDPOINT_FILE)) ?? {
    url,
    region: config.region,
    issuerBaseUrl: config.issuerBaseUrl ?? url,
  }
  return { config, endpoint, credentials }
}

/** SDK client settings pointing at Lanyard with the admin credentials. */
export function sdkConfig(ctx: ClientContext) {
  return {
    endpoint: ctx.endpoint.url,
    region: ctx.endpoint.region,
    credentials: {
      accessKeyId: ctx.credentials.accessKeyId,
      secretAccessKey: ctx.credentials.secretAccessKey,
    },
  }
}
