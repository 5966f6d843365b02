import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { LanyardError } from '../errors.js'
import {
  canonicalRequest,
  createSigningKeyCache,
  credentialScope,
  deriveSigningKey,
  formatAmzDate,
  hashBody,
  parseAmzDate,
  parseSigV4Auth,
  type SigV4Request,
  stringToSign,
  type VerifyOptions,
  verifySigV4,
} from './index.js'

// Requests here are signed with the module's own building blocks, which the AWS suites pin down
// (suite.test.ts); these tests are about the checks around the signature (security catalog §4).

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const AKID = 'AKIDEXAMPLE'
const AMZ_DATE = '20220127T015928Z'
const NOW = parseAmzDate(AMZ_DATE) as number
const MINUTE = 60_000

type Headers = [string, string][]

interface SignSpec {
  method?: string
  path?: string
  query?: string
  headers?: Headers
  body?: string
  amzDate?: string
  scopeDate?: string
  region?: string
  service?: string
  /** Extra signed headers (host and x-amz-date are always signed). */
  sign?: string[]
  token?: string
  signToken?: boolean
  secret?: string
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s)
}

function sigOf(
  request: SigV4Request,
  signedHeaders: string[],
  s: SignSpec,
  omit?: string[],
): string {
  const amzDate = s.amzDate ?? AMZ_DATE
  const date = s.scopeDate ?? amzDate.slice(0, 8)
  const region = s.region ?? 'us-east-1'
  const service = s.service ?? 'sts'
  const creq = canonicalRequest(request, {
    signedHeaders,
    payloadHash: hashBody(request.body),
    ...(omit && { omitQueryParameters: omit }),
  })
  const sts = stringToSign(amzDate, credentialScope(date, region, service), creq)
  return createHmac('sha256', deriveSigningKey(s.secret ?? SECRET, date, region, service))
    .update(sts)
    .digest('hex')
}

/** A request signed in the Authorization header. */
function signed(s: SignSpec = {}): SigV4Request {
  const amzDate = s.amzDate ?? AMZ_DATE
  const headers: Headers = [['Host', 'sts.example'], ['X-Amz-Date', amzDate], ...(s.headers ?? [])]
  if (s.token !== undefined) headers.push(['X-Amz-Security-Token', s.token])
  const names = ['host', 'x-amz-date', ...(s.sign ?? [])]
  if (s.token !== undefined && s.signToken !== false) names.push('x-amz-security-token')
  const signedHeaders = [...new Set(names)].sort()
  const request: SigV4Request = {
    method: s.method ?? 'POST',
    path: s.path ?? '/',
    query: s.query ?? '',
    headers,
    body: utf8(s.body ?? 'Action=GetCallerIdentity&Version=2011-06-15'),
  }
  const scope = credentialScope(
    s.scopeDate ?? amzDate.slice(0, 8),
    s.region ?? 'us-east-1',
    s.service ?? 'sts',
  )
  const authorization = `AWS4-HMAC-SHA256 Credential=${AKID}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${sigOf(request, signedHeaders, s)}`
  return { ...request, headers: [...headers, ['Authorization', authorization]] }
}

function enc(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** A presigned GET request. */
function presigned(s: SignSpec & { expires?: string } = {}): SigV4Request {
  const amzDate = s.amzDate ?? AMZ_DATE
  const scope = credentialScope(
    s.scopeDate ?? amzDate.slice(0, 8),
    s.region ?? 'us-east-1',
    s.service ?? 'sts',
  )
  const params: [string, string][] = [
    ['Action', 'GetCallerIdentity'],
    ['Version', '2011-06-15'],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${AKID}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', s.expires ?? '60'],
    ['X-Amz-SignedHeaders', 'host'],
  ]
  const signToken = s.token !== undefined && s.signToken !== false
  if (signToken) params.push(['X-Amz-Security-Token', s.token as string])
  const query = params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
  const request: SigV4Request = {
    method: 'GET',
    path: '/',
    query,
    headers: [['Host', 'sts.example'], ...(s.headers ?? [])],
    body: new Uint8Array(0),
  }
  const signature = sigOf(request, ['host'], s, ['X-Amz-Signature'])
  let full = `${query}&X-Amz-Signature=${signature}`
  if (s.token !== undefined && !signToken) full += `&X-Amz-Security-Token=${enc(s.token)}`
  return { ...request, query: full }
}

function verify(request: SigV4Request, options: Partial<VerifyOptions> = {}, secret = SECRET) {
  const auth = parseSigV4Auth(request)
  if (!auth) throw new Error('no auth parsed')
  return verifySigV4(request, auth, secret, { now: NOW, ...options })
}

function withHeader(request: SigV4Request, name: string, value: string): SigV4Request {
  return { ...request, headers: [...request.headers, [name, value]] }
}

function replaceHeader(request: SigV4Request, name: string, value: string): SigV4Request {
  return {
    ...request,
    headers: request.headers.map(([n, v]) => [n, n.toLowerCase() === name ? value : v] as const),
  }
}

function error(code: string, message?: string) {
  return expect.objectContaining(message === undefined ? { code } : { code, message })
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

describe('verifySigV4', () => {
  it('accepts a correctly signed request and reports who signed it', () => {
    expect(verify(signed())).toEqual({
      accessKeyId: AKID,
      region: 'us-east-1',
      service: 'sts',
      signedAt: new Date(NOW),
      securityTokenSigned: false,
      presigned: false,
    })
  })

  it('refuses a wrong secret with AWS SignatureDoesNotMatch message', () => {
    expect(() => verify(signed(), {}, 'another secret')).toThrow(
      error('signature.mismatch', MISMATCH),
    )
  })

  it.each([
    ['in upper case', (sig: string) => sig.toUpperCase()],
    ['one character short', (sig: string) => sig.slice(0, 63)],
    ['one character long', (sig: string) => `${sig}0`],
    ['with a character that is not hex', (sig: string) => `${sig.slice(0, 63)}g`],
    ['with a byte past ASCII', (sig: string) => `${sig.slice(0, 63)}\u00e9`],
  ])('refuses the right signature %s as SignatureDoesNotMatch', (_, change) => {
    const request = signed()
    const authorization = (request.headers.at(-1) as [string, string])[1]
    const sig = authorization.slice(authorization.lastIndexOf('=') + 1)
    expect(sig).toMatch(/^[0-9a-f]{64}$/)
    expect(verify(request).accessKeyId).toBe(AKID)
    const changed = replaceHeader(request, 'authorization', authorization.replace(sig, change(sig)))
    expect(() => verify(changed)).toThrow(error('signature.mismatch', MISMATCH))
  })

  describe('SIG-01/02: 15-minute skew window', () => {
    it.each([
      ['exactly 15 min old', -15 * MINUTE, true],
      ['15 min and 1 s old', -15 * MINUTE - 1000, false],
      ['exactly 15 min ahead', 15 * MINUTE, true],
      ['15 min and 1 s ahead', 15 * MINUTE + 1000, false],
    ])('%s', (_, offset, ok) => {
      const request = signed({ amzDate: formatAmzDate(NOW + offset) })
      if (ok) expect(verify(request).signedAt.getTime()).toBe(NOW + offset)
      else expect(() => verify(request)).toThrow(error('signature.expired'))
    })

    it('words an old signature as AWS does', () => {
      // The AWS CLI issue #6676 example: signed 20220127T001427Z, received 20220127T015928Z.
      expect(() => verify(signed({ amzDate: '20220127T001427Z' }))).toThrow(
        error(
          'signature.expired',
          'Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)',
        ),
      )
    })

    it('words a future signature as AWS does', () => {
      expect(() => verify(signed({ amzDate: '20220127T021429Z' }))).toThrow(
        error(
          'signature.expired',
          'Signature not yet current: 20220127T021429Z is still later than 20220127T021428Z (20220127T015928Z + 15 min.)',
        ),
      )
    })

    it('honours maxSkewMs', () => {
      const request = signed({ amzDate: formatAmzDate(NOW - 6 * MINUTE) })
      expect(() => verify(request, { maxSkewMs: 5 * MINUTE })).toThrow(
        error('signature.expired', expect.stringContaining('- 5 min.)')),
      )
    })
  })

  describe('SIG-03: credential scope', () => {
    it('refuses a scope date that is not the date of X-Amz-Date, with AWS message', () => {
      const request = signed({ scopeDate: '20220126' })
      expect(() => verify(request)).toThrow(
        error(
          'signature.mismatch',
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20220126' != '20220127', from '20220127T015928Z'.",
        ),
      )
    })

    it('reports region and service from the scope, for the edge to check', () => {
      const v = verify(signed({ region: 'eu-west-3', service: 'iam' }))
      expect([v.region, v.service]).toEqual(['eu-west-3', 'iam'])
    })

    it('refuses a signature made for another region or service than the scope claims', () => {
      const request = signed({ region: 'eu-west-3' })
      const lying = replaceHeader(
        request,
        'authorization',
        (request.headers.at(-1) as [string, string])[1].replace('eu-west-3', 'us-east-1'),
      )
      expect(() => verify(lying)).toThrow(error('signature.mismatch'))
    })

    it.each([
      [
        'bad terminator',
        `${AKID}/20220127/us-east-1/sts/aws4_requestx`,
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requestx'.",
      ],
      ['access key id with a slash', `AKID/EXAMPLE/20220127/us-east-1/sts/aws4_request`, undefined],
      ['missing date', `${AKID}/us-east-1/sts/aws4_request`, undefined],
      ['non-numeric date', `${AKID}/2022012x/us-east-1/sts/aws4_request`, undefined],
      [
        'empty region',
        `${AKID}/20220127//sts/aws4_request`,
        'Credential should be scoped to a valid region.',
      ],
      [
        'region with a space',
        `${AKID}/20220127/us east/sts/aws4_request`,
        'Credential should be scoped to a valid region.',
      ],
      [
        'empty service',
        `${AKID}/20220127/us-east-1//aws4_request`,
        'Credential should be scoped to a valid service.',
      ],
    ])('refuses a %s', (_, credential, message) => {
      const request = replaceHeader(
        signed(),
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      )
      expect(() => parseSigV4Auth(request)).toThrow(
        error(
          'signature.incomplete',
          message ?? expect.stringContaining('the Credential is mal-formed'),
        ),
      )
    })
  })

  describe('SIG-04: replay', () => {
    it('accepts the same request twice within the window (SigV4 has no nonce; by design)', () => {
      const request = signed()
      expect(verify(request).accessKeyId).toBe(AKID)
      expect(verify(request).accessKeyId).toBe(AKID)
    })
  })

  describe('SIG-06/07: payload hash', () => {
    it('hashes the body itself: an altered body does not verify', () => {
      const request = signed({ body: 'Action=GetCallerIdentity' })
      expect(() => verify({ ...request, body: utf8('Action=AssumeRole') })).toThrow(
        error('signature.mismatch'),
      )
    })

    it('accepts x-amz-content-sha256 equal to the body hash', () => {
      const body = 'Action=ListRoles'
      const request = signed({
        body,
        headers: [['X-Amz-Content-Sha256', hashBody(utf8(body))]],
        sign: ['x-amz-content-sha256'],
      })
      expect(verify(request).accessKeyId).toBe(AKID)
    })

    it.each([
      ['in upper case', (h: string) => h.toUpperCase()],
      ['a digit short', (h: string) => h.slice(0, 63)],
      ['with a character that is not hex', (h: string) => `${h.slice(0, 63)}g`],
    ])('refuses the body hash %s as not a valid SHA256', (_, change) => {
      const body = 'Action=ListRoles'
      const request = signed({
        body,
        headers: [['x-amz-content-sha256', change(hashBody(utf8(body)))]],
        sign: ['x-amz-content-sha256'],
      })
      expect(() => verify(request)).toThrow(
        error(
          'signature.incomplete',
          "The provided 'x-amz-content-sha256' header must be a valid SHA256.",
        ),
      )
    })

    it('refuses x-amz-content-sha256 of another body, signed or not', () => {
      const other = hashBody(utf8('Action=AssumeRole'))
      const signedClaim = signed({
        headers: [['x-amz-content-sha256', other]],
        sign: ['x-amz-content-sha256'],
      })
      const unsignedClaim = signed({ headers: [['x-amz-content-sha256', other]] })
      for (const request of [signedClaim, unsignedClaim]) {
        expect(() => verify(request)).toThrow(
          error(
            'signature.mismatch',
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
          ),
        )
      }
    })

    it('refuses UNSIGNED-PAYLOAD unless requireSignedBody is off', () => {
      const request = signed({
        headers: [['x-amz-content-sha256', 'UNSIGNED-PAYLOAD']],
        sign: ['x-amz-content-sha256'],
      })
      expect(() => verify(request)).toThrow(error('signature.mismatch'))
      // Signed as UNSIGNED-PAYLOAD (the body is then not covered) and verified as such.
      const { body, ...rest } = request
      const creq = canonicalRequest(rest as SigV4Request & { body: Uint8Array }, {
        signedHeaders: ['host', 'x-amz-content-sha256', 'x-amz-date'],
        payloadHash: 'UNSIGNED-PAYLOAD',
      })
      const sig = createHmac('sha256', deriveSigningKey(SECRET, '20220127', 'us-east-1', 'sts'))
        .update(stringToSign(AMZ_DATE, credentialScope('20220127', 'us-east-1', 'sts'), creq))
        .digest('hex')
      const unsigned = replaceHeader(
        { ...request, body },
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${AKID}/20220127/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${sig}`,
      )
      expect(verify(unsigned, { requireSignedBody: false }).accessKeyId).toBe(AKID)
      expect(() => verify(unsigned)).toThrow(error('signature.mismatch'))
    })

    it.each([
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'STREAMING-AWS4-HMAC-SHA256-EVENTS',
    ])('refuses streaming payload %s even with requireSignedBody off', (value) => {
      const request = signed({
        headers: [['x-amz-content-sha256', value]],
        sign: ['x-amz-content-sha256'],
      })
      expect(() => verify(request, { requireSignedBody: false })).toThrow(
        error('signature.incomplete'),
      )
    })

    it.each(['abc', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', ''])(
      'refuses a malformed x-amz-content-sha256 %j',
      (value) => {
        const request = signed({ headers: [['x-amz-content-sha256', value]] })
        expect(() => verify(request)).toThrow(error('signature.incomplete'))
      },
    )

    it('refuses two x-amz-content-sha256 headers', () => {
      const h = hashBody(utf8('x'))
      const request = signed({
        body: 'x',
        headers: [
          ['x-amz-content-sha256', h],
          ['x-amz-content-sha256', h],
        ],
      })
      expect(() => verify(request)).toThrow(error('signature.incomplete'))
    })
  })

  describe('SIG-08: presigned expiry', () => {
    it('accepts a presigned request until X-Amz-Date + X-Amz-Expires', () => {
      const request = presigned({ expires: '60' })
      expect(verify(request, { now: NOW + 60_000 })).toMatchObject({
        presigned: true,
        accessKeyId: AKID,
      })
      expect(() => verify(request, { now: NOW + 61_000 })).toThrow(
        error('signature.expired', 'Request has expired'),
      )
    })

    it('accepts the maximum of 604800 seconds, old as it is', () => {
      const request = presigned({ expires: '604800' })
      expect(verify(request, { now: NOW + 604800_000 }).presigned).toBe(true)
    })

    it('refuses a presigned request from more than the skew ahead', () => {
      const request = presigned({ amzDate: formatAmzDate(NOW + 16 * MINUTE) })
      expect(() => verify(request)).toThrow(
        error('signature.expired', expect.stringMatching(/^Signature not yet current/)),
      )
    })

    it.each([
      ['604801', 'X-Amz-Expires must be less than a week (in seconds) that is 604800'],
      ['0', 'X-Amz-Expires must be at least 1 second'],
      ['-1', 'X-Amz-Expires must be non-negative'],
      ['abc', 'X-Amz-Expires should be a number'],
      ['1e3', 'X-Amz-Expires should be a number'],
      ['+60', 'X-Amz-Expires should be a number'],
      ['99999999999', 'X-Amz-Expires should be a number'],
    ])('refuses X-Amz-Expires=%s', (expires, message) => {
      expect(() => parseSigV4Auth(presigned({ expires }))).toThrow(
        error('signature.incomplete', message),
      )
    })

    it.each([
      'X-Amz-Expires',
      'X-Amz-Date',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
      'X-Amz-Credential',
      'X-Amz-Algorithm',
    ])('refuses a presigned request without %s', (name) => {
      const request = presigned()
      const query = request.query
        .split('&')
        .filter((p) => !p.startsWith(`${name}=`))
        .join('&')
      expect(() => parseSigV4Auth({ ...request, query })).toThrow(
        error(
          'signature.incomplete',
          expect.stringMatching(/^Query-string authentication version 4 requires/),
        ),
      )
    })
  })

  describe('SIG-11: session token signed or added after signing', () => {
    it.each([
      ['header, signed', () => signed({ token: 'tok/en+=' }), true],
      ['header, added after signing', () => signed({ token: 'tok/en+=', signToken: false }), false],
      ['query, signed', () => presigned({ token: 'tok/en+=' }), true],
      [
        'query, added after signing',
        () => presigned({ token: 'tok/en+=', signToken: false }),
        false,
      ],
    ])('%s', (_, make, tokenSigned) => {
      expect(verify(make())).toMatchObject({
        securityToken: 'tok/en+=',
        securityTokenSigned: tokenSigned,
      })
    })

    it('a signed token cannot be swapped', () => {
      const request = replaceHeader(signed({ token: 'token-a' }), 'x-amz-security-token', 'token-b')
      expect(() => verify(request)).toThrow(error('signature.mismatch'))
    })

    it('refuses a token both in a header and in the query, and two token headers', () => {
      const both = withHeader(presigned({ token: 'a' }), 'X-Amz-Security-Token', 'a')
      expect(() => parseSigV4Auth(both)).toThrow(error('signature.incomplete'))
      const headerAndQuery = { ...signed({ token: 'a' }), query: 'X-Amz-Security-Token=a' }
      expect(() => parseSigV4Auth(headerAndQuery)).toThrow(error('signature.incomplete'))
      const twice = withHeader(
        signed({ token: 'a', signToken: false }),
        'X-Amz-Security-Token',
        'b',
      )
      expect(() => parseSigV4Auth(twice)).toThrow(error('signature.incomplete'))
    })
  })

  describe('SIG-12: signature comparison', () => {
    const good = signed()
    const authorization = (good.headers.at(-1) as [string, string])[1]
    const sig = authorization.slice(-64)
    it.each([
      ['one hex digit short', sig.slice(0, 63)],
      ['one hex digit long', `${sig}0`],
      ['upper-case hex', sig.toUpperCase()],
      ['non-hex of the right length', `${sig.slice(0, 63)}g`],
      ['non-ASCII of the right length', `${sig.slice(0, 63)}\u0161`],
      ['two-byte characters', '\u0161'.repeat(32)],
      ['a different signature', sig.replace(/.$/, sig.endsWith('0') ? '1' : '0')],
    ])('refuses %s without throwing anything but SignatureDoesNotMatch', (_, s) => {
      const request = replaceHeader(good, 'authorization', authorization.slice(0, -64) + s)
      expect(() => verify(request)).toThrow(error('signature.mismatch', MISMATCH))
    })
  })

  describe('SIG-13: ambiguous authentication', () => {
    it('refuses header and query authentication together, with S3 wording', () => {
      const request = { ...signed(), query: presigned().query }
      expect(() => parseSigV4Auth(request)).toThrow(
        error('signature.incomplete', expect.stringMatching(/^Only one auth mechanism allowed/)),
      )
    })

    it('refuses two Authorization headers', () => {
      const request = signed()
      expect(() =>
        parseSigV4Auth(
          withHeader(request, 'authorization', (request.headers.at(-1) as [string, string])[1]),
        ),
      ).toThrow(error('signature.incomplete'))
    })

    it.each([
      'SignedHeaders=host;x-amz-date',
      'Credential=AKIDEXAMPLE/20220127/us-east-1/sts/aws4_request',
      'Signature=00',
    ])('refuses a repeated Authorization parameter (%s)', (extra) => {
      const request = signed()
      const authorization = (request.headers.at(-1) as [string, string])[1]
      expect(() =>
        parseSigV4Auth(replaceHeader(request, 'authorization', `${authorization}, ${extra}`)),
      ).toThrow(error('signature.incomplete'))
    })

    it('refuses a repeated presigned parameter', () => {
      const request = presigned()
      expect(() =>
        parseSigV4Auth({ ...request, query: `${request.query}&X-Amz-Date=${AMZ_DATE}` }),
      ).toThrow(error('signature.incomplete'))
    })

    it('refuses an encoded spelling of a repeated presigned parameter', () => {
      const request = presigned()
      expect(() =>
        parseSigV4Auth({ ...request, query: `${request.query}&X%2DAmz-Date=${AMZ_DATE}` }),
      ).toThrow(error('signature.incomplete'))
    })

    it('refuses an unknown Authorization parameter and a piece without =', () => {
      const request = signed()
      const authorization = (request.headers.at(-1) as [string, string])[1]
      for (const extra of ['Foo=bar', 'garbage']) {
        expect(() =>
          parseSigV4Auth(replaceHeader(request, 'authorization', `${authorization}, ${extra}`)),
        ).toThrow(error('signature.incomplete'))
      }
    })

    it('returns frozen auth objects, so the parsed pair cannot drift apart', () => {
      const auth = parseSigV4Auth(signed())
      expect(Object.isFrozen(auth)).toBe(true)
      expect(Object.isFrozen(auth?.signedHeaders)).toBe(true)
    })

    it('refuses an auth object that was parsed from another request', () => {
      const a = signed({ body: 'Action=A' })
      const b = signed({ body: 'Action=B' })
      const authA = parseSigV4Auth(a)
      if (!authA) throw new Error('no auth parsed')
      expect(() => verifySigV4(b, authA, SECRET, { now: NOW })).toThrow(
        error('signature.incomplete', 'the authentication does not belong to this request'),
      )
      expect(() =>
        verifySigV4(a, { ...authA, securityToken: 'forged' }, SECRET, { now: NOW }),
      ).toThrow(error('signature.incomplete'))
    })
  })

  describe('SIG-14: signed headers', () => {
    const authWith = (signedHeaders: string) =>
      replaceHeader(
        signed(),
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${AKID}/20220127/us-east-1/sts/aws4_request, SignedHeaders=${signedHeaders}, Signature=${'0'.repeat(64)}`,
      )
    it.each([
      ['without host', 'x-amz-date', "the 'host' header must be signed"],
      ['without x-amz-date', 'host', "the 'x-amz-date' header must be signed"],
      ['unsorted', 'x-amz-date;host', expect.stringMatching(/^SignedHeaders must be sorted/)],
      [
        'with a duplicate',
        'host;host;x-amz-date',
        expect.stringMatching(/^SignedHeaders must be sorted/),
      ],
      [
        'upper-case',
        'Host;x-amz-date',
        expect.stringMatching(/^SignedHeaders must list lower-case/),
      ],
      [
        'with an empty name',
        'host;;x-amz-date',
        expect.stringMatching(/^SignedHeaders must list lower-case/),
      ],
      [
        'listing an absent header',
        'content-type;host;x-amz-date',
        'the signed header `content-type` is not in the request',
      ],
    ])('refuses SignedHeaders %s', (_, list, message) => {
      expect(() => parseSigV4Auth(authWith(list))).toThrow(error('signature.incomplete', message))
    })

    it('refuses a presigned request whose SignedHeaders lacks host', () => {
      const request = presigned()
      const query = request.query.replace(
        'X-Amz-SignedHeaders=host',
        'X-Amz-SignedHeaders=x-amz-date',
      )
      expect(() => parseSigV4Auth({ ...request, query })).toThrow(error('signature.incomplete'))
    })

    it('refuses a missing X-Amz-Date header with AWS wording, and does not take Date instead', () => {
      const request = signed()
      const noDate = { ...request, headers: request.headers.filter(([n]) => n !== 'X-Amz-Date') }
      expect(() => parseSigV4Auth(noDate)).toThrow(
        error(
          'signature.incomplete',
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        ),
      )
      expect(() =>
        parseSigV4Auth(withHeader(noDate, 'Date', 'Thu, 27 Jan 2022 01:59:28 GMT')),
      ).toThrow(
        error('signature.incomplete', expect.stringContaining("'Date' header is not supported")),
      )
    })

    it.each([
      '2022-01-27T01:59:28Z',
      '20220127T015928',
      '20220230T015928Z',
      '20220127T256000Z',
      '',
    ])('refuses a malformed X-Amz-Date %j', (value) => {
      expect(() => parseSigV4Auth(replaceHeader(signed(), 'x-amz-date', value))).toThrow(
        error(
          'signature.incomplete',
          `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
        ),
      )
    })

    it('an unsigned header may change freely; a signed one may not', () => {
      const request = signed({
        headers: [
          ['Content-Type', 'application/x-www-form-urlencoded'],
          ['User-Agent', 'a'],
        ],
        sign: ['content-type'],
      })
      expect(verify(replaceHeader(request, 'user-agent', 'b')).accessKeyId).toBe(AKID)
      expect(() => verify(replaceHeader(request, 'content-type', 'text/plain'))).toThrow(
        error('signature.mismatch'),
      )
    })
  })

  describe('SIG-15: host', () => {
    it('canonicalises the Host actually received', () => {
      expect(() => verify(replaceHeader(signed(), 'host', 'evil.example'))).toThrow(
        error('signature.mismatch'),
      )
    })

    it('ignores X-Forwarded-Host (never part of the signature unless signed)', () => {
      expect(verify(withHeader(signed(), 'X-Forwarded-Host', 'evil.example')).accessKeyId).toBe(
        AKID,
      )
    })

    it('refuses a path that is not origin-form', () => {
      const request = signed({ path: '/x' })
      expect(() => verify({ ...request, path: 'x' })).toThrow(error('request.malformed'))
    })
  })

  describe('SIG-16: header canonicalisation', () => {
    it('treats whitespace runs as one space (the spec), but no other change', () => {
      const request = signed({ headers: [['X-Meta', 'a b']], sign: ['x-meta'] })
      expect(verify(replaceHeader(request, 'x-meta', '  a \t  b ')).accessKeyId).toBe(AKID)
      expect(() => verify(replaceHeader(request, 'x-meta', 'ab'))).toThrow(
        error('signature.mismatch'),
      )
      expect(() => verify(replaceHeader(request, 'x-meta', 'a,b'))).toThrow(
        error('signature.mismatch'),
      )
    })

    it('joins repeated headers in received order', () => {
      const request = signed({
        headers: [
          ['X-Meta', 'one'],
          ['x-meta', 'two'],
        ],
        sign: ['x-meta'],
      })
      expect(verify(request).accessKeyId).toBe(AKID)
      const swapped = {
        ...request,
        headers: request.headers.map(
          ([n, v]) => [n, v === 'one' ? 'two' : v === 'two' ? 'one' : v] as const,
        ),
      }
      expect(() => verify(swapped)).toThrow(error('signature.mismatch'))
    })

    it('matches header names case-insensitively over ASCII only (no Kelvin sign for k)', () => {
      const request = signed({ token: 'tok' })
      const kelvin = {
        ...request,
        headers: request.headers.map(
          ([n, v]) => [n === 'X-Amz-Security-Token' ? 'X-Amz-Security-To\u212Aen' : n, v] as const,
        ),
      }
      expect(() => parseSigV4Auth(kelvin)).toThrow(error('signature.incomplete'))
    })
  })

  describe('SIG-17: algorithms other than AWS4-HMAC-SHA256', () => {
    const rest = `Credential=${AKID}/20220127/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`
    it.each([
      ['SigV4 with SHA-1', `AWS4-HMAC-SHA1 ${rest}`],
      [
        'SigV4a',
        `AWS4-ECDSA-P256-SHA256 Credential=${AKID}/20220127/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=3045`,
      ],
      ['lower-case algorithm', `aws4-hmac-sha256 ${rest}`],
    ])('refuses %s', (_, authorization) => {
      expect(() => parseSigV4Auth(replaceHeader(signed(), 'authorization', authorization))).toThrow(
        error(
          'signature.incomplete',
          'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
        ),
      )
    })

    it.each([
      ['SigV2', 'AWS AKIDEXAMPLE:qaNdqGsI6bq4Hi+9Gzovwyjbh0E='],
      ['Bearer', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'],
      ['Basic', 'Basic ZWxhc3RpYzpzZWNyZXQ='],
    ])('answers %s with the parts SigV4 requires, never echoing the header', (_, authorization) => {
      expect(() => parseSigV4Auth(replaceHeader(signed(), 'authorization', authorization))).toThrow(
        error(
          'signature.incomplete',
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
        ),
      )
    })

    it('refuses X-Amz-Algorithm other than AWS4-HMAC-SHA256', () => {
      const request = presigned()
      const query = request.query.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')
      expect(() => parseSigV4Auth({ ...request, query })).toThrow(
        error(
          'signature.incomplete',
          'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
        ),
      )
    })
  })

  describe('query string', () => {
    it('treats a raw + as a space, like the form parser of the edge', () => {
      const request = signed({ query: 'Name=a%20b' })
      expect(verify({ ...request, query: 'Name=a+b' }).accessKeyId).toBe(AKID)
      expect(() => verify({ ...request, query: 'Name=a%2Bb' })).toThrow(error('signature.mismatch'))
    })

    it('refuses an invalid percent-encoding', () => {
      const request = signed({ query: 'Name=a%20b' })
      expect(() => verify({ ...request, query: 'Name=a%2' })).toThrow(error('request.malformed'))
    })
  })

  describe('signing key cache', () => {
    it('derives a key once per secret, day, region and service, and gives the same result', () => {
      const cache = createSigningKeyCache()
      const request = signed()
      expect(verify(request, { signingKeyCache: cache })).toEqual(verify(request))
      verify(request, { signingKeyCache: cache })
      expect(cache.size).toBe(1)
      expect(() => verify(request, { signingKeyCache: cache }, 'wrong')).toThrow(LanyardError)
      expect(cache.size).toBe(2)
    })
  })
})
