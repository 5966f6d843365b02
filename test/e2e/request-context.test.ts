import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import {
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/cli/token-command.js'
import { startTestServer, type TestServer } from './harness.js'
import { setUpIrsa, webIdentityTrust } from './irsa-setup.js'

const CLUSTER = 'my-cluster'

/**
 * The request context a signed call is authorized with, over the wire: each statement of the
 * role's policy allows one action under one kind of condition key, and a pod's session calls
 * each action through the unmodified SDK. The Kubernetes principal tags come from the pod's
 * token (as EKS Pod Identity gives them); the global keys from the request (`aws:SourceIp`,
 * `aws:SecureTransport`, `aws:CurrentTime`) and the session (`aws:TokenIssueTime`,
 * `aws:userid`, `aws:PrincipalArn`).
 */
describe('the request context of signed calls', () => {
  let t: TestServer
  let roleArn: string
  let sts: STSClient

  const statement = (action: string, condition: Record<string, Record<string, unknown>>) => ({
    Effect: 'Allow',
    Action: action,
    Resource: '*',
    Condition: condition,
  })

  beforeAll(async () => {
    t = await startTestServer({ issuerBaseUrl: 'https://oidc.lanyard.test' })
    // The cluster, its issuer and provider; the role is made here, trusting `app` in any namespace.
    const { providerArn, issuer } = await setUpIrsa(t, {
      cluster: CLUSTER,
      roleName: 'Unused',
      subject: 'test:unused',
    })
    const host = issuer.slice('https://'.length)
    const iam = new IAMClient(t.sdk)
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: 'ContextRole',
        AssumeRolePolicyDocument: webIdentityTrust(
          providerArn,
          { [`${host}:aud`]: 'sts.amazonaws.com' },
          { [`${host}:sub`]: 'system:serviceaccount:*:app' },
        ),
      }),
    )
    roleArn = role.Role?.Arn as string
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'ContextRole',
        PolicyName: 'context',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            statement('eks:DescribeCluster', {
              StringEquals: {
                'aws:PrincipalTag/kubernetes-namespace': 'test',
                'aws:PrincipalTag/kubernetes-service-account': 'app',
                'aws:PrincipalTag/eks-cluster-name': CLUSTER,
              },
              StringLike: { 'aws:PrincipalTag/kubernetes-pod-name': 'app-*' },
            }),
            statement('iam:ListRoles', { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }),
            statement('iam:ListRolePolicies', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
            statement('iam:ListPolicies', { Bool: { 'aws:SecureTransport': 'false' } }),
            statement('iam:ListOpenIDConnectProviders', {
              DateLessThan: { 'aws:CurrentTime': '2100-01-01T00:00:00Z' },
              DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' },
            }),
            statement('iam:ListAttachedRolePolicies', {
              DateGreaterThan: { 'aws:CurrentTime': '2100-01-01T00:00:00Z' },
            }),
            statement('iam:GetRole', {
              StringLike: { 'aws:userid': 'AROA*:pod-session' },
              ArnEquals: { 'aws:PrincipalArn': roleArn },
            }),
          ],
        }),
      }),
    )
    sts = new STSClient({ endpoint: t.server.url, region: 'us-east-1', maxAttempts: 1 })
  })
  afterAll(async () => {
    await t?.close()
  })

  /** A pod's session (namespace `namespace`, service account `app`), as SDK clients. */
  const pod = async (namespace: string, podName: string) => {
    const token = await createToken(t.dataDir, {
      namespace,
      serviceAccount: 'app',
      podName,
      podUid: '0d4b1c9e-2f4a-4c7e-8a61-3b5d9e0f1a2c',
    })
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'pod-session',
        WebIdentityToken: token,
      }),
    )
    const credentials = {
      accessKeyId: out.Credentials?.AccessKeyId as string,
      secretAccessKey: out.Credentials?.SecretAccessKey as string,
      sessionToken: out.Credentials?.SessionToken as string,
    }
    const config = { endpoint: t.server.url, region: 'us-east-1', maxAttempts: 1, credentials }
    return { eks: new EKSClient(config), iam: new IAMClient(config) }
  }
  /** Whether the call is allowed; a refusal must be AWS's access-denied error. */
  const allowed = async (call: Promise<unknown>) => {
    try {
      await call
      return true
    } catch (err) {
      expect((err as Error).name).toMatch(/^AccessDenied(Exception)?$/)
      return false
    }
  }

  it('authorizes on the Kubernetes principal tags of the pod the session came from', async () => {
    const mine = await pod('test', 'app-7d9f')
    expect(await allowed(mine.eks.send(new DescribeClusterCommand({ name: CLUSTER })))).toBe(true)
    const otherNamespace = await pod('other', 'app-7d9f')
    expect(
      await allowed(otherNamespace.eks.send(new DescribeClusterCommand({ name: CLUSTER }))),
    ).toBe(false)
    const otherPod = await pod('test', 'batch-1')
    expect(await allowed(otherPod.eks.send(new DescribeClusterCommand({ name: CLUSTER })))).toBe(
      false,
    )
  })

  it('authorizes on the global keys of the request and of the session', async () => {
    const { iam } = await pod('test', 'app-7d9f')
    expect(
      Object.fromEntries(
        await Promise.all(
          [
            ['aws:SourceIp in 127.0.0.0/8', iam.send(new ListRolesCommand({}))],
            [
              'aws:SourceIp in 10.0.0.0/8',
              iam.send(new ListRolePoliciesCommand({ RoleName: 'ContextRole' })),
            ],
            ['aws:SecureTransport false', iam.send(new ListPoliciesCommand({}))],
            [
              'aws:CurrentTime before 2100, aws:TokenIssueTime after 2020',
              iam.send(new ListOpenIDConnectProvidersCommand({})),
            ],
            [
              'aws:CurrentTime after 2100',
              iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ContextRole' })),
            ],
            [
              'aws:userid and aws:PrincipalArn',
              iam.send(new GetRoleCommand({ RoleName: 'ContextRole' })),
            ],
          ].map(async ([name, call]) => [name, await allowed(call as Promise<unknown>)]),
        ),
      ),
    ).toEqual({
      'aws:SourceIp in 127.0.0.0/8': true,
      'aws:SourceIp in 10.0.0.0/8': false,
      'aws:SecureTransport false': true,
      'aws:CurrentTime before 2100, aws:TokenIssueTime after 2020': true,
      'aws:CurrentTime after 2100': false,
      'aws:userid and aws:PrincipalArn': true,
    })
  })
})
