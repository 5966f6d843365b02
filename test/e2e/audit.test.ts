import { join } from 'node:path'
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CloudTrailEvent } from '../../src/audit/event.js'
import { DATABASE_FILE, listAuditJournals } from '../../src/bootstrap/data-dir.js'
import { auditLines, explainRequest } from '../../src/cli/audit-command.js'
import { createToken } from '../../src/cli/token-command.js'
import { queryAuditTrail } from '../../src/store/audit-journal/tail.js'
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { startTestServer, type TestServer } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

/**
 * The audit trail: every STS call, every signed call and every IAM change is one CloudTrail
 * record, joined from a pod's token to every call it made, and explained in plain words.
 */
describe('audit trail', () => {
  let t: TestServer
  let roleArn: string
  const logs: string[] = []
  const secrets: string[] = []
  const anonymous = { accessKeyId: 'x', secretAccessKey: 'y' }

  const records = async (
    query: Parameters<ReturnType<typeof openSqliteStore>['audit']['query']>[0],
  ) => {
    const store = openSqliteStore(join(t.dataDir, DATABASE_FILE))
    try {
      return (await queryAuditTrail(store.audit, listAuditJournals(t.dataDir), query)).map((r) => ({
        ...r,
        event: JSON.parse(r.record) as CloudTrailEvent,
      }))
    } finally {
      await store.close()
    }
  }
  const token = (sa: string) =>
    createToken(t.dataDir, {
      namespace: 'test',
      serviceAccount: sa,
      podName: 'my-pod',
      podUid: '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11',
    })

  beforeAll(async () => {
    t = await startTestServer({ issuerBaseUrl: 'https://oidc.lanyard.test' }, { logs })
    secrets.push(t.sdk.credentials.secretAccessKey)
    ;({ roleArn } = await setUpIrsa(t, {
      roleName: 'Reader',
      subject: 'test:my-service-account',
      withAud: false,
      allow: ['eks:DescribeCluster'],
    }))
  })
  afterAll(async () => {
    await t?.close()
  })

  it('records IAM changes and failures with AWS error codes', async () => {
    const created = await records({ limit: 10, eventName: 'CreateRole' })
    expect(created).toHaveLength(1)
    expect(created[0]?.event).toMatchObject({
      eventSource: 'iam.amazonaws.com',
      readOnly: false,
      userIdentity: { type: 'Root', arn: `arn:aws:iam::${t.credentials.accountId}:root` },
      resources: [{ type: 'AWS::IAM::Role', ARN: roleArn }],
    })
    const iam = new IAMClient(t.sdk)
    const failed = await iam
      .send(new GetRoleCommand({ RoleName: 'Nope' }))
      .catch((e: { $metadata: { requestId: string } }) => e)
    const [rec] = await records({
      limit: 1,
      requestId: (failed as { $metadata: { requestId: string } }).$metadata.requestId,
    })
    expect(rec?.event).toMatchObject({
      eventName: 'GetRole',
      errorCode: 'NoSuchEntity',
      readOnly: true,
    })
  })

  it('follows a pod from its token to every call it made', async () => {
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: anonymous,
    })
    const jwt = await token('my-service-account')
    secrets.push(jwt, jwt.split('.')[2] as string)
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'pod',
        WebIdentityToken: jwt,
      }),
    )
    const creds = out.Credentials as {
      AccessKeyId: string
      SecretAccessKey: string
      SessionToken: string
    }
    secrets.push(creds.SecretAccessKey, creds.SessionToken)
    const eks = new EKSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: creds.AccessKeyId,
        secretAccessKey: creds.SecretAccessKey,
        sessionToken: creds.SessionToken,
      },
    })
    await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))
    await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }))

    const [exchange] = await records({ limit: 1, requestId: out.$metadata.requestId as string })
    expect(exchange).toMatchObject({
      namespace: 'test',
      serviceAccount: 'my-service-account',
      podName: 'my-pod',
      cluster: 'my-cluster',
      accessKeyId: creds.AccessKeyId,
    })
    expect(exchange?.event.userIdentity).toMatchObject({
      type: 'WebIdentityUser',
      userName: 'system:serviceaccount:test:my-service-account',
    })
    expect(exchange?.event.requestParameters).not.toHaveProperty('webIdentityToken')
    expect(exchange?.event.responseElements).toMatchObject({
      credentials: { accessKeyId: creds.AccessKeyId, sessionToken: '' },
    })
    const jti = exchange?.jti as string
    expect(jti).toMatch(/^[0-9a-f-]{36}$/)

    // One query by the session's access key: the exchange and both calls it made.
    const bySession = await records({ limit: 10, accessKeyId: creds.AccessKeyId })
    expect(bySession.map((r) => r.eventName).sort()).toEqual([
      'AssumeRoleWithWebIdentity',
      'DescribeCluster',
      'DescribeCluster',
    ])
    for (const r of bySession.filter((x) => x.eventName === 'DescribeCluster')) {
      expect(r.jti).toBe(jti)
      expect(r.event.userIdentity).toMatchObject({
        type: 'AssumedRole',
        sessionContext: { sessionIssuer: { arn: roleArn } },
      })
      // Where the call came from, and the client's own User-Agent header, as CloudTrail has them.
      expect(r.event.sourceIPAddress).toBe('127.0.0.1')
      expect(r.event.userAgent).toMatch(/^aws-sdk-js\/3\.\d+/)
    }
    expect(exchange?.event.userAgent).toMatch(/^aws-sdk-js\/3\.\d+/)

    // The same joins from the command line: by the token's jti, and by the session's key.
    for (const join of [{ jti }, { accessKeyId: creds.AccessKeyId }]) {
      const lines = await auditLines({ dataDir: t.dataDir, output: 'json', ...join })
      const events = lines.map((l) => JSON.parse(l) as CloudTrailEvent)
      expect(events.map((e) => e.eventName)).toEqual([
        'DescribeCluster',
        'DescribeCluster',
        'AssumeRoleWithWebIdentity',
      ])
      expect(events.map((e) => e.lanyard?.attribution?.jti)).toEqual([jti, jti, jti])
    }
    expect(await auditLines({ dataDir: t.dataDir, jti: `${jti}x` })).toEqual([])
  })

  it('explains a denied exchange in plain words, while the wire stays AWS-exact', async () => {
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: anonymous,
    })
    const err = (await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: 'pod',
          WebIdentityToken: await token('other'),
        }),
      )
      .catch((e: unknown) => e)) as { message: string; $metadata: { requestId: string } }
    expect(err.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity')
    const lines = await explainRequest(err.$metadata.requestId, t.dataDir)
    expect(lines.join('\n')).toContain('refused: AccessDenied')
    expect(lines.join('\n')).toMatch(
      /StringEquals.*:sub.*system:serviceaccount:test:my-service-account.*system:serviceaccount:test:other/,
    )
  })

  it('never writes a token, secret, session token or signature to the log', () => {
    expect(logs.length).toBeGreaterThan(0)
    const all = logs.join('\n')
    for (const s of secrets) expect(all).not.toContain(s)
    expect(all).not.toMatch(/Signature=[0-9a-f]{64}/)
  })
})
