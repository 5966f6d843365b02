#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { CreateClusterCommand } from '@aws-sdk/client-eks'
import { Command, Option } from 'commander'
import { startServerProcesses } from '../cluster/primary.js'
import { loadConfig, processEnv, quietSdkVersionNotice } from '../config/config.js'
import { LanyardError } from '../errors.js'
import { associateIamOidcProvider } from './associate-provider.js'
import { auditLines, explainRequest } from './audit-command.js'
import { exportClusterSigningKey, importClusterSigningKey } from './cluster-keys.js'
import { clientContext } from './context.js'
import { envLines } from './env-command.js'
import { registerPodCommand } from './pod-command.js'
import { lintPolicyFile } from './policy-command.js'
import { setProviderJwks, syncProviderJwks } from './provider-jwks.js'
import { sdkClients } from './sdk-clients.js'
import { registerStackCommand } from './stack-command.js'
import { createToken } from './token-command.js'
import { registerWebhookCommand } from './webhook-command.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

const int = (value: string): number => {
  if (!/^\d+$/.test(value))
    throw new LanyardError('config.invalid', `\`${value}\` is not a whole number`)
  return Number(value)
}

quietSdkVersionNotice()

const program = new Command('lanyard')
  .description('Self-hosted AWS IAM Roles for Service Accounts')
  .version(pkg.version)
  .showHelpAfterError()

program
  .command('up')
  .description('start the server: OIDC issuers, IAM, STS and EKS on one port')
  .option('--host <host>', 'address to bind (env LANYARD_HOST)', undefined)
  .option('--port <port>', 'port to bind, 0 = any free port (env LANYARD_PORT)', undefined)
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)', undefined)
  .option('--region <region>', 'AWS region the server claims (env LANYARD_REGION)', undefined)
  .option(
    '--account-id <id>',
    '12-digit account id for a new data dir (env LANYARD_ACCOUNT_ID)',
    undefined,
  )
  .option(
    '--issuer-base-url <url>',
    'public URL the OIDC issuers live under (env LANYARD_ISSUER_BASE_URL)',
    undefined,
  )
  .addOption(
    new Option(
      '--tls <mode>',
      'auto: generate a local CA and serve HTTPS (env LANYARD_TLS)',
    ).choices(['auto', 'off']),
  )
  .option(
    '--tls-cert <file>',
    'serve HTTPS with this certificate (env LANYARD_TLS_CERT)',
    undefined,
  )
  .option('--tls-key <file>', 'private key of --tls-cert (env LANYARD_TLS_KEY)', undefined)
  .option(
    '--strict-trust',
    'refuse OIDC trust policies without sub and aud conditions (env LANYARD_STRICT_TRUST)',
  )
  .option(
    '--explain-denials',
    'append the reason to access-denied messages; development only (env LANYARD_EXPLAIN_DENIALS)',
  )
  .option(
    '--limit <name=value>',
    'lift an IAM quota, e.g. trustPolicySize=4096; repeatable (env LANYARD_LIMITS, comma-separated)',
    (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
  )
  .option(
    '--audit-log <file>',
    'also append every audit record to this file as a JSON line, 0600 (env LANYARD_AUDIT_LOG)',
  )
  .option(
    '--workers <n>',
    'server processes sharing the port: a count, or auto for one per CPU (default 1; env LANYARD_WORKERS)',
  )
  .option(
    '--audit-retention-days <days>',
    'delete audit records older than this many days, 0 = keep all (default 90; env LANYARD_AUDIT_RETENTION_DAYS)',
  )
  .action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
    const { limit, ...flags } = opts
    const config = loadConfig({
      flags: { ...flags, limits: limit as string[] | undefined },
      env: processEnv(),
    })
    const server = await startServerProcesses(config, {
      onWorkerExit: (index, code, signal) => {
        // The server is down with it: exit, so that a supervisor starts it again (the first
        // process of the next start marks the stack operations left in progress failed).
        console.error(
          `lanyard: worker process ${index} exited (${signal ?? `code ${code}`}); stopping`,
        )
        void server.close().finally(() => process.exit(1))
      },
    })
    const stop = (signal: string) => {
      console.log(`lanyard: ${signal} received, draining`)
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    // Before the ready line: whoever waits for it may signal at once (stdout to a pipe is
    // synchronous on Linux).
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
    // Log rotation: the --audit-log file is opened again (the rotator renamed it).
    process.on('SIGHUP', () => void server.reopenAuditLog())
    console.log(
      `lanyard ready on ${server.url} (account ${server.accountId}, region ${server.region}); run: eval "$(npx lanyard env${config.dataDir === './.lanyard' ? '' : ` --data-dir ${config.dataDir}`})"`,
    )
  })

program
  .command('env')
  .description('print export lines for the AWS CLI and SDKs: eval "$(npx lanyard env)"')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action((opts: { dataDir?: string }) => {
    for (const line of envLines(opts.dataDir)) console.log(line)
  })

const token = program.command('token').description('service-account tokens')
token
  .command('create')
  .description('mint a projected service-account token from a cluster issuer')
  .option('--cluster <name>', 'cluster whose issuer signs (default: the only cluster)')
  .requiredOption('--namespace <ns>', 'Kubernetes namespace')
  .requiredOption('--service-account <name>', 'service account name')
  .option('--audience <aud>', 'token audience (repeatable)', (v: string, acc: string[] = []) => [
    ...acc,
    v,
  ])
  .option('--expiration <seconds>', 'lifetime in seconds (default 86400, minimum 600)', int)
  .option('--pod-name <name>', 'bind the token to a pod (with --pod-uid)')
  .option('--pod-uid <uid>', 'uid of the bound pod')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (o: Record<string, string | number | string[] | undefined>) => {
    const jwt = await createToken(o.dataDir as string | undefined, {
      namespace: o.namespace as string,
      serviceAccount: o.serviceAccount as string,
      ...(o.cluster !== undefined ? { clusterName: o.cluster as string } : {}),
      ...(o.audience !== undefined ? { audiences: o.audience as string[] } : {}),
      ...(o.expiration !== undefined ? { expirationSeconds: o.expiration as number } : {}),
      ...(o.podName !== undefined ? { podName: o.podName as string } : {}),
      ...(o.podUid !== undefined ? { podUid: o.podUid as string } : {}),
    })
    console.log(jwt)
  })

const cluster = program.command('cluster').description('EKS-style clusters and their OIDC issuers')
cluster
  .command('create <name>')
  .description('create a cluster with its own OIDC issuer')
  .option('--version <version>', 'Kubernetes version to report')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (name: string, o: { version?: string; dataDir?: string }) => {
    const { eks } = sdkClients(clientContext(o.dataDir))
    const out = await eks.send(
      new CreateClusterCommand({
        name,
        ...(o.version !== undefined ? { version: o.version } : {}),
      } as ConstructorParameters<typeof CreateClusterCommand>[0]),
    )
    console.log(`cluster ${name} created; OIDC issuer ${out.cluster?.identity?.oidc?.issuer}`)
  })
cluster
  .command('export-signing-key')
  .description("write the cluster issuer's private signing key (PKCS #8 PEM) for kube-apiserver")
  .requiredOption('--cluster <name>', 'cluster name')
  .option('--out <file>', 'private key file, written 0600 (default: stdout)')
  .option('--public-out <file>', 'public key file (default: --out with .pub)')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (o: { cluster: string; out?: string; publicOut?: string; dataDir?: string }) => {
    await exportClusterSigningKey({
      ...o,
      // With the key on stdout, everything else goes to stderr so `> sa.key` stays clean.
      print: (l) => (o.out === undefined ? console.error(l) : console.log(l)),
      write: (pem) => process.stdout.write(pem),
    })
  })
cluster
  .command('import-signing-key')
  .description("add an existing RSA private key (e.g. kube-apiserver's) to a cluster's issuer")
  .requiredOption('--cluster <name>', 'cluster name')
  .requiredOption('--file <key.pem>', 'PEM private key (PKCS #1 or PKCS #8)')
  .option('--activate', 'Lanyard signs its own tokens with it too (default: JWKS only)')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (o: { cluster: string; file: string; activate?: boolean; dataDir?: string }) => {
    await importClusterSigningKey({ ...o, print: (l) => console.log(l) })
  })

const utils = program.command('utils').description('eksctl-style helpers')
utils
  .command('associate-iam-oidc-provider')
  .description("create the IAM OIDC provider for a cluster's issuer (as eksctl does)")
  .requiredOption('--cluster <name>', 'cluster name')
  .option('--approve', 'apply the change (otherwise only print the plan)', false)
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (o: { cluster: string; approve: boolean; dataDir?: string }) => {
    await associateIamOidcProvider({ ...o, print: (l) => console.log(l) })
  })

const provider = program.command('oidc-provider').description('IAM OIDC providers')
provider
  .command('set-jwks')
  .description("upload a private issuer's JWKS: its tokens then verify without any fetch")
  .requiredOption('--arn <arn>', 'the IAM OIDC provider ARN')
  .requiredOption('--file <jwks.json>', 'the JWK Set (public keys only)')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (o: { arn: string; file: string; dataDir?: string }) => {
    await setProviderJwks({ ...o, print: (l) => console.log(l) })
  })

provider
  .command('sync-jwks')
  .description("read a private cluster's issuer keys through its Kubernetes API and store them")
  .requiredOption('--arn <arn>', "the IAM OIDC provider ARN (its URL must be the cluster's issuer)")
  .option('--kubeconfig <file>', 'kubeconfig to reach the cluster (default: the usual kubeconfig)')
  .option('--in-cluster', 'use the in-cluster service account')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(
    async (o: { arn: string; kubeconfig?: string; inCluster?: boolean; dataDir?: string }) => {
      await syncProviderJwks({ ...o, print: (l) => console.log(l) })
    },
  )

program
  .command('policy')
  .description('IAM policy tools')
  .command('lint <file>')
  .description(
    'findings for a policy document (- for stdin); for a trust policy, who can assume the role',
  )
  .addOption(
    new Option('--kind <kind>', 'what the document is')
      .choices(['trust', 'identity', 'resource', 'session', 'boundary'])
      .default('trust'),
  )
  .action((file: string, o: { kind: string }) => {
    const r = lintPolicyFile(file, o.kind)
    for (const line of r.lines) console.log(line)
    if (r.failed) process.exitCode = 1
  })

program
  .command('audit')
  .description("the audit trail, newest first (CloudTrail records with Lanyard's join keys)")
  .option('--since <when>', 'an ISO instant, or a duration back from now: 15m, 2h, 7d')
  .option('--event <name>', 'only this event, e.g. AssumeRoleWithWebIdentity')
  .option('--principal <arn>', 'only this principal (session, root or provider ARN)')
  .option('--request-id <id>', 'only this request')
  .option('--jti <jti>', "a token's jti: its exchanges and every call their sessions made")
  .option(
    '--access-key-id <id>',
    'a session: the exchange that issued this access key id and every call signed with it',
  )
  .option('--limit <n>', 'at most this many records (default 100)', int)
  .addOption(
    new Option('--output <format>', 'table or json (one CloudTrail record per line)')
      .choices(['table', 'json'])
      .default('table'),
  )
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (o: Parameters<typeof auditLines>[0]) => {
    for (const line of await auditLines(o)) console.log(line)
  })

program
  .command('explain <request-id>')
  .description('why a request was allowed or denied, in plain words')
  .option('--data-dir <dir>', 'data directory (env LANYARD_DATA_DIR)')
  .action(async (requestId: string, o: { dataDir?: string }) => {
    for (const line of await explainRequest(requestId, o.dataDir)) console.log(line)
  })

registerPodCommand(program)
registerStackCommand(program)
registerWebhookCommand(program)

let serving = false
program.hook('preAction', (_program, command) => {
  serving = command.name() === 'up'
})

program
  .parseAsync(process.argv)
  .then(() => {
    // Client commands end here: SDK keep-alive sockets must not hold the process open.
    if (!serving) process.exit(process.exitCode ?? 0)
  })
  .catch((err: unknown) => {
    const message =
      err instanceof LanyardError || (err instanceof Error && err.name !== 'Error')
        ? err.message
        : String(err)
    console.error(`lanyard: ${message}`)
    process.exit(1)
  })
