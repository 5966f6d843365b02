import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './harness.js'
import { errorCode, errorMessage, signedFetch } from './signed-fetch.js'

/** Bad input on the wire: AWS's error for each, never a 500, never a partial write. */
describe('bad input over HTTP', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => {
    await t?.close()
  })

  const iam = (body: string, extra: Partial<Parameters<typeof signedFetch>[0]> = {}) =>
    signedFetch({
      url: t.server.url,
      service: 'iam',
      region: 'us-east-1',
      credentials: t.sdk.credentials,
      body,
      ...extra,
    })

  const cases: {
    name: string
    send: () => Promise<{ status: number; body: string }>
    status: number
    code: string
    message?: RegExp
  }[] = [
    {
      name: 'unsigned IAM call',
      send: async () => {
        const r = await fetch(`${t.server.url}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'Action=ListRoles&Version=2010-05-08',
        })
        return { status: r.status, body: await r.text() }
      },
      status: 403,
      code: 'MissingAuthenticationToken',
    },
    {
      name: 'unknown action',
      send: () => iam('Action=StealEverything&Version=2010-05-08'),
      status: 400,
      code: 'InvalidAction',
    },
    {
      name: 'missing required parameter',
      send: () => iam('Action=GetRole&Version=2010-05-08'),
      status: 400,
      code: 'ValidationError',
      message: /Value null at 'roleName' failed to satisfy constraint: Member must not be null/,
    },
    {
      name: 'out-of-range parameter',
      send: () => iam('Action=ListRoles&Version=2010-05-08&MaxItems=0'),
      status: 400,
      code: 'ValidationError',
      message: /maxItems/,
    },
    {
      name: 'pattern violation',
      send: () => iam('Action=GetRole&Version=2010-05-08&RoleName=bad%20name'),
      status: 400,
      code: 'ValidationError',
      message:
        /The specified value for roleName is invalid\. It must contain only alphanumeric characters and\/or the following: \+=,\.@_-/,
    },
    {
      name: 'duplicate parameter',
      send: () => iam('Action=GetRole&Version=2010-05-08&RoleName=a&RoleName=b'),
      status: 400,
      code: 'MalformedQueryString',
    },
    {
      name: 'invalid percent-encoding',
      send: () => iam('Action=GetRole&RoleName=%ZZ'),
      status: 400,
      code: 'MalformedQueryString',
    },
    {
      name: 'non-UTF-8 parameter',
      send: () => iam('Action=GetRole&RoleName=%FF%FE'),
      status: 400,
      code: 'MalformedQueryString',
    },
    {
      name: 'oversized body',
      send: () => iam(`Action=ListRoles&Pad=${'a'.repeat(2 * 1024 * 1024)}`),
      status: 413,
      code: 'RequestEntityTooLarge',
    },
    {
      name: 'body changed after signing',
      send: () =>
        iam('Action=ListRoles&Version=2010-05-08', {
          tamper: (r) => (r.body = 'Action=ListRoles&Version=2010-05-09'),
        }),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'unknown access key',
      send: () =>
        iam('Action=ListRoles', {
          credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) },
        }),
      status: 403,
      code: 'InvalidClientTokenId',
    },
    {
      name: 'long-term key with a session token',
      send: () =>
        iam('Action=ListRoles', { credentials: { ...t.sdk.credentials, sessionToken: 'forged' } }),
      status: 403,
      code: 'InvalidClientTokenId',
    },
    {
      name: 'wrong secret',
      send: () =>
        iam('Action=ListRoles', {
          credentials: { ...t.sdk.credentials, secretAccessKey: 'y'.repeat(40) },
        }),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'malformed policy document',
      send: () =>
        iam(
          `Action=CreateRole&Version=2010-05-08&RoleName=HalfWritten&AssumeRolePolicyDocument=${encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"')}`,
        ),
      status: 400,
      code: 'MalformedPolicyDocument',
    },
  ]

  it.each(cases)('$name → $code', async (c) => {
    const r = await c.send()
    expect(r.status).toBe(c.status)
    expect(errorCode(r.body)).toBe(c.code)
    if (c.message) expect(errorMessage(r.body)).toMatch(c.message)
    expect(r.body).not.toContain(t.sdk.credentials.secretAccessKey)
  })

  it('leaves nothing behind after a refused CreateRole', async () => {
    const r = await iam('Action=GetRole&Version=2010-05-08&RoleName=HalfWritten')
    expect(errorCode(r.body)).toBe('NoSuchEntity')
  })

  it('answers EKS errors in restJson1', async () => {
    const r = await signedFetch({
      url: t.server.url,
      service: 'eks',
      region: 'us-east-1',
      credentials: t.sdk.credentials,
      method: 'GET',
      path: '/clusters/nope',
      headers: { 'content-type': 'application/json' },
    })
    expect(r.status).toBe(404)
    expect(r.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException')
    expect(JSON.parse(r.body)).toEqual({ message: 'No cluster found for name: nope.' })
  })

  it('serves health and 404s unknown issuers', async () => {
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${t.server.url}/readyz`)).status).toBe(200)
    expect((await fetch(`${t.server.url}/id/${'A'.repeat(32)}/keys`)).status).toBe(404)
    expect((await fetch(`${t.server.url}/id/../../etc/passwd`)).status).toBe(404)
  })
})
