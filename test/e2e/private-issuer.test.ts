import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setProviderJwks } from '../../src/cli/provider-jwks.js'
import { startTestServer, type TestServer } from './harness.js'
import { type UploadedIssuer, uploadedIssuer } from './uploaded-issuer.js'

/**
 * A private issuer (nothing public, nothing fetchable: the host does not even resolve) whose
 * JWKS is uploaded with `lanyard oidc-provider set-jwks`.
 */
describe('private issuer with an uploaded JWKS', () => {
  let t: TestServer
  let providerArn: string
  const issuer = 'https://private-issuer.invalid/cluster-a'
  let uploaded: UploadedIssuer

  beforeAll(async () => {
    t = await startTestServer()
    uploaded = await uploadedIssuer(t, issuer, ['sts.amazonaws.com'])
    providerArn = uploaded.providerArn
    await uploaded.role('private', {
      'private-issuer.invalid/cluster-a:sub': 'system:serviceaccount:ns:app',
    })
    expect(uploaded.printed.at(-1)).toContain('stored 1 verification key')
  })
  afterAll(async () => {
    await t?.close()
  })

  const token = (sub: string) => uploaded.sign({ sub }, 'sts.amazonaws.com')

  it('exchanges a token of the private issuer', async () => {
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    })
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${t.credentials.accountId}:role/private`,
        RoleSessionName: 'app',
        WebIdentityToken: await token('system:serviceaccount:ns:app'),
      }),
    )
    expect(out.Provider).toBe(providerArn)
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/)
  })

  it('refuses a token signed by another key', async () => {
    const other = await generateKeyPair('RS256')
    const forged = await new SignJWT({ sub: 'system:serviceaccount:ns:app' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('sts.amazonaws.com')
      .setExpirationTime('10m')
      .sign(other.privateKey)
    const sts = new STSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    })
    const err = await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: `arn:aws:iam::${t.credentials.accountId}:role/private`,
          RoleSessionName: 'app',
          WebIdentityToken: forged,
        }),
      )
      .catch((e: { name: string }) => e)
    expect(err).toMatchObject({ name: 'InvalidIdentityTokenException' })
  })

  it('refuses a JWKS with private key material', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true })
    const file = join(t.dataDir, 'bad.json')
    writeFileSync(file, JSON.stringify({ keys: [await exportJWK(pair.privateKey)] }))
    await expect(
      setProviderJwks({ arn: providerArn, file, dataDir: t.dataDir, print: () => undefined }),
    ).rejects.toThrow(/private/)
  })
})
