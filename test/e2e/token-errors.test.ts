import { createSecretKey } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setProviderJwks } from '../../src/cli/provider-jwks.js'
import { startTestServer, type TestServer } from './harness.js'
import { errorCode, errorMessage } from './signed-fetch.js'

const ISSUER = 'https://issuer.invalid/x'
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/**
 * The security catalog's JWT and OIDC entries on the wire: each bad token gets AWS's error code
 * and status from AssumeRoleWithWebIdentity, never a 500.
 */
describe('web-identity token errors on the wire', () => {
  let t: TestServer
  let roleArn: string
  let keys: Awaited<ReturnType<typeof generateKeyPair>>
  let publicJwk: Record<string, unknown>

  beforeAll(async () => {
    t = await startTestServer()
    keys = await generateKeyPair('RS256', { extractable: true })
    publicJwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
    const iam = new IAMClient(t.sdk)
    const p = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: ISSUER, ClientIDList: ['sts.amazonaws.com'] }),
    )
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: 'r',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: p.OpenIDConnectProviderArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
            },
          ],
        }),
      }),
    )
    roleArn = role.Role?.Arn as string
    const file = join(t.dataDir, 'jwks.json')
    writeFileSync(file, JSON.stringify({ keys: [publicJwk] }))
    await setProviderJwks({
      arn: p.OpenIDConnectProviderArn as string,
      file,
      dataDir: t.dataDir,
      print: () => undefined,
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  const sign = (
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
    key = keys.privateKey,
  ) =>
    new SignJWT({ sub: 'system:serviceaccount:ns:app', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header })
      .setIssuer((claims.iss as string) ?? ISSUER)
      .setAudience((claims.aud as string) ?? 'sts.amazonaws.com')
      .setExpirationTime((claims.exp as number) ?? '10m')
      .sign(key)

  const exchange = async (token: string) => {
    const body = new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: 'app',
      WebIdentityToken: token,
    })
    const r = await fetch(`${t.server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
    const text = await r.text()
    return { status: r.status, code: errorCode(text), message: errorMessage(text) }
  }

  const now = () => Math.floor(Date.now() / 1000)
  const cases: {
    id: string
    token: () => Promise<string>
    status: number
    code: string
    message?: RegExp
  }[] = [
    { id: 'valid token (control)', token: () => sign({}), status: 200, code: '' },
    {
      id: 'JWT-01 alg none',
      token: async () =>
        `${b64({ alg: 'none' })}.${b64({ iss: ISSUER, sub: 'system:serviceaccount:ns:app', aud: 'sts.amazonaws.com', exp: now() + 600 })}.`,
      status: 400,
      code: 'InvalidIdentityToken',
    },
    {
      id: 'JWT-02 HS256 keyed with the public key',
      token: () =>
        new SignJWT({ sub: 'system:serviceaccount:ns:app' })
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setAudience('sts.amazonaws.com')
          .setExpirationTime('10m')
          .sign(createSecretKey(Buffer.from(JSON.stringify(publicJwk)))),
      status: 400,
      code: 'InvalidIdentityToken',
    },
    {
      id: 'JWT-04 embedded jwk of the attacker',
      token: async () => {
        const attacker = await generateKeyPair('RS256', { extractable: true })
        return sign({}, { jwk: await exportJWK(attacker.publicKey) }, attacker.privateKey)
      },
      status: 400,
      code: 'InvalidIdentityToken',
    },
    {
      id: 'JWT-04 jku to an attacker JWKS',
      token: async () => {
        const attacker = await generateKeyPair('RS256')
        return sign({}, { jku: 'https://attacker.invalid/jwks' }, attacker.privateKey)
      },
      status: 400,
      code: 'InvalidIdentityToken',
    },
    {
      id: 'expired',
      token: () => sign({ exp: now() - 60 }),
      status: 400,
      code: 'ExpiredTokenException',
    },
    {
      id: 'not yet valid (nbf)',
      token: () => sign({ nbf: now() + 3600 }),
      status: 400,
      code: 'InvalidIdentityToken',
    },
    {
      id: 'wrong audience',
      token: () => sign({ aud: 'other' }),
      status: 400,
      code: 'InvalidIdentityToken',
      message: /^Incorrect token audience$/,
    },
    {
      id: 'JWT-08 issuer with a trailing slash',
      token: () => sign({ iss: `${ISSUER}/` }),
      status: 400,
      code: 'InvalidIdentityToken',
      message:
        /^No OpenIDConnect provider found in your account for https:\/\/issuer\.invalid\/x\/$/,
    },
    {
      id: 'unregistered issuer',
      token: () => sign({ iss: 'https://evil.invalid' }),
      status: 400,
      code: 'InvalidIdentityToken',
    },
    {
      id: 'missing sub',
      token: () => sign({ sub: undefined }),
      status: 400,
      code: 'InvalidIdentityToken',
    },
    { id: 'garbage', token: async () => 'not.a.jwt', status: 400, code: 'InvalidIdentityToken' },
    {
      id: 'JWE (five parts)',
      token: async () => 'a.b.c.d.e',
      status: 400,
      code: 'InvalidIdentityToken',
    },
    { id: 'too short', token: async () => 'abc', status: 400, code: 'ValidationError' },
    { id: 'too long', token: async () => 'a'.repeat(20001), status: 400, code: 'ValidationError' },
  ]

  it.each(cases)('$id → $code', async (c) => {
    const r = await exchange(await c.token())
    expect(r.status).toBe(c.status)
    if (c.status !== 200) {
      expect(r.code).toBe(c.code)
      if (c.message) expect(r.message).toMatch(c.message)
    }
  })
})
