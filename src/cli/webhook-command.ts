import { readFileSync, unwatchFile, watchFile } from 'node:fs'
import { type Command, Option } from 'commander'
import pino, { type Logger } from 'pino'
import { LanyardError } from '../errors.js'
import { createEventRecorder } from '../webhook/events/index.js'
import { parseGoBool } from '../webhook/go-strconv.js'
import {
  type CheckRole,
  createLanyardIamClient,
  createRoleCheck,
  createWebhookMetrics,
  DEFAULT_CONTAINER_CREDENTIALS,
  DEFAULT_WEBHOOK_PORT,
  parseContainerCredentialsIdentities,
  resolveWebhookConfig,
  startWebhookServer,
  type WebhookConfig,
  type WebhookMetrics,
  type WebhookServer,
} from '../webhook/index.js'
import { createServiceAccountLookup } from '../webhook/sa-cache/index.js'
import { clientContext } from './context.js'

/** The flags of `lanyard webhook`, named after amazon-eks-pod-identity-webhook's. */
export interface WebhookFlags {
  port?: number
  host?: string
  tlsCert: string
  tlsKey: string
  metricsPort?: number
  annotationPrefix?: string
  tokenAudience?: string
  tokenExpiration?: number
  tokenMountPath?: string
  awsDefaultRegion?: string
  stsRegionalEndpoint?: boolean
  stsEndpointUrl?: string
  kubeconfig?: string
  inCluster?: boolean
  checkRoles?: boolean
  lanyardUrl?: string
  lanyardCa?: string
  issuer?: string
  dataDir?: string
  maxBodyBytes?: number
  watchContainerCredentialsConfig?: string
  containerCredentialsAudience?: string
  containerCredentialsTokenMountPath?: string
  containerCredentialsTokenVolumeName?: string
  containerCredentialsTokenPath?: string
  containerCredentialsFullUri?: string
  logLevel?: string
}

const wholeNumber = (value: string): number => {
  if (!/^\d+$/.test(value)) {
    throw new LanyardError('config.invalid', `\`${value}\` is not a whole number`)
  }
  return Number(value)
}

/** pflag booleans: `--flag`, `--flag=true`, `--flag false`, with Go's spellings. */
const goBool = (value: string): boolean => {
  const parsed = parseGoBool(value)
  if (parsed === undefined) {
    throw new LanyardError('config.invalid', `\`${value}\` is not true or false`)
  }
  return parsed
}

/** The mutation settings the flags describe (container-credentials identities start empty). */
export function webhookConfigFromFlags(flags: WebhookFlags): WebhookConfig {
  const cc =
    flags.watchContainerCredentialsConfig === undefined
      ? undefined
      : {
          audience: flags.containerCredentialsAudience ?? DEFAULT_CONTAINER_CREDENTIALS.audience,
          mountPath:
            flags.containerCredentialsTokenMountPath ?? DEFAULT_CONTAINER_CREDENTIALS.mountPath,
          volumeName:
            flags.containerCredentialsTokenVolumeName ?? DEFAULT_CONTAINER_CREDENTIALS.volumeName,
          tokenPath: flags.containerCredentialsTokenPath ?? DEFAULT_CONTAINER_CREDENTIALS.tokenPath,
          fullUri: flags.containerCredentialsFullUri ?? DEFAULT_CONTAINER_CREDENTIALS.fullUri,
          identities: [],
        }
  return resolveWebhookConfig({
    annotationPrefix: flags.annotationPrefix,
    tokenAudience: flags.tokenAudience,
    tokenExpiration: flags.tokenExpiration,
    tokenMountPath: flags.tokenMountPath,
    awsDefaultRegion: flags.awsDefaultRegion,
    stsRegionalEndpoint: flags.stsRegionalEndpoint,
    stsEndpointUrl: flags.stsEndpointUrl,
    containerCredentials: cc,
  })
}

/** `--check-roles`: IAM of `--lanyard-url` (SDK credential chain) or of `--data-dir`'s server. */
function roleCheckFrom(flags: WebhookFlags): CheckRole | undefined {
  if (!flags.checkRoles) return undefined
  if (flags.issuer === undefined) {
    throw new LanyardError(
      'config.invalid',
      '--check-roles needs --issuer, the service-account issuer url of the cluster',
    )
  }
  const ca = flags.lanyardCa === undefined ? undefined : readFileSync(flags.lanyardCa)
  if (flags.lanyardUrl !== undefined) {
    return createRoleCheck({
      iam: createLanyardIamClient({ endpoint: flags.lanyardUrl, ca }),
      issuer: flags.issuer,
    })
  }
  const ctx = clientContext(flags.dataDir)
  const caBundle = ctx.endpoint.caBundle === undefined ? ca : readFileSync(ctx.endpoint.caBundle)
  return createRoleCheck({
    iam: createLanyardIamClient({
      endpoint: ctx.endpoint.url,
      region: ctx.endpoint.region,
      credentials: ctx.credentials,
      ca: caBundle,
    }),
    issuer: flags.issuer,
  })
}

/** A running `lanyard webhook`. */
export interface RunningWebhook {
  server: WebhookServer
  metrics: WebhookMetrics
  stop(): Promise<void>
}

/**
 * Starts the webhook: the ServiceAccount cache (kubeconfig, in-cluster or the default search),
 * the optional role check and container-credentials file, then the HTTPS server.
 */
export async function runWebhook(flags: WebhookFlags, logger: Logger): Promise<RunningWebhook> {
  const config = webhookConfigFromFlags(flags)
  const metrics = createWebhookMetrics()
  const checkRole = roleCheckFrom(flags)

  const ccFile = flags.watchContainerCredentialsConfig
  const loadIdentities = () => {
    const cc = config.containerCredentials
    if (ccFile === undefined || !cc) return
    try {
      const identities = parseContainerCredentialsIdentities(readFileSync(ccFile, 'utf8'))
      // INVARIANT: the admission handler reads `config` per request, so replacing the member
      // takes effect for the next Pod.
      config.containerCredentials = { ...cc, identities }
      logger.info({ file: ccFile, identities: identities.length }, 'container credentials loaded')
    } catch (err) {
      logger.warn(
        { err, file: ccFile },
        'container credentials config not loaded; keeping the previous one',
      )
    }
  }
  loadIdentities()
  if (ccFile !== undefined) watchFile(ccFile, { interval: 5000, persistent: false }, loadIdentities)

  const serviceAccounts = createServiceAccountLookup({
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.inCluster ? { inCluster: true } : {}),
    metrics: {
      hit: () => metrics.cacheHits.inc(),
      miss: () => metrics.cacheMisses.inc(),
      liveGet: (result) => metrics.liveGets.inc({ result }),
    },
    log: logger,
  })
  await serviceAccounts.start()
  const events = createEventRecorder({
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.inCluster ? { inCluster: true } : {}),
    log: logger,
  })

  const server = await startWebhookServer({
    host: flags.host,
    port: flags.port ?? DEFAULT_WEBHOOK_PORT,
    metricsPort: flags.metricsPort,
    tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey },
    metrics,
    logger,
    admission: {
      config,
      checkRole,
      maxBodyBytes: flags.maxBodyBytes,
      lookupServiceAccount: (namespace, name) => serviceAccounts.lookup(namespace, name),
      // A Pod that names an annotated ServiceAccount but could not be mutated gets a Warning
      // Event (and a log line): it would otherwise start silently without credentials.
      onMutationFailure: (pod, reason) => {
        const namespace = pod.metadata?.namespace ?? ''
        logger.warn(
          { namespace, pod: pod.metadata?.name ?? pod.metadata?.generateName, reason },
          'pod not mutated',
        )
        void events.podNotMutated(
          {
            namespace,
            ...(pod.metadata?.name !== undefined ? { name: pod.metadata.name } : {}),
            ...(pod.metadata?.generateName !== undefined
              ? { generateName: pod.metadata.generateName }
              : {}),
            ...(pod.metadata?.uid !== undefined ? { uid: pod.metadata.uid } : {}),
          },
          reason,
        )
      },
    },
  })
  return {
    server,
    metrics,
    async stop() {
      if (ccFile !== undefined) unwatchFile(ccFile, loadIdentities)
      serviceAccounts.stop()
      await server.close()
    },
  }
}

/** Registers `lanyard webhook` on the program. */
export function registerWebhookCommand(program: Command): void {
  program
    .command('webhook')
    .description(
      'the pod-identity admission webhook (HTTPS): gives Pods of annotated ServiceAccounts AWS credentials',
    )
    .option('--port <port>', `HTTPS port (default ${DEFAULT_WEBHOOK_PORT})`, wholeNumber)
    .option('--host <host>', 'address to bind (default: all)')
    .option(
      '--tls-cert <file>',
      'serving certificate, PEM; re-read when it changes',
      '/etc/webhook/certs/tls.crt',
    )
    .option(
      '--tls-key <file>',
      'key of --tls-cert, PEM; re-read when it changes',
      '/etc/webhook/certs/tls.key',
    )
    .option(
      '--metrics-port <port>',
      'also serve /metrics and /healthz over plain HTTP here',
      wholeNumber,
    )
    .option(
      '--annotation-prefix <prefix>',
      'annotation prefix on ServiceAccounts and Pods (default eks.amazonaws.com)',
    )
    .option('--token-audience <aud>', 'default token audience (default sts.amazonaws.com)')
    .option(
      '--token-expiration <seconds>',
      'default token lifetime (default 86400, minimum 600)',
      wholeNumber,
    )
    .option(
      '--token-mount-path <path>',
      'where the token is mounted (default /var/run/secrets/eks.amazonaws.com/serviceaccount)',
    )
    .option(
      '--aws-default-region <region>',
      'inject AWS_DEFAULT_REGION and AWS_REGION with this value',
    )
    .option('--sts-regional-endpoint [bool]', 'inject AWS_STS_REGIONAL_ENDPOINTS=regional', goBool)
    .option(
      '--sts-endpoint-url <url>',
      "inject AWS_ENDPOINT_URL_STS: Lanyard's STS URL as the Pods reach it",
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig of the cluster (default: $KUBECONFIG, ~/.kube/config, in-cluster)',
    )
    .option('--in-cluster', "use the Pod's own ServiceAccount to reach the API server")
    .option(
      '--check-roles',
      'warn at admission when the role is missing or its trust policy would refuse',
    )
    .option('--issuer <url>', "the cluster's service-account issuer url (for --check-roles)")
    .option(
      '--lanyard-url <url>',
      "Lanyard's URL for --check-roles (credentials: the AWS SDK chain)",
    )
    .option('--lanyard-ca <file>', 'CA bundle to trust for --lanyard-url')
    .option(
      '--data-dir <dir>',
      "without --lanyard-url: the local Lanyard's data dir (env LANYARD_DATA_DIR)",
    )
    .option('--max-body-bytes <n>', 'largest AdmissionReview accepted (default 3 MiB)', wholeNumber)
    .option(
      '--watch-container-credentials-config <file>',
      'EKS Pod Identity identities file (JSON), re-read when it changes',
    )
    .option('--container-credentials-audience <aud>', 'audience in Pod Identity mode')
    .option('--container-credentials-token-mount-path <path>', 'mount path in Pod Identity mode')
    .option('--container-credentials-token-volume-name <name>', 'volume name in Pod Identity mode')
    .option('--container-credentials-token-path <path>', 'token file name in Pod Identity mode')
    .option(
      '--container-credentials-full-uri <uri>',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI in Pod Identity mode',
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .action(async (flags: WebhookFlags) => {
      const logger = pino({ level: flags.logLevel ?? 'info' })
      const running = await runWebhook(flags, logger)
      console.log(
        `lanyard webhook ready on ${running.server.url} (POST /mutate, GET /healthz, GET /metrics)`,
      )
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          console.log(`lanyard webhook: ${signal} received, draining`)
          running.stop().then(resolve, resolve)
        }
        process.once('SIGTERM', () => stop('SIGTERM'))
        process.once('SIGINT', () => stop('SIGINT'))
      })
    })
}
