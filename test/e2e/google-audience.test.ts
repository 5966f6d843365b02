import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setProviderJwks } from '../../src/cli/provider-jwks.js'
import { startTestServer, type TestServer } from './harness.js'

const WEB = 'web.apps.example'
const ANDROID = 'android.apps.example'

/**
 * Google's tokens get AWS's special audience keys (reference_policies_iam-condition-keys):
 * `accounts.google.com:aud` is the authorized party (`azp`) when the token has one, and
 * `accounts.google.com:oaud` the token's own `aud`. The provider's keys are uploaded, so the
 * test never reaches Google.
 */
describe('accounts.google.com audience keys', () => {
  let t: TestServer
  let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

  const role = async (iam: IAMClient, name: string, providerArn: string, condition: object) =>
    iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: providerArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: condition },
            },
          ],
        }),
      }),
    )

  beforeAll(async () => {
    t = await startTestServer()
    const pair = await generateKeyPair('RS256')
    key = pair.privateKey
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'g1', alg: 'RS256', use: 'sig' }
    const file = join(t.dataDir, 'google-jwks.json')
    writeFileSync(file, JSON.stringify({ keys: [jwk] }))
    const iam = new IAMClient(t.sdk)
    const p = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://accounts.google.com',
        ClientIDList: [WEB],
      }),
    )
    const providerArn = p.OpenIDConnectProviderArn as string
    await setProviderJwks({ arn: providerArn, file, dataDir: t.dataDir, print: () => undefined })
    await role(iam, 'android', providerArn, {
      'accounts.google.com:aud': ANDROID,
      'accounts.google.com:oaud': WEB,
    })
    await role(iam, 'web', providerArn, { 'accounts.google.com:aud': WEB })
  })
  afterAll(async () => {
    await t?.close()
  })

  const exchange = async (roleName: string, azp?: string) => {
    const token = await new SignJWT({ sub: '110169484474386276334', ...(azp ? { azp } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: 'g1' })
      .setIssuer('https://accounts.google.com')
      .setAudience(WEB)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key)
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    })
    return sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: `arn:aws:iam::${t.credentials.accountId}:role/${roleName}`,
          RoleSessionName: 'google',
          WebIdentityToken: token,
        }),
      )
      .then(
        (out) => out.AssumedRoleUser?.Arn,
        (e: { name: string }) => e.name,
      )
  }

  it.each([
    [
      'a token with azp: :aud is azp, :oaud is aud',
      'android',
      ANDROID,
      'assumed-role/android/google',
    ],
    ['a token with azp does not match :aud on its own aud', 'web', ANDROID, 'AccessDenied'],
    ['a token without azp: :aud is aud', 'web', undefined, 'assumed-role/web/google'],
    ['a token without azp has no authorized party to match', 'android', undefined, 'AccessDenied'],
  ])('%s', async (_, roleName, azp, expected) => {
    expect(await exchange(roleName, azp)).toContain(expected)
  })
})
