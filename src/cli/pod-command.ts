import { readdirSync, readFileSync, statSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { decodeJwt } from 'jose'
import { DATABASE_FILE } from '../bootstrap/data-dir.js'
import { processEnv } from '../config/config.js'
import { LanyardError } from '../errors.js'
import { createIssuerService } from '../issuer/issuer-service.js'
import {
  type ManifestSource,
  type MintedToken,
  type PodTokenRequest,
  readManifests,
  runPod,
} from '../podrun/index.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import { resolveWebhookConfig } from '../webhook/webhook-config.js'
import { type ClientContext, clientContext } from './context.js'

/** Options of `lanyard pod run`, as commander parses them. */
export interface PodRunOptions {
  filename: string[]
  namespace?: string
  cluster?: string
  dataDir?: string
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

const MANIFEST_FILE = /\.(ya?ml|json)$/

/** kubectl's `-f`: a file, a directory of .yaml/.yml/.json files, or `-` for stdin (once). */
export function readManifestSources(
  names: readonly string[],
  readStdin: () => string,
): ManifestSource[] {
  if (names.filter((n) => n === '-').length > 1) {
    throw new LanyardError('request.invalid', 'stdin (`-f -`) can be read only once')
  }
  const sources: ManifestSource[] = []
  for (const name of names) {
    if (name === '-') {
      sources.push({ name: 'stdin', text: readStdin() })
      continue
    }
    let isDir = false
    try {
      isDir = statSync(name).isDirectory()
    } catch {
      throw new LanyardError('request.invalid', `manifest \`${name}\` does not exist`)
    }
    const files = isDir
      ? readdirSync(name)
          .filter((f) => MANIFEST_FILE.test(f))
          .sort()
          .map((f) => join(name, f))
      : [name]
    for (const file of files) sources.push({ name: file, text: readFileSync(file, 'utf8') })
  }
  return sources
}

/**
 * Mints a pod's projected token from the cluster's issuer, reading the signing key from the data
 * dir as `lanyard token create` does. Without an audience the token is for the issuer itself, as
 * kube-apiserver's `--api-audiences` defaults to its `--service-account-issuer`.
 */
async function mintPodToken(
  ctx: ClientContext,
  clusterName: string | undefined,
  request: PodTokenRequest,
): Promise<MintedToken> {
  const store = openSqliteStore(join(ctx.config.dataDir, DATABASE_FILE))
  try {
    const issuers = createIssuerService({
      store,
      issuerBaseUrl: () => ctx.endpoint.issuerBaseUrl,
      now: () => Date.now(),
    })
    const input = {
      ...(clusterName !== undefined ? { clusterName } : {}),
      namespace: request.namespace,
      serviceAccount: request.serviceAccount,
      expirationSeconds: request.expirationSeconds,
      podName: request.podName,
      podUid: request.podUid,
    }
    let minted = await issuers.mintToken({
      ...input,
      ...(request.audience !== undefined ? { audiences: [request.audience] } : {}),
    })
    if (request.audience === undefined) {
      minted = await issuers.mintToken({ ...input, audiences: [minted.issuer] })
    }
    const { iat, exp } = decodeJwt(minted.token)
    return { token: minted.token, issuedAt: (iat ?? 0) * 1000, expiresAt: (exp ?? 0) * 1000 }
  } finally {
    await store.close()
  }
}

/** `lanyard pod run`: resolves to the pod's exit status. */
export async function podRun(o: PodRunOptions): Promise<number> {
  const sources = readManifestSources(o.filename, () => readFileSync(0, 'utf8'))
  const manifests = readManifests(sources, o.namespace)
  for (const ignored of manifests.ignored) {
    console.error(
      `lanyard: ignoring ${ignored}: a local run uses ServiceAccounts, ConfigMaps, Secrets and one Pod`,
    )
  }
  const ctx = clientContext(o.dataDir)
  const abort = new AbortController()
  const stop = () => abort.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    return await runPod({
      manifests,
      // EKS runs the webhook with the cluster's region, and Lanyard's STS for the token exchange.
      webhookConfig: resolveWebhookConfig({
        awsDefaultRegion: ctx.endpoint.region,
        stsEndpointUrl: ctx.endpoint.url,
      }),
      lanyard: { endpointUrl: ctx.endpoint.url, caBundle: ctx.endpoint.caBundle },
      mint: (request) => mintPodToken(ctx, o.cluster, request),
      host: { env: processEnv(), hostName: hostname(), cwd: process.cwd(), tmpDir: tmpdir() },
      io: {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        notice: (line) => console.error(`lanyard: ${line}`),
      },
      signal: abort.signal,
    })
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    // Let piped output drain before the CLI exits.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()))
  }
}

/**
 * Registers `lanyard pod run`: runs a Pod's containers as local processes with the credentials
 * the pod identity webhook would give them in a cluster.
 */
export function registerPodCommand(program: Command): void {
  const pod = program.command('pod').description('run Kubernetes Pods locally')
  pod
    .command('run')
    .description(
      'run the containers of a Pod manifest as local processes with IRSA credentials from Lanyard',
    )
    .requiredOption(
      '-f, --filename <file>',
      'manifest file or directory (multi-document YAML; - for stdin), repeatable',
      collect,
    )
    .option('-n, --namespace <ns>', 'namespace of objects that name none (as kubectl apply -n)')
    .option('--cluster <name>', 'cluster whose issuer signs the token (default: the only cluster)')
    .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
    .action(async (o: PodRunOptions) => {
      process.exitCode = await podRun(o)
    })
}
