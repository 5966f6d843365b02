import { join } from 'node:path'
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AccountState,
  DATABASE_FILE,
  sessionSealingKey,
} from '../../src/bootstrap/data-dir.js'
import { createSessionSealer } from '../../src/credentials/session.js'
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { sdkError, startTestServer, type TestServer } from './harness.js'

/**
 * A signed call made with session credentials whose session has ended: every service answers
 * AWS's expired-token error (awsQuery `ExpiredToken`, restJson1 `ExpiredTokenException`, 403),
 * whatever the operation. The session is sealed here with the server's own key (read from its
 * data dir), 15 minutes long and issued an hour ago, as a pod's credentials look once the pod
 * has gone on using them past their `Expiration`.
 */
describe('expired session credentials', () => {
  let t: TestServer
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }
  beforeAll(async () => {
    t = await startTestServer()
    const store = openSqliteStore(join(t.dataDir, DATABASE_FILE))
    const account = JSON.parse((await store.meta.get('account')) as string) as AccountState
    await store.close()
    const sealer = createSessionSealer({ current: sessionSealingKey(account) })
    const issuedAt = Math.floor(Date.now() / 1000) - 3600
    const { session, sessionToken } = sealer.mint({
      roleArn: `arn:aws:iam::${account.accountId}:role/gone`,
      roleId: 'AROAEXAMPLEEXPIRED001',
      roleName: 'gone',
      sessionName: 'pod',
      issuedAt,
      expiresAt: issuedAt + 900,
      via: 'AssumeRoleWithWebIdentity',
    })
    credentials = {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken,
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  const client = { region: 'us-east-1', maxAttempts: 1 }

  it('STS (awsQuery): ExpiredToken', async () => {
    const sts = new STSClient({ ...client, endpoint: t.server.url, credentials })
    const err = await sdkError(sts.send(new GetCallerIdentityCommand({})))
    expect(err.name).toBe('ExpiredToken')
    expect(err.message).toBe('The security token included in the request is expired')
    expect(err.$metadata?.httpStatusCode).toBe(403)
    expect(err.message).not.toContain(credentials.sessionToken)
  })

  it('EKS (restJson1): ExpiredTokenException', async () => {
    const eks = new EKSClient({ ...client, endpoint: t.server.url, credentials })
    const err = await sdkError(eks.send(new DescribeClusterCommand({ name: 'any' })))
    expect(err.name).toBe('ExpiredTokenException')
    expect(err.message).toBe('The security token included in the request is expired')
    expect(err.$metadata?.httpStatusCode).toBe(403)
  })
})
