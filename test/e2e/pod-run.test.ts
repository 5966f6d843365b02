import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { associateIamOidcProvider } from '../../src/cli/associate-provider.js'
import { lanyardCli, requireTool, run, startTestServer, type TestServer } from './harness.js'
import { webIdentityTrust } from './irsa-setup.js'

const FIXTURES = 'test/fixtures/pods'
const SEED_POD = `${FIXTURES}/seed/pod.yaml`
const SDK_POD = `${FIXTURES}/node-sdk/pod.yaml`
const seedServiceAccount = (accountId: string) =>
  readFileSync(`${FIXTURES}/seed/service-account.yaml`, 'utf8').replace('123456789012', accountId)

/** What the shell that runs `lanyard pod run` holds: none of its AWS_* may reach the pod. */
const poisonedShell = (path = process.env.PATH ?? '/usr/bin:/bin'): Record<string, string> => {
  const env: Record<string, string> = {
    PATH: path,
    HOME: process.env.HOME ?? '/tmp',
    // Credentials in the environment come first in every SDK's chain: had they leaked, the pod
    // would call Lanyard as someone else and the exchange below would never happen.
    AWS_ACCESS_KEY_ID: 'AKIAHOSTSHELLLEAKED1',
    AWS_SECRET_ACCESS_KEY: 'host-shell-secret-access-key',
    AWS_SESSION_TOKEN: 'host-shell-session-token',
    AWS_PROFILE: 'production',
    AWS_REGION: 'ap-southeast-2',
    AWS_DEFAULT_REGION: 'ap-southeast-2',
    // A closed local port, so that a leak fails fast instead of reaching the network.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    AWS_ROLE_ARN: 'arn:aws:iam::999999999999:role/HostRole',
    AWS_WEB_IDENTITY_TOKEN_FILE: '/nonexistent/host/token',
    AWS_CONFIG_FILE: '/nonexistent/host/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/host/credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
  for (const k of ['LANG', 'PYENV_ROOT', 'PYENV_VERSION']) {
    const v = process.env[k]
    if (v !== undefined) env[k] = v
  }
  return env
}

/**
 * The seed tutorial's cluster, OIDC provider and ClusterSelfDescribeRole (trust: the
 * ServiceAccount test/my-service-account; permission: eks:DescribeCluster), as
 * irsa-exchange.test.ts creates them.
 */
async function seedCluster(t: TestServer, sdk: Record<string, unknown>, useEksctl: boolean) {
  const eks = new EKSClient(sdk)
  const iam = new IAMClient(sdk)
  const { cluster } = await eks.send(new CreateClusterCommand({ name: 'my-cluster' } as never))
  const issuer = cluster?.identity?.oidc?.issuer as string
  const providerArn = useEksctl
    ? await associateIamOidcProvider({
        cluster: 'my-cluster',
        approve: true,
        dataDir: t.dataDir,
        print: () => {},
      })
    : (
        await iam.send(
          new CreateOpenIDConnectProviderCommand({
            Url: issuer,
            ClientIDList: ['sts.amazonaws.com'],
          }),
        )
      ).OpenIDConnectProviderArn
  const host = issuer.slice('https://'.length)
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'ClusterSelfDescribeRole',
      AssumeRolePolicyDocument: webIdentityTrust(providerArn as string, {
        [`${host}:sub`]: 'system:serviceaccount:test:my-service-account',
      }),
    }),
  )
  const allow = async (actions: string[]) =>
    iam.send(
      new PutRolePolicyCommand({
        RoleName: 'ClusterSelfDescribeRole',
        PolicyName: 'ClusterOIDCPolicy',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'AllowDescribeCluster', Effect: 'Allow', Action: actions, Resource: '*' },
          ],
        }),
      }),
    )
  await allow(['eks:DescribeCluster'])
  return { issuer, allow }
}

/**
 * `lanyard pod run … --data-dir <the test server's>` from source, without blocking the event
 * loop of the server under test; `input` is its stdin (for `-f -`).
 */
const podRun = (t: TestServer, args: string[], input: string, env: Record<string, string>) =>
  run(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'pod', 'run', ...args, '--data-dir', t.dataDir],
    { env, input, timeoutMs: 120_000 },
  )

const IMAGE_NOTICE =
  "lanyard: image amazon/aws-cli is not pulled; running `sh -c 'aws eks describe-cluster --name my-cluster'` with the host's tools\n"

describe('lanyard pod run (HTTP server, the seed manifests)', () => {
  let t: TestServer
  let allow: (actions: string[]) => Promise<unknown>
  let account: string
  const hasAws = requireTool('aws')
  let scratch: string

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'lanyard-pod-e2e-'))
    t = await startTestServer({ issuerBaseUrl: 'https://oidc.lanyard.test' })
    account = t.credentials.accountId
    ;({ allow } = await seedCluster(t, t.sdk, false))
  })
  afterAll(async () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
    await t?.close()
  })

  const podRunStdin = (args: string[], input: string, env = poisonedShell()) =>
    podRun(t, args, input, env)

  it.runIf(hasAws)(
    "runs the seed's Pod with the machine's aws CLI: the output is the cluster JSON of the seed's kubectl logs",
    async () => {
      const r = await podRunStdin(
        ['-n', 'test', '-f', '-', '-f', SEED_POD],
        seedServiceAccount(account),
      )
      expect(r.stderr).toBe(IMAGE_NOTICE)
      expect(r.status).toBe(0)
      const out = JSON.parse(r.stdout)
      expect(out.cluster).toMatchObject({
        name: 'my-cluster',
        arn: `arn:aws:eks:us-east-1:${account}:cluster/my-cluster`,
        status: 'ACTIVE',
      })
      expect(out.cluster.identity.oidc.issuer).toMatch(
        /^https:\/\/oidc\.lanyard\.test\/id\/[0-9A-F]{32}$/,
      )
    },
    120_000,
  )

  it('runs a Node container on the SDK default chain: allowed calls succeed, the rest is AccessDenied', async () => {
    await allow(['eks:DescribeCluster'])
    const denied = await podRunStdin(
      ['-n', 'test', '-f', '-', '-f', SDK_POD],
      seedServiceAccount(account),
    )
    expect(denied.status).toBe(1)
    const lines = denied.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toEqual([
      { call: 'DescribeCluster', ok: true, cluster: 'my-cluster' },
      { pod: 'sdk-pod' },
    ])
    const refusal = denied.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
    expect(refusal).toEqual([
      {
        call: 'ListClusters',
        ok: false,
        error: 'AccessDeniedException',
        message: expect.stringMatching(
          new RegExp(
            `^User: arn:aws:sts::${account}:assumed-role/ClusterSelfDescribeRole/aws-sdk-js-session-\\d+ is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:us-east-1:${account}:cluster/\\* because no identity-based policy allows the eks:ListClusters action$`,
          ),
        ),
      },
    ])

    await allow(['eks:DescribeCluster', 'eks:ListClusters'])
    const allowed = await podRunStdin(
      ['-n', 'test', '-f', '-', '-f', SDK_POD],
      seedServiceAccount(account),
    )
    expect(allowed.status).toBe(0)
    expect(
      allowed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { call: 'DescribeCluster', ok: true, cluster: 'my-cluster' },
      { call: 'ListClusters', ok: true, clusters: ['my-cluster'] },
      { pod: 'sdk-pod' },
    ])
    await allow(['eks:DescribeCluster'])
  }, 120_000)

  it("gives the container the pod's environment and token, and no AWS_* of the invoking shell", async () => {
    const script = join(scratch, 'report.cjs')
    writeFileSync(
      script,
      `const fs = require('node:fs')
const token = fs.readFileSync(process.env.AWS_WEB_IDENTITY_TOKEN_FILE, 'utf8')
console.log(JSON.stringify({ env: process.env, token }))
`,
    )
    const manifests = `${seedServiceAccount(account)}---
apiVersion: v1
kind: Pod
metadata:
  name: env-pod
  annotations:
    eks.amazonaws.com/token-expiration: "600"
spec:
  serviceAccountName: my-service-account
  containers:
  - name: report
    image: node:20
    command: ["node", ${JSON.stringify(script)}]
`
    const shell = poisonedShell()
    const r = await podRunStdin(['-n', 'test', '-f', '-'], manifests, shell)
    expect(r.status).toBe(0)
    const { env, token } = JSON.parse(r.stdout) as { env: Record<string, string>; token: string }
    const aws = Object.keys(env)
      .filter((k) => k.startsWith('AWS_'))
      .sort()
    expect(aws).toEqual([
      'AWS_CONFIG_FILE',
      'AWS_DEFAULT_REGION',
      'AWS_EC2_METADATA_DISABLED',
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_STS',
      'AWS_REGION',
      'AWS_ROLE_ARN',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
    ])
    for (const [k, v] of Object.entries(shell)) {
      if (k.startsWith('AWS_')) expect(env[k], k).not.toBe(v)
    }
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: t.server.url,
      AWS_ENDPOINT_URL_STS: t.server.url,
      AWS_REGION: 'us-east-1',
      AWS_ROLE_ARN: `arn:aws:iam::${account}:role/ClusterSelfDescribeRole`,
      PATH: shell.PATH,
      HOME: shell.HOME,
    })
    // The projected token: the pod's identity, bound to the pod, 600 s as annotated.
    const claims = decodeJwt(token) as Record<string, unknown> & { exp: number; iat: number }
    expect(claims).toMatchObject({
      sub: 'system:serviceaccount:test:my-service-account',
      aud: ['sts.amazonaws.com'],
      iss: expect.stringMatching(/^https:\/\/oidc\.lanyard\.test\/id\/[0-9A-F]{32}$/),
      'kubernetes.io': {
        namespace: 'test',
        pod: { name: 'env-pod', uid: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        serviceaccount: { name: 'my-service-account' },
      },
    })
    expect(claims.exp - claims.iat).toBe(600)
  }, 120_000)

  it('refuses an AWS CLI too old for AWS_ENDPOINT_URL (Debian 2.9.19) with the problem and the fix', async () => {
    const bin = join(scratch, 'old-aws')
    mkdirSync(bin, { recursive: true })
    writeFileSync(
      join(bin, 'aws'),
      `#!/bin/sh\nif [ "$1" = --version ]; then echo 'aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off'; exit 0; fi\necho CALLED-REAL-AWS\n`,
    )
    chmodSync(join(bin, 'aws'), 0o755)
    const r = await podRunStdin(
      ['-n', 'test', '-f', '-', '-f', SEED_POD],
      seedServiceAccount(account),
      poisonedShell(`${bin}:${process.env.PATH}`),
    )
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      "lanyard: container `my-container` runs `aws`, but it is AWS CLI 2.9.19, which ignores AWS_ENDPOINT_URL (honoured from 2.13.0) and would send the pod's calls to real AWS instead of Lanyard: install AWS CLI v2 2.13.0 or later (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)\n",
    )
  }, 120_000)

  it('explains a missing ServiceAccount and a missing command without running anything', async () => {
    const noSa = await lanyardCli(
      ['pod', 'run', '-n', 'test', '-f', SEED_POD, '--data-dir', t.dataDir],
      poisonedShell(),
    )
    expect(noSa.status).toBe(1)
    expect(noSa.stderr).toBe(
      'lanyard: service account `my-service-account` of namespace `test` is not among the manifests: pass its manifest with -f\n',
    )
    const noCommand = await podRunStdin(
      ['-n', 'test', '-f', '-'],
      `${seedServiceAccount(account)}---\nkind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n  serviceAccountName: my-service-account\n  containers: [{name: c, image: amazon/aws-cli}]\n`,
    )
    expect(noCommand.status).toBe(1)
    expect(noCommand.stderr).toBe(
      'lanyard: container `c` has no command and the entrypoint of image `amazon/aws-cli` is unknown without pulling it: set `command` in the manifest\n',
    )
  }, 60_000)
})

describe('lanyard pod run (HTTPS server, eksctl-style provider)', () => {
  let t: TestServer
  let account: string
  const hasAws = requireTool('aws')

  beforeAll(async () => {
    t = await startTestServer({ tls: 'auto' })
    account = t.credentials.accountId
    const ca = readFileSync(t.server.caBundle as string)
    await seedCluster(t, { ...t.sdk, requestHandler: { httpsAgent: new Agent({ ca }) } }, true)
  })
  afterAll(async () => {
    await t?.close()
  })

  const podRunStdin = (args: string[], input: string) => podRun(t, args, input, poisonedShell())

  it.runIf(hasAws)(
    "the seed's Pod trusts Lanyard's CA through AWS_CA_BUNDLE",
    async () => {
      const r = await podRunStdin(
        ['-n', 'test', '-f', '-', '-f', SEED_POD],
        seedServiceAccount(account),
      )
      expect(r.stderr).toBe(IMAGE_NOTICE)
      expect(r.status).toBe(0)
      expect(JSON.parse(r.stdout).cluster.identity.oidc.issuer).toMatch(
        /^https:\/\/127\.0\.0\.1:\d+\/id\/[0-9A-F]{32}$/,
      )
    },
    120_000,
  )

  it('a Node container trusts it through NODE_EXTRA_CA_CERTS (the SDK v3 ignores AWS_CA_BUNDLE)', async () => {
    const r = await podRunStdin(
      ['-n', 'test', '-f', '-', '-f', SDK_POD],
      seedServiceAccount(account),
    )
    expect(r.stdout.split('\n')[0]).toBe(
      '{"call":"DescribeCluster","ok":true,"cluster":"my-cluster"}',
    )
  }, 120_000)
})
