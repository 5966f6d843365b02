import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { openAuditLogFile } from './audit/audit-log-file.js'
import { auditingStore } from './audit/in-transaction.js'
import { createAuditWriter } from './audit/writer.js'
import { createAuthenticator } from './authn/authenticate.js'
import { createAuthorizer } from './authz/authorizer.js'
import { createIamResourceResolver } from './authz/iam-resources.js'
import { createPolicyCache } from './authz/policy-cache.js'
import {
  auditJournalDir,
  DATABASE_FILE,
  ensureDataDir,
  initAccount,
  listAuditJournals,
  sessionSealingKey,
  writeEndpointInfo,
} from './bootstrap/data-dir.js'
import { type Config, isTls, processEnv } from './config/config.js'
import { createSessionSealer } from './credentials/session.js'
import { createEksService } from './eks/eks-service.js'
import { LanyardError } from './errors.js'
import { createApp } from './http/app.js'
import { createCallGuard } from './http/call-guard.js'
import { createCloudFormation } from './http/cloudformation/index.js'
import { createEksRestRoute } from './http/eks/eks-rest.js'
import { createIamQueryService } from './http/iam/index.js'
import { createOidcRoute } from './http/oidc-routes.js'
import { createStsQueryService } from './http/sts/sts-query.js'
import { createIamService, DEFAULT_IAM_LIMITS } from './iam/index.js'
import { createIssuerService } from './issuer/issuer-service.js'
import type { DeliveryResult } from './stack/custom/response-registry.js'
import { type AuditJournal, openAuditJournal } from './store/audit-journal/journal.js'
import { createCachedStore } from './store/cached-store.js'
import type { Store } from './store/ports.js'
import { drainJournals, startSqliteAuditIndexer } from './store/sqlite/audit-indexer.js'
import { openSqliteStore } from './store/sqlite/sqlite-store.js'
import { createStsService } from './sts/sts-service.js'
import { ensureLocalTls } from './tls/index.js'
import { createSignatureOffload, createTokenVerifier } from './token/index.js'

export interface RunningServer {
  url: string
  accountId: string
  region: string
  caBundle: string | undefined
  /**
   * Resolves once every audit record written so far is copied from the journal into the
   * database (readers of the trail see them before that too: they also read the journal).
   */
  flushAudit(): Promise<void>
  /** Opens the `--audit-log` file again after a log rotator renamed it (none: nothing to do). */
  reopenAuditLog(): Promise<void>
  /**
   * Hands a custom resource's response (a PUT to its ResponseURL) to the stack operation of this
   * process that waits for it; 403 when none does. For the server's other worker processes.
   */
  deliverCustomResourceResponse(token: string, body: string): DeliveryResult
  /** Stops accepting, drains in-flight requests, closes the store. */
  close(): Promise<void>
}

/**
 * Which of the server's processes this one is, when several answer on one port (`--workers`):
 * process `index` (1-based) of `count`. The first one does what must run once per data dir
 * (creating the account and TLS files, marking interrupted stack operations failed, deleting
 * audit records past their retention); each writes its own audit journal.
 */
export interface WorkerSlot {
  index: number
  count: number
}

export interface StartOptions {
  logger?: Logger
  worker?: WorkerSlot
  /**
   * Worker processes: offers a custom resource's response that no operation of this process
   * waits for to the other processes (see `RunningServer.deliverCustomResourceResponse`).
   */
  relayCustomResourceResponse?: (token: string, body: string) => Promise<DeliveryResult>
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/** The composition root: config → store → services → routes → listening server. */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel })
  const worker = options.worker ?? { index: 1, count: 1 }
  const first = worker.index === 1
  ensureDataDir(config.dataDir)
  const dbPath = join(config.dataDir, DATABASE_FILE)
  // Audit records outside IAM/EKS transactions are written to the journal (one writer per
  // journal: this fails if another server holds it; one journal per worker process) before the
  // answer; an indexer thread copies them into the database, which it also checkpoints: never
  // this thread.
  const journalDir = auditJournalDir(config.dataDir, worker.index)
  const journal = openAuditJournal(journalDir)
  let sqlite: ReturnType<typeof openSqliteStore>
  try {
    sqlite = openSqliteStore(dbPath, { externalCheckpoints: true })
  } catch (err) {
    journal.close()
    throw err
  }
  // Worker 1's indexer copies every worker's journal; the others run only the counter thread
  // (one connection writing the audit rows keeps its page cache: see startSqliteAuditIndexer).
  const journals = first
    ? Array.from({ length: worker.count }, (_, i) => ({
        journal: i + 1,
        dir: auditJournalDir(config.dataDir, i + 1),
      }))
    : []
  const indexer = startSqliteAuditIndexer(dbPath, journals, {
    // Records past their retention are deleted by one process.
    retentionDays: first ? config.auditRetentionDays : 0,
    onThreadExit: (thread, error, restartInMs) =>
      logger.warn({ thread, error, restartInMs }, 'audit thread stopped; starting it again'),
    onPruned: (records, before) =>
      logger.info({ records, before }, 'audit retention: deleted records past their retention'),
    onSkipped: (lines, segment, journal) =>
      logger.warn({ lines, segment, journal }, 'audit journal: skipped lines that are not records'),
    onPriority: (priority, backlog) => {
      const mib = Math.round(backlog / 2 ** 20)
      if (priority === 'normal')
        logger.warn({ backlogMiB: mib }, 'audit indexer behind: copying at normal CPU priority')
      else logger.info({ backlogMiB: mib }, 'audit indexer caught up: back to the lowest priority')
    },
  })
  // Other processes' writes are seen through the change counter the counter thread reads.
  const store = createCachedStore(sqlite, {
    recheckMs: 1,
    changeCounter: async () => indexer.changeCounter() ?? (await sqlite.changeCounter?.()) ?? 0,
  })
  const closeStorage = async () => {
    journal.close()
    await indexer.close()
    await store.close()
  }
  try {
    if (first) {
      // Journals of worker processes this start does not have (the server ran with more
      // before): copied into the database now, as their own worker would have at its start.
      const leftover = listAuditJournals(config.dataDir).filter((j) => j.journal > worker.count)
      const drained = await drainJournals(dbPath, leftover, (n) => sqlite.audit.journalPosition(n))
      if (drained.length > 0)
        logger.info({ journals: drained }, 'audit: copied the journals of workers no longer run')
    }
    return await serve(
      config,
      logger,
      { ...options, worker },
      {
        store,
        journal,
        flushAudit: () => indexer.flush(),
        closeStorage,
      },
    )
  } catch (err) {
    await closeStorage()
    throw err
  }
}

async function serve(
  config: Config,
  logger: Logger,
  options: StartOptions & { worker: WorkerSlot },
  storage: {
    store: Store
    journal: AuditJournal
    flushAudit: () => Promise<void>
    closeStorage: () => Promise<void>
  },
): Promise<RunningServer> {
  const { store, journal } = storage
  const { worker } = options
  const first = worker.index === 1
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
  const configuredIssuerBase = config.issuerBaseUrl?.replace(/\/+$/, '')
  const issuerBaseUrl = () => configuredIssuerBase ?? selfUrl
  const limits = { ...DEFAULT_IAM_LIMITS }
  for (const [name, value] of Object.entries(config.limits)) {
    if (!(name in limits)) {
      throw new LanyardError(
        'config.invalid',
        `invalid configuration: unknown limit \`${name}\` (known: ${Object.keys(limits).join(', ')})`,
      )
    }
    limits[name as keyof typeof limits] = value
  }
  // IAM and EKS writes carry their audit record in their own transaction.
  const audited = auditingStore(store)
  const iam = createIamService(
    { store: audited, accountId: account.accountId, now },
    { strictTrust: config.strictTrust, limits },
  )
  const eks = createEksService({
    store: audited,
    accountId: account.accountId,
    region: config.region,
    issuerBaseUrl,
    now,
  })
  const issuers = createIssuerService({ store, issuerBaseUrl, now })
  const sealer = createSessionSealer({ current: sessionSealingKey(account) })
  const policies = createPolicyCache()
  const auditFile =
    config.auditLog === undefined
      ? undefined
      : openAuditLogFile(config.auditLog, (error) =>
          logger.error({ error }, 'audit log file: not every line was written'),
        )
  const audit = createAuditWriter(
    { append: async (records) => journal.append(records) },
    auditFile ? { stream: (line) => auditFile.write(line) } : {},
  )
  const authorizer = createAuthorizer({ store, policies })
  const guard = createCallGuard({
    authorizer,
    audit,
    accountId: account.accountId,
    explainDenials: config.explainDenials,
  })
  // With as many request threads as CPUs (one CPU, or a worker process per CPU) a signature
  // thread would only add its messages: measured, two processes verifying inline answered more.
  const signatures =
    availableParallelism() > worker.count
      ? createSignatureOffload({
          onThreadExit: (error, restartInMs) =>
            logger.warn({ error, restartInMs }, 'signature thread exited'),
        })
      : undefined
  const verifier = createTokenVerifier({
    findProvider: async (issuer) => {
      if (!issuer.startsWith('https://')) return undefined
      const p = await store.oidcProviders.getByUrl(issuer.slice('https://'.length))
      return p && { arn: p.arn, url: p.url, clientIds: p.clientIds, jwks: p.jwks }
    },
    localKeys: (issuer) => issuers.localKeys(issuer),
    fetch: globalThis.fetch,
    now,
    checkSignature: signatures?.check,
  })
  const sts = createStsService(
    {
      store,
      accountId: account.accountId,
      verifier,
      sealer,
      policies,
      clusterForIssuer: (issuer) => issuers.clusterForIssuer(issuer),
      callerView: (caller, ctx, extra) => authorizer.callerView(caller, ctx, extra),
    },
    { explainDenials: config.explainDenials },
  )
  const iamResources = createIamResourceResolver({ store, accountId: account.accountId })
  const cloudformation = createCloudFormation({
    store,
    iam,
    eks,
    guard,
    authorizer,
    policies,
    sealer,
    accountId: account.accountId,
    region: config.region,
    now,
    baseUrl: () => selfUrl,
    caBundle: tlsFiles?.ca,
    logger,
    lambda: { hostPath: processEnv().PATH ?? '/usr/local/bin:/usr/bin:/bin' },
    ...(options.relayCustomResourceResponse !== undefined
      ? { relayResponse: options.relayCustomResourceResponse }
      : {}),
  })
  // Operations a stopped server left in progress: only at the first process's start (the others
  // start after it, and their own operations are in progress while they run).
  if (first) await cloudformation.recover()
  const lintLog = logger.child({ component: 'iam' })
  let ready = false
  const handler = createApp({
    region: config.region,
    queryServices: [
      createIamQueryService(iam, (msg, details) => lintLog.warn(details, msg)),
      createStsQueryService({ sts, audit, accountId: account.accountId }),
      cloudformation.queryService,
    ],
    restRoutes: [
      createEksRestRoute(eks, { guard, accountId: account.accountId, region: config.region }),
      cloudformation.responseRoute,
    ],
    publicRoutes: [createOidcRoute(issuers)],
    authenticate: createAuthenticator({
      accountId: account.accountId,
      root: account.root,
      sessions: sealer,
      now,
    }),
    guard,
    resourceFor: async (service, action, params) =>
      service === 'iam'
        ? iamResources(action, params)
        : service === 'cloudformation'
          ? cloudformation.resourceFor(action, params)
          : '*',
    now,
    maxBodyBytes: config.maxBodyBytes,
    secure: tlsFiles !== undefined,
    logger,
    isReady: () => ready,
  })

  let server: Server
  try {
    server = tlsFiles
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
  } catch (err) {
    // Not serving (the port taken, a TLS file unreadable): what was started here stops here;
    // the caller closes the storage.
    await cloudformation.close()
    await signatures?.close()
    await auditFile?.close()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  selfUrl = `${isTls(config) ? 'https' : 'http'}://${formatHost(config.host)}:${port}`
  if (first)
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
    flushAudit: storage.flushAudit,
    async reopenAuditLog() {
      await auditFile?.reopen()
    },
    deliverCustomResourceResponse: (token, body) => cloudformation.deliverResponse(token, body),
    close() {
      closing ??= (async () => {
        ready = false
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeIdleConnections()
        })
        await cloudformation.close()
        await signatures?.close()
        await storage.closeStorage()
        await auditFile?.close()
      })()
      return closing
    },
  }
}
