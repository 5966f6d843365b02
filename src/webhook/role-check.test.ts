import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  type GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CREDENTIALS_FILE } from '../bootstrap/data-dir.js'
import { loadConfig } from '../config/config.js'
import { isLanyardError } from '../errors.js'
import { type RunningServer, startServer } from '../main.js'
import {
  createLanyardIamClient,
  createRoleCheck,
  providerPathOf,
  type RoleCheckIam,
} from './role-check.js'

const ISSUER = 'https://oidc.lanyard.test/id/0123456789ABCDEF'
const PROVIDER = 'oidc.lanyard.test/id/0123456789ABCDEF'
const ACCOUNT = '111122223333'
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${PROVIDER}`
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`

const trust = (sub: string, aud = 'sts.amazonaws.com') =>
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${PROVIDER}:sub`]: sub, [`${PROVIDER}:aud`]: aud } },
        },
      ],
    }),
  )

/** A fake IAM answering from tables, counting calls. */
function fakeIam(
  roles: Record<string, { Arn: string; AssumeRolePolicyDocument: string }>,
  audiences?: string[],
) {
  const calls: string[] = []
  const iam = {
    async send(command: GetRoleCommand | GetOpenIDConnectProviderCommand) {
      if (command instanceof GetRoleCommand) {
        calls.push(`GetRole ${command.input.RoleName}`)
        const role = roles[command.input.RoleName as string]
        if (!role) throw new NoSuchEntityException({ message: 'nope', $metadata: {} })
        return { Role: role }
      }
      calls.push(`GetOpenIDConnectProvider ${command.input.OpenIDConnectProviderArn}`)
      if (!audiences) throw new NoSuchEntityException({ message: 'nope', $metadata: {} })
      return { ClientIDList: audiences }
    },
  } as RoleCheckIam
  return { iam, calls }
}

describe('createRoleCheck (fake IAM)', () => {
  const roles = {
    app: { Arn: ROLE, AssumeRolePolicyDocument: trust('system:serviceaccount:team-a:app') },
  }

  it.each([
    ['the trusted ServiceAccount', ROLE, 'team-a', 'app', 'sts.amazonaws.com', []],
    [
      'another ServiceAccount',
      ROLE,
      'team-a',
      'other',
      'sts.amazonaws.com',
      [
        'trust policy of role `arn:aws:iam::111122223333:role/app` does not allow `system:serviceaccount:team-a:other` with audience `sts.amazonaws.com`',
      ],
    ],
    [
      'another audience',
      ROLE,
      'team-a',
      'app',
      'lanyard',
      [
        'oidc provider `oidc.lanyard.test/id/0123456789ABCDEF` does not list audience `lanyard`: sts will refuse the token',
        'trust policy of role `arn:aws:iam::111122223333:role/app` does not allow `system:serviceaccount:team-a:app` with audience `lanyard`',
      ],
    ],
    [
      'a missing role',
      `arn:aws:iam::${ACCOUNT}:role/ghost`,
      'team-a',
      'app',
      'sts.amazonaws.com',
      ['role `arn:aws:iam::111122223333:role/ghost` does not exist'],
    ],
    [
      'the same name under another path',
      `arn:aws:iam::${ACCOUNT}:role/team/app`,
      'team-a',
      'app',
      'sts.amazonaws.com',
      ['role `arn:aws:iam::111122223333:role/team/app` does not exist'],
    ],
    [
      'a role-arn that is not an ARN (the mutation warns already)',
      'app',
      'team-a',
      'app',
      'sts.amazonaws.com',
      [],
    ],
  ])('%s', async (_name, arn, ns, sa, aud, expected) => {
    const { iam } = fakeIam(roles, ['sts.amazonaws.com'])
    expect(await createRoleCheck({ iam, issuer: ISSUER })(arn, ns, sa, aud)).toEqual(expected)
  })

  it('warns when the issuer has no OIDC provider', async () => {
    const { iam } = fakeIam(roles)
    expect(
      await createRoleCheck({ iam, issuer: ISSUER })(ROLE, 'team-a', 'app', 'sts.amazonaws.com'),
    ).toEqual([
      'oidc provider `oidc.lanyard.test/id/0123456789ABCDEF` is not registered in account 111122223333',
    ])
  })

  it('warns about a trust policy that does not parse', async () => {
    const { iam } = fakeIam({ app: { Arn: ROLE, AssumeRolePolicyDocument: '%7Bnot' } }, [
      'sts.amazonaws.com',
    ])
    expect(
      await createRoleCheck({ iam, issuer: ISSUER })(ROLE, 'team-a', 'app', 'sts.amazonaws.com'),
    ).toEqual(['trust policy of role `arn:aws:iam::111122223333:role/app` is not a valid policy'])
  })

  it('reuses an answer within the TTL and asks again after it', async () => {
    const { iam, calls } = fakeIam(roles, ['sts.amazonaws.com'])
    let now = 0
    const check = createRoleCheck({ iam, issuer: ISSUER, cacheTtlMs: 1000, now: () => now })
    await check(ROLE, 'team-a', 'app', 'sts.amazonaws.com')
    now = 999
    await check(ROLE, 'team-a', 'app', 'sts.amazonaws.com')
    expect(calls).toHaveLength(2)
    now = 1000
    await check(ROLE, 'team-a', 'app', 'sts.amazonaws.com')
    expect(calls).toHaveLength(4)
  })

  it('lets other IAM errors through (the admission handler turns them into a warning)', async () => {
    const iam = {
      send: async () => Promise.reject(new Error('throttled')),
    } as unknown as RoleCheckIam
    await expect(createRoleCheck({ iam, issuer: ISSUER })(ROLE, 'a', 'b', 'c')).rejects.toThrow(
      'throttled',
    )
  })

  it.each([
    ['https://oidc.eks.us-west-2.amazonaws.com/id/ABC', 'oidc.eks.us-west-2.amazonaws.com/id/ABC'],
    ['https://issuer.example:8443/id/X/', 'issuer.example:8443/id/X'],
    ['http://127.0.0.1:8080/id/X', '127.0.0.1:8080/id/X'],
  ])('providerPathOf(%s) = %s', (issuer, path) => {
    expect(providerPathOf(issuer)).toBe(path)
  })

  it('refuses an issuer that is not a URL', () => {
    let caught: unknown
    try {
      providerPathOf('oidc.example.com')
    } catch (err) {
      caught = err
    }
    expect(isLanyardError(caught, 'config.invalid')).toBe(true)
  })
})

describe('createRoleCheck against a running Lanyard (real IAM client, real policy engine)', () => {
  let server: RunningServer
  let dataDir: string
  let credentials: { accessKeyId: string; secretAccessKey: string }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lanyard-webhook-role-check-'))
    const config = loadConfig({ flags: { port: 0, dataDir, host: '127.0.0.1' }, env: {} })
    server = await startServer(config, { logger: pino({ level: 'silent' }) })
    const { readFileSync } = await import('node:fs')
    credentials = JSON.parse(readFileSync(join(dataDir, CREDENTIALS_FILE), 'utf8'))
    const iam = createLanyardIamClient({ endpoint: server.url, region: server.region, credentials })
    await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: ISSUER, ClientIDList: ['sts.amazonaws.com'] }),
    )
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'app',
        AssumeRolePolicyDocument: decodeURIComponent(
          trust('system:serviceaccount:team-a:app'),
        ).replaceAll(ACCOUNT, server.accountId),
      }),
    )
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('accepts the trusted ServiceAccount and warns about others and missing roles', async () => {
    const iam = createLanyardIamClient({ endpoint: server.url, region: server.region, credentials })
    const check = createRoleCheck({ iam, issuer: ISSUER })
    const role = `arn:aws:iam::${server.accountId}:role/app`
    expect(await check(role, 'team-a', 'app', 'sts.amazonaws.com')).toEqual([])
    expect(await check(role, 'team-b', 'app', 'sts.amazonaws.com')).toEqual([
      `trust policy of role \`${role}\` does not allow \`system:serviceaccount:team-b:app\` with audience \`sts.amazonaws.com\``,
    ])
    expect(
      await check(
        `arn:aws:iam::${server.accountId}:role/ghost`,
        'team-a',
        'app',
        'sts.amazonaws.com',
      ),
    ).toEqual([`role \`arn:aws:iam::${server.accountId}:role/ghost\` does not exist`])
  })
})
