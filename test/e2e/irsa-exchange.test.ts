import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks'
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam'
import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts'
import { fromNodeProviderChain, fromTokenFile } from '@aws-sdk/credential-providers'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createToken } from '../../src/cli/token-command.js'
import { awsCli, requireTool, startTestServer, type TestServer } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

const ISSUER_BASE = 'https://oidc.lanyard.test'

/**
 * The core of IRSA end to end: a pod's token becomes credentials through the unmodified SDK
 * credential chain and CLI, and calls made with them are authorized by the role's policies.
 */
describe('IRSA exchange with unmodified clients', () => {
  let t: TestServer
  let roleArn: string
  let tokenFile: string
  const hasAws = requireTool('aws')
  const saved = { ...process.env }

  const token = (serviceAccount: string, namespace = 'test') =>
    createToken(t.dataDir, {
      namespace,
      serviceAccount,
      podName: 'my-pod',
      podUid: '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11',
    })

  beforeAll(async () => {
    t = await startTestServer({ issuerBaseUrl: ISSUER_BASE })
    ;({ roleArn } = await setUpIrsa(t, {
      roleName: 'ClusterSelfDescribeRole',
      subject: 'test:my-service-account',
      allow: ['eks:DescribeCluster'],
    }))
    const dir = mkdtempSync(join(tmpdir(), 'lanyard-token-'))
    tokenFile = join(dir, 'token')
    // kubelet writes the token without a newline; editors and `echo` add one: accept both.
    writeFileSync(tokenFile, `${await token('my-service-account')}\n`)
  })

  afterAll(async () => {
    process.env = saved
    await t?.close()
  })

  const sdkEnv = () => {
    process.env.AWS_ROLE_ARN = roleArn
    process.env.AWS_WEB_IDENTITY_TOKEN_FILE = tokenFile
    process.env.AWS_ENDPOINT_URL_STS = t.server.url
    process.env.AWS_REGION = 'us-east-1'
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_SECRET_ACCESS_KEY
    delete process.env.AWS_PROFILE
  }

  it('fromTokenFile exchanges the token (file ending in a newline) and describes the cluster', async () => {
    sdkEnv()
    const credentials = await fromTokenFile()()
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(credentials.sessionToken).toBeTruthy()
    expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now() + 3000 * 1000)
    const eks = new EKSClient({ endpoint: t.server.url, region: 'us-east-1', credentials })
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))
    expect(cluster?.name).toBe('my-cluster')
  })

  it('fromNodeProviderChain (what an unmodified app gets) works, and policy denies what it does not allow', async () => {
    sdkEnv()
    const eks = new EKSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: fromNodeProviderChain(),
    })
    expect(
      (await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))).cluster?.status,
    ).toBe('ACTIVE')
    const denied = await eks
      .send(new ListClustersCommand({}))
      .catch((e: unknown) => e as { name: string; message: string })
    expect(denied).toMatchObject({ name: 'AccessDeniedException' })
    const acct = t.credentials.accountId
    expect((denied as { message: string }).message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::${acct}:assumed-role/ClusterSelfDescribeRole/aws-sdk-js-session-\\d+ is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:us-east-1:${acct}:cluster/\\* because no identity-based policy allows the eks:ListClusters action$`,
      ),
    )
  })

  it('GetCallerIdentity answers for the session', async () => {
    sdkEnv()
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: fromTokenFile(),
    })
    const id = await sts.send(new GetCallerIdentityCommand({}))
    expect(id.Account).toBe(t.credentials.accountId)
    expect(id.Arn).toMatch(
      new RegExp(
        `^arn:aws:sts::${t.credentials.accountId}:assumed-role/ClusterSelfDescribeRole/aws-sdk-js-session-\\d+$`,
      ),
    )
    expect(id.UserId).toMatch(/^AROA[A-Z2-7]{17}:aws-sdk-js-session-\d+$/)
  })

  it('refuses a token of another service account with AWS’s AccessDenied', async () => {
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    })
    const err = await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: 'session',
          WebIdentityToken: await token('other'),
        }),
      )
      .catch(
        (e: unknown) =>
          e as { name: string; message: string; $metadata: { httpStatusCode: number } },
      )
    expect(err).toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    })
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403)
  })

  it('answers a role that does not exist exactly like a trust denial (no oracle)', async () => {
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    })
    const err = await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: `arn:aws:iam::${t.credentials.accountId}:role/Nope`,
          RoleSessionName: 'session',
          WebIdentityToken: await token('my-service-account'),
        }),
      )
      .catch((e: unknown) => e as { name: string; message: string })
    expect(err).toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    })
  })

  it.runIf(hasAws)('aws sts assume-role-with-web-identity returns credentials', async () => {
    const r = await awsCli(t, [
      'sts',
      'assume-role-with-web-identity',
      '--role-arn',
      roleArn,
      '--role-session-name',
      'cli',
      '--web-identity-token',
      await token('my-service-account'),
    ])
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.Credentials.AccessKeyId).toMatch(/^ASIA/)
    expect(out.AssumedRoleUser.Arn).toBe(
      `arn:aws:sts::${t.credentials.accountId}:assumed-role/ClusterSelfDescribeRole/cli`,
    )
    expect(out.SubjectFromWebIdentityToken).toBe('system:serviceaccount:test:my-service-account')
    expect(out.Provider).toMatch(
      /^arn:aws:iam::\d{12}:oidc-provider\/oidc\.lanyard\.test\/id\/[0-9A-F]{32}$/,
    )
    expect(out.Audience).toBe('sts.amazonaws.com')
  })

  it.runIf(hasAws)(
    "the aws CLI's own web-identity chain runs aws eks describe-cluster",
    async () => {
      const env = {
        ...t.env,
        AWS_ROLE_ARN: roleArn,
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      } as Record<string, string>
      delete env.AWS_ACCESS_KEY_ID
      delete env.AWS_SECRET_ACCESS_KEY
      const r = await awsCli(t, ['eks', 'describe-cluster', '--name', 'my-cluster'], env)
      expect(r.stderr).toBe('')
      expect(JSON.parse(r.stdout).cluster.name).toBe('my-cluster')
    },
  )

  it('refreshes expired credentials by re-reading the token file', async () => {
    sdkEnv()
    const eks = new EKSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: fromNodeProviderChain(),
    })
    await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))
    // The token file now holds a token the trust policy refuses; nothing changes until the
    // credentials expire, then the SDK re-reads the file (and is refused).
    writeFileSync(tokenFile, await token('intruder'))
    expect((await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))).cluster?.name).toBe(
      'my-cluster',
    )
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 61 * 60 * 1000)
      const refused = await eks
        .send(new DescribeClusterCommand({ name: 'my-cluster' }))
        .catch((e: { name: string }) => e)
      expect(refused).toMatchObject({ name: 'AccessDenied' })
      writeFileSync(tokenFile, await token('my-service-account'))
      expect(
        (await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))).cluster?.name,
      ).toBe('my-cluster')
    } finally {
      vi.useRealTimers()
    }
  })

  it('SimulatePrincipalPolicy answers with the same engine that authorizes calls', async () => {
    const iam = new IAMClient(t.sdk)
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['eks:DescribeCluster', 'eks:ListClusters'],
      }),
    )
    expect(out.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['eks:DescribeCluster', 'allowed'],
      ['eks:ListClusters', 'implicitDeny'],
    ])
  })
})
