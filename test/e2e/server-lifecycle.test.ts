import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import pino from 'pino'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { CREDENTIALS_FILE, DATABASE_FILE } from '../../src/bootstrap/data-dir.js'
import { loadConfig } from '../../src/config/config.js'
import { startServer } from '../../src/main.js'
import { type LanyardUp, lanyardCli, lanyardUp, startTestServer } from './harness.js'

const bigTrust = () =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: 20 }, (_, i) => ({
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'sts:RoleSessionName': `session-number-${i}-with-a-long-name` },
      },
    })),
  })

describe('server lifecycle and configuration', () => {
  const dirs: string[] = []
  // Servers a failed assertion left running are stopped too, before their data dirs go.
  const started: LanyardUp[] = []
  afterAll(() => {
    for (const up of started) if (up.child.exitCode === null) up.child.kill('SIGKILL')
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('enforces AWS quotas by default and lifts them when configured', async () => {
    const strict = await startTestServer()
    const lifted = await startTestServer({ limits: 'trustPolicySize=4096' })
    try {
      const doc = bigTrust()
      expect(doc.replace(/\s/g, '').length).toBeGreaterThan(2048)
      const refused = await new IAMClient(strict.sdk)
        .send(new CreateRoleCommand({ RoleName: 'big', AssumeRolePolicyDocument: doc }))
        .catch((e: { name: string; message: string }) => e)
      expect(refused).toMatchObject({
        name: 'LimitExceededException',
        message: 'Cannot exceed quota for ACLSizePerRole: 2048',
      })
      const ok = await new IAMClient(lifted.sdk).send(
        new CreateRoleCommand({ RoleName: 'big', AssumeRolePolicyDocument: doc }),
      )
      expect(ok.Role?.RoleName).toBe('big')
    } finally {
      await strict.close()
      await lifted.close()
    }
  })

  it('a port already taken stops the start cleanly: the audit log closed, the data dir free', async () => {
    const taken = await startTestServer()
    const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-taken-'))
    dirs.push(dataDir)
    const auditLog = join(dataDir, 'audit.jsonl')
    const config = loadConfig({
      flags: { port: new URL(taken.server.url).port, dataDir, auditLog },
      env: {},
    })
    const openOnLog = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === auditLog
        } catch {
          return false // closed meanwhile
        }
      })
    try {
      await expect(
        startServer(config, { logger: pino({ level: 'silent' }) }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' })
      if (existsSync('/proc/self/fd')) expect(openOnLog()).toEqual([])
      // The journal's lock and the database were let go: the next start on the same dir works.
      const next = await startServer({ ...config, port: 0 }, { logger: pino({ level: 'silent' }) })
      await next.close()
    } finally {
      await taken.close()
    }
  })

  it('lanyard up: ready line, 0600 credentials, clean exit on SIGTERM, state kept across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-up-'))
    dirs.push(dataDir)
    const up = async (...flags: string[]) => {
      const server = await lanyardUp(dataDir, ...flags)
      started.push(server)
      return server
    }
    const auditLog = join(dataDir, 'audit.jsonl')
    const first = await up(
      '--limit',
      'trustPolicySize=4096',
      '--limit',
      'rolesPerAccount=2',
      '--audit-log',
      auditLog,
      '--audit-retention-days',
      '30',
    )
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200)
    // --limit (repeated) lifts one quota and lowers another; --audit-log streams every record.
    const admin = JSON.parse(readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8')) as {
      accessKeyId: string
      secretAccessKey: string
    }
    const iam = new IAMClient({
      endpoint: first.url,
      region: 'us-east-1',
      credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
      maxAttempts: 1, // the SDK retries LimitExceeded as throttling
    })
    for (const name of ['big', 'second'])
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: bigTrust() }),
      )
    const third = await iam
      .send(new CreateRoleCommand({ RoleName: 'third', AssumeRolePolicyDocument: bigTrust() }))
      .catch((e: { name: string }) => e)
    expect(third).toMatchObject({ name: 'LimitExceededException' })
    // The stream is written after each commit, asynchronously: wait for the third line.
    const logged = () =>
      readFileSync(auditLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { eventName: string; errorCode?: string })
        .map((e) => [e.eventName, e.errorCode])
    await vi.waitFor(
      () =>
        expect(logged()).toEqual([
          ['CreateRole', undefined],
          ['CreateRole', undefined],
          ['CreateRole', 'LimitExceeded'],
        ]),
      { timeout: 10_000 },
    )
    expect(statSync(auditLog).mode & 0o777).toBe(0o600)
    // Log rotation: the file renamed, SIGHUP opens the path again; later lines go there.
    renameSync(auditLog, `${auditLog}.1`)
    first.child.kill('SIGHUP')
    await vi.waitFor(() => expect(existsSync(auditLog)).toBe(true), { timeout: 10_000 })
    await iam.send(new GetRoleCommand({ RoleName: 'big' }))
    await vi.waitFor(
      () =>
        expect(readFileSync(auditLog, 'utf8')).toMatch(/^\{[^\n]*"eventName":"GetRole"[^\n]*\}\n$/),
      { timeout: 10_000 },
    )
    expect(readFileSync(`${auditLog}.1`, 'utf8').trim().split('\n')).toHaveLength(3)
    expect(statSync(join(dataDir, CREDENTIALS_FILE)).mode & 0o777).toBe(0o600)
    expect(statSync(join(dataDir, DATABASE_FILE)).mode & 0o777).toBe(0o600)
    expect(statSync(join(dataDir, `${DATABASE_FILE}-wal`)).mode & 0o777).toBe(0o600)
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    const created = await lanyardCli(['cluster', 'create', 'kept', '--data-dir', dataDir])
    expect(created.status).toBe(0)
    first.child.kill('SIGTERM')
    expect(await first.exited).toEqual({ code: 0, signal: null })

    const second = await up()
    const env = await lanyardCli(['env', '--data-dir', dataDir])
    expect(env.stdout).toContain(`export AWS_ENDPOINT_URL='${second.url}'`)
    const token = await lanyardCli([
      'token',
      'create',
      '--namespace',
      'test',
      '--service-account',
      'sa',
      '--data-dir',
      dataDir,
    ])
    expect(token.status).toBe(0)
    expect(token.stdout.trim().split('.')).toHaveLength(3)
    second.child.kill('SIGTERM')
    expect(await second.exited).toEqual({ code: 0, signal: null })
    // Four CLI processes start from TypeScript sources: allow for a loaded machine.
  }, 180_000)
})
