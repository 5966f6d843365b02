import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import { DeleteRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, type Credentials, STSClient } from '@aws-sdk/client-sts'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CREDENTIALS_FILE,
  DATABASE_FILE,
  ENDPOINT_FILE,
  type EndpointInfo,
  listAuditJournals,
  readJsonFile,
} from '../../src/bootstrap/data-dir.js'
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { functionTemplate, NODE_HANDLER } from './cfn-templates.js'
import { cliEnv, lanyardCli, lanyardUp, requireTool, run } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

/**
 * `lanyard up --workers 2`: two server processes on one port (node's cluster hands each new
 * connection to the next one), one database, one audit journal each. Every SDK client below has
 * its own connection pool, so consecutive clients are answered by alternate processes: what one
 * process writes (an exchange's session, a policy change) the other must honour.
 */
describe('lanyard up --workers 2', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => {
    for (const c of cleanups.splice(0)) c()
  })

  it('serves IRSA from both processes, sees each other’s IAM changes, and stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-workers-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const up = await lanyardUp(
      dataDir,
      '--workers',
      '2',
      '--issuer-base-url',
      'https://oidc.lanyard.test',
    )
    cleanups.unshift(() => {
      if (up.child.exitCode === null && up.child.signalCode === null) up.child.kill('SIGKILL')
    })
    const endpoint = readJsonFile<EndpointInfo>(join(dataDir, ENDPOINT_FILE)) as EndpointInfo
    expect(endpoint.url).toBe(up.url)
    const root = JSON.parse(readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8')) as {
      accessKeyId: string
      secretAccessKey: string
    }
    const sdk = { endpoint: up.url, region: endpoint.region, credentials: root }
    const { roleArn } = await setUpIrsa(
      { sdk },
      { cluster: 'pool', roleName: 'pool-app', subject: 'ns:app', allow: ['eks:DescribeCluster'] },
    )
    const minted = await lanyardCli([
      'token',
      'create',
      '--data-dir',
      dataDir,
      '--namespace',
      'ns',
      '--service-account',
      'app',
    ])
    expect(minted.status, minted.stderr).toBe(0)
    const token = minted.stdout.trim()

    // Four exchanges of the same token on four connections: both processes verify and seal.
    const sessions: (Credentials | undefined)[] = []
    for (let i = 0; i < 4; i++) {
      const sts = new STSClient({ endpoint: up.url, region: endpoint.region })
      const out = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: `s${i}`,
          WebIdentityToken: token,
        }),
      )
      sts.destroy()
      sessions.push(out.Credentials)
    }
    // Each session works on either process (the token is sealed with the data dir's key).
    const describe = async (i: number) => {
      const c = sessions[i % sessions.length]
      const eks = new EKSClient({
        endpoint: up.url,
        region: endpoint.region,
        credentials: {
          accessKeyId: c?.AccessKeyId as string,
          secretAccessKey: c?.SecretAccessKey as string,
          sessionToken: c?.SessionToken as string,
        },
      })
      try {
        return (await eks.send(new DescribeClusterCommand({ name: 'pool' }))).cluster?.name
      } catch (err) {
        return (err as Error).name
      } finally {
        eks.destroy()
      }
    }
    for (let i = 0; i < 6; i++) expect(await describe(i)).toBe('pool')

    // The permission goes, through one process; both refuse from then on. Other processes see
    // a change within their change counter's poll (10 ms), as IAM's own changes take a moment
    // to reach every endpoint.
    const iam = new IAMClient(sdk)
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'pool-app', PolicyName: 'permissions' }))
    iam.destroy()
    await new Promise((r) => setTimeout(r, 100))
    for (let i = 0; i < 6; i++) expect(await describe(i)).toBe('AccessDeniedException')

    up.child.kill('SIGTERM')
    expect((await up.exited).code).toBe(0)

    // Both processes answered (each journal has records, all copied at the drain), and the
    // trail holds every call once.
    expect(listAuditJournals(dataDir).map((j) => j.journal)).toEqual([1, 2])
    const store = openSqliteStore(join(dataDir, DATABASE_FILE))
    try {
      for (const journal of [1, 2])
        expect(
          (await store.audit.journalPosition(journal)).offset,
          `journal ${journal}`,
        ).toBeGreaterThan(0)
      const calls = await store.audit.query({ eventName: 'DescribeCluster', limit: 100 })
      expect(calls.filter((r) => r.errorCode === undefined)).toHaveLength(6)
      expect(calls.filter((r) => r.errorCode?.startsWith('AccessDenied'))).toHaveLength(6)
      expect(
        await store.audit.query({ eventName: 'AssumeRoleWithWebIdentity', limit: 100 }),
      ).toHaveLength(4)
    } finally {
      await store.close()
    }
  }, 120_000)

  it.runIf(requireTool('aws'))(
    'custom resources complete whichever process their response reaches',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-workers-'))
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
      const up = await lanyardUp(dataDir, '--workers', '2')
      cleanups.unshift(() => {
        if (up.child.exitCode === null && up.child.signalCode === null) up.child.kill('SIGKILL')
      })
      const root = JSON.parse(readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8')) as {
        accessKeyId: string
        secretAccessKey: string
      }
      const env = cliEnv({ url: up.url, caBundle: undefined }, root, 'us-east-1')
      const cfn = async (args: string[]) => {
        const r = await run('aws', ['cloudformation', ...args, '--output', 'json'], { env })
        expect(r.stderr).toBe('')
        return r.stdout === '' ? undefined : JSON.parse(r.stdout)
      }
      const settle = async (name: string) => {
        for (let i = 0; i < 600; i++) {
          const s = (await cfn(['describe-stacks', '--stack-name', name])).Stacks[0]
          if (!s.StackStatus.endsWith('_IN_PROGRESS')) return s.StackStatus as string
          await new Promise((r) => setTimeout(r, 200))
        }
        throw new Error(`${name} did not settle`)
      }
      // Each function's response comes on a connection of its own, which the primary hands to
      // the next process: with four stacks, some responses reach the process that does not wait
      // for them, and it relays them.
      const names = ['s1', 's2', 's3', 's4']
      for (const [i, name] of names.entries())
        await cfn([
          'create-stack',
          '--stack-name',
          name,
          '--capabilities',
          'CAPABILITY_IAM',
          '--template-body',
          functionTemplate('nodejs20.x', 'index.handler', NODE_HANDLER, String(i + 1)),
        ])
      expect(await Promise.all(names.map(settle))).toEqual(names.map(() => 'CREATE_COMPLETE'))
      for (const name of names) await cfn(['delete-stack', '--stack-name', name])
      for (const name of names) {
        for (let i = 0; i < 600; i++) {
          const r = await run(
            'aws',
            ['cloudformation', 'describe-stacks', '--stack-name', name, '--output', 'json'],
            { env },
          )
          if (r.stderr.includes('does not exist')) break
          await new Promise((res) => setTimeout(res, 200))
        }
      }
      up.child.kill('SIGTERM')
      expect((await up.exited).code).toBe(0)
    },
    120_000,
  )

  it('a port already taken: the start fails naming it, and leaves the data dir free', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lanyard-workers-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => taken.close())
    const port = (taken.address() as AddressInfo).port
    const failed = await lanyardCli([
      'up',
      '--workers',
      '2',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
    ])
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain('EADDRINUSE')
    // Every process let go of its journal lock and the database: the next start works.
    const up = await lanyardUp(dataDir, '--workers', '2')
    up.child.kill('SIGTERM')
    expect((await up.exited).code).toBe(0)
  }, 60_000)
})
