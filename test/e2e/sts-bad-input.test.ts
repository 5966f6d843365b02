import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/cli/token-command.js'
import { startTestServer, type TestServer } from './harness.js'
import { setUpIrsa } from './irsa-setup.js'

const xmlText = (s: string) =>
  s
    .replaceAll('&apos;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')

const constraint = (value: string | null, member: string, rule: string) =>
  `1 validation error detected: Value ${value === null ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: Member must ${rule}`

/**
 * Bad input to the unsigned AssumeRoleWithWebIdentity, as raw awsQuery forms with an otherwise
 * valid request (security catalog STS-01, STS-02, STS-03, STS-04, STS-07, XML-05): each gets
 * AWS's error code, status and message, and none mints credentials. Also STS-08: a signature
 * sent along with the unsigned call changes nothing, either way.
 */
describe('AssumeRoleWithWebIdentity: bad input', () => {
  let t: TestServer
  let roleArn: string
  let token: string

  beforeAll(async () => {
    t = await startTestServer({ issuerBaseUrl: 'https://oidc.lanyard.test' })
    ;({ roleArn } = await setUpIrsa(t, { roleName: 'r', subject: 'test:app' }))
    token = await createToken(t.dataDir, { namespace: 'test', serviceAccount: 'app' })
  })
  afterAll(async () => {
    await t?.close()
  })

  /** Posts the valid request with `change` applied (`null` removes a parameter). */
  const post = async (
    change: Record<string, string | null>,
    headers: Record<string, string> = {},
  ) => {
    const form = new URLSearchParams()
    const params: Record<string, string | null> = {
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: 'app',
      WebIdentityToken: token,
      ...change,
    }
    for (const [k, v] of Object.entries(params)) if (v !== null) form.append(k, v)
    const r = await fetch(`${t.server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form.toString(),
    })
    const body = await r.text()
    return {
      status: r.status,
      code: /<Code>(.*?)<\/Code>/.exec(body)?.[1],
      message: xmlText(/<Message>(.*?)<\/Message>/s.exec(body)?.[1] ?? ''),
      minted: body.includes('<AccessKeyId>'),
    }
  }

  it('accepts the valid request these cases start from', async () => {
    expect(await post({})).toMatchObject({ status: 200, minted: true })
  })

  it.each([
    // STS-01: DurationSeconds
    [
      'DurationSeconds 899',
      { DurationSeconds: '899' },
      constraint('899', 'durationSeconds', 'have value greater than or equal to 900'),
    ],
    [
      'DurationSeconds 43201',
      { DurationSeconds: '43201' },
      constraint('43201', 'durationSeconds', 'have value less than or equal to 43200'),
    ],
    [
      'DurationSeconds above the role maximum',
      { DurationSeconds: '7200' },
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    ],
    [
      'DurationSeconds negative',
      { DurationSeconds: '-1' },
      constraint('-1', 'durationSeconds', 'have value greater than or equal to 900'),
    ],
    [
      'DurationSeconds 1e3',
      { DurationSeconds: '1e3' },
      constraint('1e3', 'durationSeconds', 'be a number'),
    ],
    [
      'DurationSeconds not whole',
      { DurationSeconds: '1500.5' },
      constraint('1500.5', 'durationSeconds', 'be a number'),
    ],
    [
      'DurationSeconds not a number',
      { DurationSeconds: 'abc' },
      constraint('abc', 'durationSeconds', 'be a number'),
    ],
    // STS-02: RoleSessionName
    [
      'RoleSessionName missing',
      { RoleSessionName: null },
      constraint(null, 'roleSessionName', 'not be null'),
    ],
    [
      'RoleSessionName of 1 character',
      { RoleSessionName: 'a' },
      constraint('a', 'roleSessionName', 'have length greater than or equal to 2'),
    ],
    [
      'RoleSessionName of 65 characters',
      { RoleSessionName: 'a'.repeat(65) },
      constraint('a'.repeat(65), 'roleSessionName', 'have length less than or equal to 64'),
    ],
    ...(['a/b', 'a<b', 'a b', 'aé'] as const).map(
      (name) =>
        [
          `RoleSessionName ${name}`,
          { RoleSessionName: name },
          constraint(name, 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
        ] as const,
    ),
    // STS-03: the token's length, before it is parsed (its value is never echoed)
    [
      'WebIdentityToken empty',
      { WebIdentityToken: '' },
      "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
    ],
    [
      'WebIdentityToken of 3 characters',
      { WebIdentityToken: 'abc' },
      "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
    ],
    [
      'WebIdentityToken of 20,001 characters',
      { WebIdentityToken: 'a'.repeat(20_001) },
      "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000",
    ],
    // STS-04 and XML-05: RoleArn malformed, or named in another case (so missing)
    [
      'RoleArn malformed',
      { RoleArn: 'arn:aws:iam::role' },
      constraint('arn:aws:iam::role', 'roleArn', 'have length greater than or equal to 20'),
    ],
    [
      'roleArn in lower case',
      { RoleArn: null, roleArn: 'arn:aws:iam::111122223333:role/r' },
      constraint(null, 'roleArn', 'not be null'),
    ],
  ] as const)('%s: ValidationError', async (_, change, message) => {
    expect(await post(change)).toEqual({
      status: 400,
      code: 'ValidationError',
      message,
      minted: false,
    })
  })

  it.each([
    ['another partition', (arn: string) => arn.replace('arn:aws:', 'arn:aws-cn:')],
    ['another account', (arn: string) => arn.replace(/::\d{12}:/, '::111122223333:')],
    ['a role that does not exist', (arn: string) => `${arn}-missing`],
  ])('STS-04 RoleArn in %s: the same AccessDenied as a trust denial', async (_, arn) => {
    expect(await post({ RoleArn: arn(roleArn) })).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      minted: false,
    })
  })

  it('STS-08: a signature on the unsigned call is neither required nor checked', async () => {
    // A well-formed Authorization header for a key nobody holds, with a signature that matches
    // nothing: the exchange stands on the token alone, and no SigV4 identity takes part.
    const bogus = {
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAUNKNOWNUNKNOWN00/20261206/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'0'.repeat(64)}`,
      'x-amz-date': '20261206T120000Z',
    }
    expect(await post({}, bogus)).toMatchObject({ status: 200, minted: true })
    expect(await post({ RoleSessionName: 'a/b' }, bogus)).toMatchObject({
      status: 400,
      code: 'ValidationError',
      minted: false,
    })
  })

  it('STS-07: another API version names no operation', async () => {
    expect(await post({ Version: '2011-06-16' })).toEqual({
      status: 400,
      code: 'InvalidAction',
      message: 'Could not find operation AssumeRoleWithWebIdentity for version 2011-06-16',
      minted: false,
    })
  })

  it('STS-07: an action in another case is not the unsigned operation', async () => {
    expect(await post({ Action: 'assumerolewithwebidentity' })).toMatchObject({
      status: 403,
      code: 'MissingAuthenticationToken',
      minted: false,
    })
  })

  it('a parameter given twice is refused, not resolved either way', async () => {
    const form = `${new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: roleArn, RoleSessionName: 'app', WebIdentityToken: token })}&RoleSessionName=other`
    const r = await fetch(`${t.server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    })
    expect(r.status).toBe(400)
    expect(await r.text()).toContain('<Code>MalformedQueryString</Code>')
  })
})
