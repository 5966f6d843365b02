import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/cli/token-command.js'
import { startTestServer, type TestServer } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

/** Development mode: `--explain-denials` appends the reason; `--audit-log` streams the records. */
describe('--explain-denials and --audit-log', () => {
  let t: TestServer
  let roleArn: string
  let auditLog: string

  beforeAll(async () => {
    auditLog = join(mkdtempSync(join(tmpdir(), 'lanyard-audit-')), 'audit.jsonl')
    t = await startTestServer({
      issuerBaseUrl: 'https://oidc.lanyard.test',
      explainDenials: true,
      auditLog,
    })
    ;({ roleArn } = await setUpIrsa(t, {
      cluster: 'c',
      roleName: 'r',
      subject: 'test:app',
      withAud: false,
    }))
  })
  afterAll(async () => {
    await t?.close()
  })

  it('appends the reason to a denied exchange', async () => {
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    })
    const token = await createToken(t.dataDir, { namespace: 'test', serviceAccount: 'other' })
    const err = await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: 'app',
          WebIdentityToken: token,
        }),
      )
      .catch((e: { name: string; message: string }) => e)
    expect(err).toMatchObject({ name: 'AccessDenied' })
    expect((err as { message: string }).message).toMatch(
      /^Not authorized to perform sts:AssumeRoleWithWebIdentity \(lanyard: .*StringEquals.*system:serviceaccount:test:app.*system:serviceaccount:test:other/,
    )
  })

  it('streams every audit record as a JSON line', async () => {
    await new Promise((r) => setTimeout(r, 50))
    const lines = readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { eventName: string })
    expect(statSync(auditLog).mode & 0o777).toBe(0o600)
    expect(lines.map((l) => l.eventName)).toEqual(
      expect.arrayContaining([
        'CreateRole',
        'CreateOpenIDConnectProvider',
        'AssumeRoleWithWebIdentity',
      ]),
    )
  })
})
