import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { createAuthenticator } from './authn/authenticate.js'
import {
  DATABASE_FILE,
  ensureDataDir,
  initAccount,
  writeEndpointInfo,
} from './bootstrap/data-dir.js'
import { type Config, isTls } from './config/config.js'
import { createEksService } from './eks/eks-service.js'
import { createApp } from './http/app.js'
import { createEksRestRoute } from './http/eks/eks-rest.js'
import { createIamQueryService } from './http/iam/index.js'
import { createOidcRoute } from './http/oidc-routes.js'
import { createIamService } from './iam/index.js'
import { createIssuerService } from './issuer/issuer-service.js'
import { openSqliteStore } from './store/sqlite/sqlite-store.js'
import { ensureLocalTls } from './tls/index.js'

export interface RunningServer {
  url: string
  accountId: string
  region: string
  caBundle: string | undefined
  /** Stops accepting, drains in-flight requests, closes the store. */
  close(): Promise<void>
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/** The composition root: config → store → services → routes → listening server. */
export async function startServer(
  config: Config,
  options: { logger?: Logger } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel })
  ensureDataDir(config.dataDir)
  const store = openSqliteStore(join(config.dataDir, DATABASE_FILE))
  const account = await initAccount(store, config.dataDir, { accountId: config.accountId })
  const now = () => Date.now()

  let tlsFiles: { cert: string; key: string; ca?: string } | undefined
  if (config.tls === 'auto') {
    const files = await ensureLocalTls(join(config.dataDir, 'tls'), [config.host])
    tlsFiles = { cert: files.certPath, key: files.keyPath, ca: files.caPath }
  } else if (config.tlsCert !== undefined && config.tlsKey !== undefined) {
    tlsFiles = { cert: config.tlsCert, key: config.tlsKey }
  }

  let selfUrl = ''
  const issuerBaseUrl = () => config.issuerBaseUrl?.replace(/\/+$/, '') ?? selfUrl
  const iam = createIamService(
    { store, accountId: account.accountId, now },
    { strictTrust: config.strictTrust },
  )
  const eks = createEksService({
    store,
    accountId: account.accountId,
    region: config.region,
    issuerBaseUrl,
    now,
  })
  const issuers = createIssuerService({ store, issuerBaseUrl, now })
  let ready = false
  const handler = createApp({
    region: config.region,
    queryServices: [createIamQueryService(iam)],
    restRoutes: [createEksRestRoute(eks)],
    publicRoutes: [createOidcRoute(issuers)],
    authenticate: createAuthenticator({ accountId: account.accountId, root: account.root, now }),
    now,
    maxBodyBytes: config.maxBodyBytes,
    secure: tlsFiles !== undefined,
    logger,
    isReady: () => ready,
  })

  const server: Server = tlsFiles
    ? createHttpsServer(
        { cert: readFileSync(tlsFiles.cert), key: readFileSync(tlsFiles.key) },
        handler,
      )
    : createHttpServer(handler)
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  selfUrl = `${isTls(config) ? 'https' : 'http'}://${formatHost(config.host)}:${port}`
  writeEndpointInfo(config.dataDir, {
    url: selfUrl,
    region: config.region,
    issuerBaseUrl: issuerBaseUrl(),
    ...(tlsFiles?.ca !== undefined ? { caBundle: tlsFiles.ca } : {}),
  })
  ready = true

  let closing: Promise<void> | undefined
  return {
    url: selfUrl,
    accountId: account.accountId,
    region: config.region,
    caBundle: tlsFiles?.ca,
    close() {
      closing ??= (async () => {
        ready = false
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeIdleConnections()
        })
        await store.close()
      })()
      return closing
    },
  }
}
