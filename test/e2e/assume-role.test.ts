import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import {
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam'
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  AssumeRoleWithWebIdentityCommand,
  type Credentials,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CloudTrailEvent } from '../../src/audit/event.js'
import { DATABASE_FILE, listAuditJournals } from '../../src/bootstrap/data-dir.js'
import { explainRequest } from '../../src/cli/audit-command.js'
import { createToken } from '../../src/cli/token-command.js'
import { queryAuditTrail } from '../../src/store/audit-journal/tail.js'
import type { AuditQuery } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { awsCli, requireTool, startTestServer, type TestServer } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

/**
 * AssumeRole through the real SDK: role chaining from a pod's web-identity session, with the
 * rules STS applies (one-hour cap, ExternalId, session tags and their permission, transitive
 * tags, source identity set once, MFA, no root caller) and the audit record of each call.
 */
describe('AssumeRole', () => {
  let t: TestServer
  let account: string
  let pod: Credentials
  let providerArn: string
  const logs: string[] = []
  /** The request id of each refusal, by its message. */
  const refusals = new Map<string, string>()
  /** Everything secret this test handles: none of it may reach a log line. */
  const secrets = new Set<string>(['987654', '5555555'])
  const keep = <T extends { Credentials?: Credentials | undefined }>(out: T): T => {
    if (out.Credentials?.SecretAccessKey) secrets.add(out.Credentials.SecretAccessKey)
    if (out.Credentials?.SessionToken) secrets.add(out.Credentials.SessionToken)
    return out
  }
  const CLUSTER = 'chain-cluster'
  const hasAws = requireTool('aws')
  const arn = (name: string) => `arn:aws:iam::${account}:role/${name}`
  const sts = (c?: Credentials) =>
    new STSClient({
      endpoint: t.server.url,
      region: t.sdk.region,
      credentials: c
        ? {
            accessKeyId: c.AccessKeyId as string,
            secretAccessKey: c.SecretAccessKey as string,
            sessionToken: c.SessionToken as string,
          }
        : t.sdk.credentials,
    })
  /** Signed with the pod's session unless told otherwise (`null`: the account's root keys). */
  const assume = (input: Partial<AssumeRoleCommandInput>, c: Credentials | null = pod) =>
    sts(c ?? undefined)
      .send(new AssumeRoleCommand({ RoleArn: arn('Plain'), RoleSessionName: 's1', ...input }))
      .then(keep)
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a refusal')
      },
      (e: {
        name: string
        message: string
        $metadata?: { httpStatusCode?: number; requestId?: string }
      }) => {
        if (e.$metadata?.requestId) refusals.set(e.message, e.$metadata.requestId)
        return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }
      },
    )

  /** A role any principal of the account may assume, if its own policies allow it. */
  const role = async (name: string, trustActions: string[], condition?: object) => {
    const iam = new IAMClient(t.sdk)
    await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${account}:root` },
              Action: trustActions,
              ...(condition ? { Condition: condition } : {}),
            },
          ],
        }),
      }),
    )
    // Its sessions may chain on, and describe the cluster when tagged team=blue.
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'chain',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
              Resource: '*',
            },
            {
              Effect: 'Allow',
              Action: 'eks:DescribeCluster',
              Resource: '*',
              Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
            },
          ],
        }),
      }),
    )
  }

  const records = async (query: Omit<AuditQuery, 'limit'> = { eventName: 'AssumeRole' }) => {
    await t.server.flushAudit()
    const store = openSqliteStore(join(t.dataDir, DATABASE_FILE))
    try {
      return (
        await queryAuditTrail(store.audit, listAuditJournals(t.dataDir), { ...query, limit: 1000 })
      ).map((r) => ({
        ...r,
        event: JSON.parse(r.record) as CloudTrailEvent,
      }))
    } finally {
      await store.close()
    }
  }

  beforeAll(async () => {
    t = await startTestServer({ issuerBaseUrl: 'https://oidc.lanyard.test' }, { logs })
    account = t.credentials.accountId
    secrets.add(t.credentials.secretAccessKey)
    ;({ providerArn } = await setUpIrsa(t, {
      cluster: CLUSTER,
      roleName: 'Pod',
      subject: 'test:app',
      allow: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
    }))
    await role('Plain', ['sts:AssumeRole'])
    await role('Tagged', ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'])
    await role('Partner', ['sts:AssumeRole'], { StringEquals: { 'sts:ExternalId': 'ext-123' } })
    const token = await createToken(t.dataDir, { namespace: 'test', serviceAccount: 'app' })
    secrets.add(token).add(token.split('.')[2] as string)
    const exchanged = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: arn('Pod'),
        RoleSessionName: 'pod',
        WebIdentityToken: token,
      }),
    )
    pod = keep(exchanged).Credentials as Credentials
  })
  afterAll(async () => {
    await t?.close()
  })

  it('chains from a pod session into another role, for an hour by default', async () => {
    const before = Date.now()
    const out = await assume({ RoleSessionName: 'chained' })
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40)
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${account}:assumed-role/Plain/chained`)
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:chained$/)
    const expiration = out.Credentials?.Expiration
    expect(expiration).toBeInstanceOf(Date)
    const expires = (expiration as Date).getTime()
    expect(expires - before).toBeGreaterThan(3590_000)
    expect(expires - before).toBeLessThanOrEqual(3601_000)
    const who = await sts(out.Credentials).send(new GetCallerIdentityCommand({}))
    expect(who.Arn).toBe(out.AssumedRoleUser?.Arn)
  })

  it('caps a chained session at one hour', async () => {
    expect(await failure(assume({ DurationSeconds: 3601 }))).toEqual({
      name: 'ValidationError',
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      status: 400,
    })
  })

  it("refuses the account's root credentials, as AWS does", async () => {
    expect(await failure(assume({}, null))).toEqual({
      name: 'AccessDenied',
      message: 'Roles may not be assumed by root accounts.',
      status: 403,
    })
  })

  it('answers a role that does not exist as it answers a trust denial', async () => {
    const who = `arn:aws:sts::${account}:assumed-role/Pod/pod`
    expect(await failure(assume({ RoleArn: arn('Missing') }))).toEqual({
      name: 'AccessDenied',
      message: `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${arn('Missing')}`,
      status: 403,
    })
    expect(await failure(assume({ RoleArn: arn('Partner') }))).toEqual({
      name: 'AccessDenied',
      message: `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${arn('Partner')}`,
      status: 403,
    })
  })

  it("evaluates the trust policy with the caller's principal keys: its role's tags, its provider", async () => {
    await role('Gold', ['sts:AssumeRole'], {
      StringEquals: { 'aws:PrincipalTag/tier': 'gold', 'aws:FederatedProvider': providerArn },
    })
    expect((await failure(assume({ RoleArn: arn('Gold') }))).name).toBe('AccessDenied')
    await new IAMClient(t.sdk).send(
      new TagRoleCommand({ RoleName: 'Pod', Tags: [{ Key: 'tier', Value: 'gold' }] }),
    )
    const ok = await assume({ RoleArn: arn('Gold') })
    expect(ok.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${account}:assumed-role/Gold/s1`)
  })

  it('checks the ExternalId in the trust policy, and its format', async () => {
    const partner = arn('Partner')
    expect((await failure(assume({ RoleArn: partner, ExternalId: 'ext-999' }))).name).toBe(
      'AccessDenied',
    )
    const ok = await assume({ RoleArn: partner, ExternalId: 'ext-123' })
    expect(ok.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${account}:assumed-role/Partner/s1`)
    expect(await failure(assume({ RoleArn: partner, ExternalId: 'x' }))).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2",
    })
  })

  it('needs sts:TagSession in the trust policy to pass session tags', async () => {
    expect(await failure(assume({ Tags: [{ Key: 'team', Value: 'blue' }] }))).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${account}:assumed-role/Pod/pod is not authorized to perform: sts:TagSession on resource: ${arn('Plain')}`,
      status: 403,
    })
  })

  it('gives the new session its tags, and passes transitive ones down the chain', async () => {
    const eks = (c: Credentials | undefined) =>
      new EKSClient({
        endpoint: t.server.url,
        region: t.sdk.region,
        credentials: {
          accessKeyId: c?.AccessKeyId as string,
          secretAccessKey: c?.SecretAccessKey as string,
          sessionToken: c?.SessionToken as string,
        },
      })
    const describe = (c: Credentials | undefined) =>
      eks(c).send(new DescribeClusterCommand({ name: CLUSTER }))
    const tagged = arn('Tagged')
    const red = await assume({ RoleArn: tagged, Tags: [{ Key: 'team', Value: 'red' }] })
    expect((await failure(describe(red.Credentials))).name).toBe('AccessDeniedException')
    const blue = await assume({
      RoleArn: tagged,
      Tags: [{ Key: 'team', Value: 'blue' }],
      TransitiveTagKeys: ['team'],
    })
    expect(blue.PackedPolicySize).toBeGreaterThan(0)
    expect((await describe(blue.Credentials)).cluster?.name).toBe(CLUSTER)
    // The next hop inherits team=blue without passing it, and may not pass it again.
    const next = await assume({ RoleArn: tagged, RoleSessionName: 'hop' }, blue.Credentials)
    expect((await describe(next.Credentials)).cluster?.name).toBe(CLUSTER)
    expect(
      await failure(
        assume({ RoleArn: tagged, Tags: [{ Key: 'Team', Value: 'red' }] }, blue.Credentials),
      ),
    ).toMatchObject({ name: 'ValidationError', status: 400 })
  })

  it('refuses tag keys that differ only in case, and malformed keys', async () => {
    const tags = [
      { Key: 'Team', Value: 'a' },
      { Key: 'team', Value: 'b' },
    ]
    expect(await failure(assume({ RoleArn: arn('Tagged'), Tags: tags }))).toEqual({
      name: 'ValidationError',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      status: 400,
    })
    expect(
      await failure(assume({ RoleArn: arn('Tagged'), Tags: [{ Key: 'a*b', Value: 'x' }] })),
    ).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("Value 'a*b' at 'tags.1.member.key' failed to satisfy"),
    })
  })

  it('sets a source identity once: it needs its permission, stays, and cannot change', async () => {
    const tagged = arn('Tagged')
    expect(await failure(assume({ SourceIdentity: 'alice' }))).toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('perform: sts:SetSourceIdentity on resource'),
    })
    const alice = await assume({ RoleArn: tagged, SourceIdentity: 'alice' })
    expect(alice.SourceIdentity).toBe('alice')
    const kept = await assume({ RoleArn: tagged, RoleSessionName: 'hop' }, alice.Credentials)
    expect(kept.SourceIdentity).toBe('alice')
    expect(
      (await failure(assume({ RoleArn: tagged, SourceIdentity: 'bob' }, alice.Credentials))).name,
    ).toBe('AccessDenied')
    // Carrying it into a role whose trust policy does not allow setting one is refused too.
    expect(await failure(assume({}, alice.Credentials))).toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('perform: sts:SetSourceIdentity on resource'),
    })
  })

  it('refuses MFA parameters: Lanyard has no MFA device to check them against', async () => {
    expect(await failure(assume({ SerialNumber: 'GAHT12345678', TokenCode: '987654' }))).toEqual({
      name: 'AccessDenied',
      message:
        'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
      status: 403,
    })
    expect(await failure(assume({ SerialNumber: 'GAHT12345678' }))).toEqual({
      name: 'AccessDenied',
      message:
        'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
      status: 403,
    })
    expect(await failure(assume({ SerialNumber: 'GAHT12345678', TokenCode: '5555555' }))).toEqual({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6",
      status: 400,
    })
  })

  it.runIf(hasAws)("the aws CLI's role_arn + source_profile chain assumes the role", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanyard-cli-chain-'))
    const credentials = join(dir, 'credentials')
    const config = join(dir, 'config')
    writeFileSync(
      credentials,
      `[pod]\naws_access_key_id = ${pod.AccessKeyId}\naws_secret_access_key = ${pod.SecretAccessKey}\naws_session_token = ${pod.SessionToken}\n`,
      { mode: 0o600 },
    )
    writeFileSync(
      config,
      `[profile chained]\nrole_arn = ${arn('Tagged')}\nsource_profile = pod\nrole_session_name = from-cli\nregion = ${t.sdk.region}\n`,
    )
    // Only the profile files: no access key in the environment.
    const env = Object.fromEntries(
      Object.entries(t.env).filter(([k]) => !k.startsWith('AWS_') || k === 'AWS_ENDPOINT_URL'),
    )
    const r = await awsCli(t, ['sts', 'get-caller-identity', '--profile', 'chained'], {
      ...env,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
    }).finally(() => rmSync(dir, { recursive: true, force: true }))
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({
      Account: account,
      Arn: `arn:aws:sts::${account}:assumed-role/Tagged/from-cli`,
    })
  })

  it('records every call, allowed or refused, without the one-time code', async () => {
    const all = await records()
    const chained = all.find((r) => r.event.requestParameters?.roleSessionName === 'chained')
    expect(chained?.event).toMatchObject({
      eventSource: 'sts.amazonaws.com',
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/Pod/pod` },
      responseElements: {
        assumedRoleUser: { arn: `arn:aws:sts::${account}:assumed-role/Plain/chained` },
      },
    })
    expect(chained?.event.errorCode).toBeUndefined()
    const alice = all.find(
      (r) => r.event.requestParameters?.sourceIdentity === 'alice' && !r.event.errorCode,
    )
    expect(alice?.event.responseElements).toMatchObject({ sourceIdentity: 'alice' })
    const transitive = all.find((r) => r.event.requestParameters?.transitiveTagKeys !== undefined)
    expect(transitive?.event.requestParameters).toMatchObject({
      tags: [{ key: 'team', value: 'blue' }],
      transitiveTagKeys: ['team'],
    })
    const codes = all.map((r) => r.event.errorCode).filter((c) => c !== undefined)
    expect(codes).toEqual(expect.arrayContaining(['AccessDenied', 'ValidationError']))
    const mfa = all.filter((r) => r.event.requestParameters?.serialNumber === 'GAHT12345678')
    expect(mfa.map((r) => r.event.errorCode).sort()).toEqual([
      'AccessDenied',
      'AccessDenied',
      'ValidationError',
    ])
    expect(all.some((r) => r.record.includes('987654') || r.record.includes('5555555'))).toBe(false)
  })
  it("joins every call of a chained session to the pod's token", async () => {
    const jti = (await records({ eventName: 'AssumeRoleWithWebIdentity' }))[0]?.event.lanyard
      ?.attribution?.jti as string
    expect(jti).toMatch(/^[0-9a-f-]{36}$/)
    const joined = await records({ jti })
    const names = new Set(joined.map((r) => r.event.eventName))
    // The exchange, the chained AssumeRoles, and DescribeCluster called with chained credentials.
    expect(names).toEqual(new Set(['AssumeRoleWithWebIdentity', 'AssumeRole', 'DescribeCluster']))
    const described = joined.find((r) => r.event.eventName === 'DescribeCluster')
    expect(described?.event.userIdentity.arn).toMatch(/:assumed-role\/Tagged\//)
  })

  it('explains each kind of refusal in plain words', async () => {
    await t.server.flushAudit()
    const explained = async (message: string) =>
      (await explainRequest(refusals.get(message) as string, t.dataDir)).join('\n')
    expect(await explained('Roles may not be assumed by root accounts.')).toContain(
      "the account's root user cannot assume roles",
    )
    expect(
      await explained(
        'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
      ),
    ).toContain('only SerialNumber was given')
    const tagSession = [...refusals.keys()].find((m) => m.includes('sts:TagSession')) as string
    expect(await explained(tagSession)).toContain(
      'implicitDeny: no statement allows sts:TagSession',
    )
  })

  it('never writes a secret, session token, web-identity token or one-time code to the log', () => {
    expect(logs.length).toBeGreaterThan(0)
    const all = logs.join('\n')
    expect(secrets.size).toBeGreaterThan(10)
    for (const s of secrets) expect(all).not.toContain(s)
  })
})
