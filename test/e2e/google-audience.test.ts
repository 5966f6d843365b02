import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './harness.js'
import { type UploadedIssuer, uploadedIssuer } from './uploaded-issuer.js'

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
  let google: UploadedIssuer

  beforeAll(async () => {
    t = await startTestServer()
    google = await uploadedIssuer(t, 'https://accounts.google.com', [WEB], 'g1')
    await google.role('android', {
      'accounts.google.com:aud': ANDROID,
      'accounts.google.com:oaud': WEB,
    })
    await google.role('web', { 'accounts.google.com:aud': WEB })
  })
  afterAll(async () => {
    await t?.close()
  })

  const exchange = async (roleName: string, azp?: string) => {
    const token = await google.sign({ sub: '110169484474386276334', ...(azp ? { azp } : {}) }, WEB)
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
