import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks'
import { CreatePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam'
import {
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleWithWebIdentityCommandInput,
  type Credentials,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/cli/token-command.js'
import { sdkError, startTestServer, type TestServer } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

const CLUSTER = 'my-cluster'
const allowOnly = (...actions: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
  })

/**
 * Session policies passed to AssumeRoleWithWebIdentity (`Policy`, `PolicyArns`), through the
 * unmodified SDK: the session gets the intersection of the role's permissions and its session
 * policies (STS-06), and bad session policies get AWS's errors (STS-05).
 */
describe('session policies', () => {
  let t: TestServer
  let roleArn: string
  let listOnlyArn: string
  let token: string
  let sts: STSClient

  beforeAll(async () => {
    t = await startTestServer({ issuerBaseUrl: 'https://oidc.lanyard.test' })
    ;({ roleArn } = await setUpIrsa(t, {
      cluster: CLUSTER,
      roleName: 'SessionPolicyRole',
      subject: 'test:app',
      allow: ['eks:DescribeCluster', 'eks:ListClusters'],
    }))
    const created = await new IAMClient(t.sdk).send(
      new CreatePolicyCommand({
        PolicyName: 'ListClustersOnly',
        PolicyDocument: allowOnly('eks:ListClusters'),
      }),
    )
    listOnlyArn = created.Policy?.Arn as string
    token = await createToken(t.dataDir, {
      namespace: 'test',
      serviceAccount: 'app',
      podName: 'app-0',
      podUid: '6a1f0f6e-8f3c-4a53-9a63-5f0e3b1c2d4e',
    })
    sts = new STSClient({ endpoint: t.server.url, region: 'us-east-1', maxAttempts: 1 })
  })
  afterAll(async () => {
    await t?.close()
  })

  const exchange = (extra: Partial<AssumeRoleWithWebIdentityCommandInput>) =>
    sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'app-0',
        WebIdentityToken: token,
        ...extra,
      }),
    )
  const clients = (c: Credentials | undefined) => {
    const credentials = {
      accessKeyId: c?.AccessKeyId as string,
      secretAccessKey: c?.SecretAccessKey as string,
      sessionToken: c?.SessionToken as string,
    }
    const config = { endpoint: t.server.url, region: 'us-east-1', maxAttempts: 1, credentials }
    return { eks: new EKSClient(config), iam: new IAMClient(config) }
  }

  it.each([
    ['an inline Policy', () => ({ Policy: allowOnly('eks:ListClusters') })],
    ['PolicyArns', () => ({ PolicyArns: [{ arn: listOnlyArn }] })],
  ])('%s narrows the session to what it allows', async (_, extra) => {
    const out = await exchange(extra())
    expect(out.PackedPolicySize).toBeGreaterThan(0)
    const { eks } = clients(out.Credentials)
    expect((await eks.send(new ListClustersCommand({}))).clusters).toContain(CLUSTER)
    const denied = await sdkError(eks.send(new DescribeClusterCommand({ name: CLUSTER })))
    expect(denied.name).toBe('AccessDeniedException')
    expect(denied.$metadata?.httpStatusCode).toBe(403)
    expect(denied.message).toMatch(
      /^User: arn:aws:sts::\d{12}:assumed-role\/SessionPolicyRole\/app-0 is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:us-east-1:\d{12}:cluster\/my-cluster because no session policy allows the eks:DescribeCluster action$/,
    )
  })

  it('GetCallerIdentity needs no permission: a session allowed nothing still gets its answer', async () => {
    const out = await exchange({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
      }),
    })
    const c = out.Credentials
    const who = await new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: {
        accessKeyId: c?.AccessKeyId as string,
        secretAccessKey: c?.SecretAccessKey as string,
        sessionToken: c?.SessionToken as string,
      },
    }).send(new GetCallerIdentityCommand({}))
    expect(who.Arn).toMatch(/^arn:aws:sts::\d{12}:assumed-role\/SessionPolicyRole\/app-0$/)
    const denied = await sdkError(
      clients(c).eks.send(new DescribeClusterCommand({ name: CLUSTER })),
    )
    expect(denied.message).toContain('with an explicit deny in a session policy')
  })

  it('a session policy broader than the role grants nothing more (STS-06)', async () => {
    const out = await exchange({ Policy: allowOnly('*') })
    const { eks, iam } = clients(out.Credentials)
    expect((await eks.send(new DescribeClusterCommand({ name: CLUSTER }))).cluster?.name).toBe(
      CLUSTER,
    )
    const denied = await sdkError(iam.send(new ListRolesCommand({})))
    expect(denied.name).toBe('AccessDenied')
    expect(denied.message).toContain('because no identity-based policy allows the iam:ListRoles')
  })

  it('without session policies the response has no PackedPolicySize', async () => {
    expect((await exchange({})).PackedPolicySize).toBeUndefined()
  })

  it.each([
    [
      'a Policy that is not JSON',
      () => ({ Policy: '{"Version":"2012-10-17","Statement":[' }),
      400,
      // The SDK's name for the modeled error whose wire code is MalformedPolicyDocument.
      'MalformedPolicyDocumentException',
      undefined,
    ],
    [
      'a Policy of more than 2,048 characters',
      () => ({ Policy: allowOnly(...Array.from({ length: 140 }, (_, i) => `eks:Action${i}`)) }),
      400,
      'ValidationError',
      /policy.*Member must have length less than or equal to 2048/,
    ],
    [
      'a Policy and PolicyArns together over the packed budget',
      () => ({
        Policy: allowOnly(...Array.from({ length: 120 }, (_, i) => `eks:Action${i}`)),
        PolicyArns: Array.from({ length: 10 }, () => ({ arn: listOnlyArn })),
      }),
      400,
      'PackedPolicyTooLargeException',
      /^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/,
    ],
    [
      'eleven PolicyArns',
      () => ({ PolicyArns: Array.from({ length: 11 }, () => ({ arn: listOnlyArn })) }),
      400,
      'ValidationError',
      /policyArns.*Member must have length less than or equal to 10/,
    ],
  ] as const)('%s: %s %s', async (_, extra, status, code, message) => {
    const err = await sdkError(exchange(extra()))
    expect(err.name).toBe(code)
    expect(err.$metadata?.httpStatusCode).toBe(status)
    if (message) expect(err.message).toMatch(message)
    expect(err.message).not.toContain(token)
  })
})
