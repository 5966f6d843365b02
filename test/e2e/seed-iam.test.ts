import { readFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks'
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { associateIamOidcProvider } from '../../src/cli/associate-provider.js'
import {
  awsCli,
  lanyardCli,
  requireTool,
  run,
  startTestServer,
  type TestServer,
} from './harness.js'

/**
 * The seed tutorial's steps up to `aws iam list-roles | jq`, against a real server on HTTPS
 * (`--tls auto`), with the unmodified AWS SDK v3 and the machine's `aws` CLI. The role is
 * created through the IAM API until the CloudFormation engine exists.
 */
describe('seed tutorial through IAM and EKS (HTTPS)', () => {
  let t: TestServer
  let iam: IAMClient
  let eks: EKSClient
  const hasAws = requireTool('aws')
  const hasJq = requireTool('jq')

  beforeAll(async () => {
    t = await startTestServer({ tls: 'auto' })
    const ca = readFileSync(t.server.caBundle as string)
    const handler = { requestHandler: { httpsAgent: new Agent({ ca }) } }
    iam = new IAMClient({ ...t.sdk, ...handler })
    eks = new EKSClient({ ...t.sdk, ...handler })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('creates my-cluster with an HTTPS issuer', async () => {
    const created = await lanyardCli(['cluster', 'create', 'my-cluster', '--data-dir', t.dataDir])
    expect(created.stderr).toBe('')
    expect(created.status).toBe(0)
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))
    expect(cluster?.identity?.oidc?.issuer).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/id\/[0-9A-F]{32}$/,
    )
    expect(cluster?.arn).toBe(`arn:aws:eks:us-east-1:${t.credentials.accountId}:cluster/my-cluster`)
    expect((await eks.send(new ListClustersCommand({}))).clusters).toEqual(['my-cluster'])
  })

  it('associates the IAM OIDC provider idempotently (eksctl utils associate-iam-oidc-provider)', async () => {
    const lines: string[] = []
    const arn = await associateIamOidcProvider({
      cluster: 'my-cluster',
      approve: true,
      dataDir: t.dataDir,
      print: (l) => lines.push(l),
    })
    expect(arn).toMatch(/^arn:aws:iam::\d{12}:oidc-provider\/127\.0\.0\.1:\d+\/id\/[0-9A-F]{32}$/)
    const again = await associateIamOidcProvider({
      cluster: 'my-cluster',
      approve: true,
      dataDir: t.dataDir,
      print: (l) => lines.push(l),
    })
    expect(again).toBe(arn)
    expect(lines.at(-1)).toContain('already associated')
    const list = await iam.send(new ListOpenIDConnectProvidersCommand({}))
    expect(list.OpenIDConnectProviderList?.map((p) => p.Arn)).toEqual([arn])
  })

  it('creates ClusterSelfDescribeRole with the seed trust and permission policies', async () => {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))
    const issuer = String(cluster?.identity?.oidc?.issuer).split('https://')[1] as string
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${t.credentials.accountId}:oidc-provider/${issuer}`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:test:my-service-account' },
          },
        },
      ],
    }
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'ClusterSelfDescribeRole',
        Path: '/',
        AssumeRolePolicyDocument: JSON.stringify(trust, null, 2),
      }),
    )
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/)
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowDescribeCluster',
          Effect: 'Allow',
          Action: ['eks:DescribeCluster'],
          Resource: '*',
        },
      ],
    }
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'ClusterSelfDescribeRole',
        PolicyName: 'ClusterOIDCPolicy',
        PolicyDocument: JSON.stringify(policy),
      }),
    )
    const role = await iam.send(new GetRoleCommand({ RoleName: 'ClusterSelfDescribeRole' }))
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument as string))).toEqual(
      trust,
    )
    const inline = await iam.send(
      new GetRolePolicyCommand({
        RoleName: 'ClusterSelfDescribeRole',
        PolicyName: 'ClusterOIDCPolicy',
      }),
    )
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument as string))).toEqual(policy)
  })

  it.runIf(hasAws && hasJq)('aws iam list-roles | jq prints the role ARN', async () => {
    const r = await run(
      'sh',
      [
        '-c',
        `aws iam list-roles --output json | jq -r '.Roles | map(select(.RoleName == "ClusterSelfDescribeRole")) | .[0].Arn'`,
      ],
      { env: t.env },
    )
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe(
      `arn:aws:iam::${t.credentials.accountId}:role/ClusterSelfDescribeRole`,
    )
  })

  it.runIf(hasAws)('aws eks describe-cluster returns the cluster with its issuer', async () => {
    const r = await awsCli(t, ['eks', 'describe-cluster', '--name', 'my-cluster'])
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.cluster.name).toBe('my-cluster')
    expect(out.cluster.identity.oidc.issuer).toMatch(/^https:\/\//)
    expect(out.cluster.status).toBe('ACTIVE')
  })

  it.runIf(hasAws)('aws iam errors carry AWS codes', async () => {
    const r = await awsCli(t, ['iam', 'get-role', '--role-name', 'NoSuchRole'])
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('(NoSuchEntity)')
    expect(r.stderr).toContain('The role with name NoSuchRole cannot be found.')
  })

  it('keeps everything across a restart', async () => {
    await t.restart()
    const role = await iam.send(new GetRoleCommand({ RoleName: 'ClusterSelfDescribeRole' }))
    expect(role.Role?.Arn).toBe(
      `arn:aws:iam::${t.credentials.accountId}:role/ClusterSelfDescribeRole`,
    )
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))
    expect(cluster?.name).toBe('my-cluster')
  })
})
