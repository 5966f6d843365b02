import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NodeSha256 } from '../../test/smithy-sha256.js'
import { createSigningKeyCache, parseSigV4Auth, type SigV4Request, verifySigV4 } from './index.js'

// An independent signer: the AWS SDK for JavaScript's own (@smithy/signature-v4, a transitive
// dependency of the SDK clients), with its wire query builder. Skipped if it cannot be resolved.
const smithy = await import('@smithy/signature-v4').catch(() => undefined)
const protocols = await import('@smithy/core/protocols').catch(() => undefined)

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0)
const CREDS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}
const TOKEN = 'FwoGZXIvYXdzEBYaD+/token==with+slash/and=='

// Characters that exercise every encoding rule: unreserved, reserved, space, `+`, `%`, quotes,
// the extra characters smithy escapes (!'()*), and 2-, 3- and 4-byte UTF-8.
const CHARS = [..."aZ09-._~ +%/!'()*&=?#:@;,$é€ሴ😀"]
const text = (max: number) =>
  fc.array(fc.constantFrom(...CHARS), { maxLength: max }).map((a) => a.join(''))
const segment = fc.oneof({ weight: 6, arbitrary: text(6) }, fc.constantFrom('.', '..'))
const headerName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,10}$/)
  .filter(
    (n) =>
      !/^(x-amz-|host$|authorization$|proxy-|sec-|user-agent$|expect$|x-amzn-trace-id$|connection$)/.test(
        n,
      ),
  )
const headerValue = fc.stringMatching(/^[ \t]*[!-~]([ \t]{0,3}[!-~]){0,8}[ \t]*$/)

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  segments: fc.array(segment, { maxLength: 4 }),
  trailingSlash: fc.boolean(),
  query: fc.dictionary(
    text(5),
    fc.oneof(text(5), fc.array(text(4), { minLength: 1, maxLength: 3 })),
    {
      maxKeys: 4,
    },
  ),
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
  upperCaseNames: fc.boolean(),
  body: fc.oneof(fc.constant(''), text(20), fc.uint8Array({ maxLength: 40 })),
  token: fc.boolean(),
  presign: fc.boolean(),
  normalize: fc.boolean(),
})

type Generated = typeof requestArb extends fc.Arbitrary<infer T> ? T : never

async function sign(g: Generated): Promise<{ request: SigV4Request }> {
  if (!smithy || !protocols) throw new Error('unreachable')
  const { escapeUri, buildQueryString } = protocols
  const path = `/${g.segments.map((s) => (s === '.' || s === '..' ? s : escapeUri(s))).join('/')}${g.trailingSlash && g.segments.length > 0 ? '/' : ''}`
  const signer = new smithy.SignatureV4({
    credentials: g.token ? { ...CREDS, sessionToken: TOKEN } : CREDS,
    region: 'us-east-1',
    service: g.normalize ? 'iam' : 's3',
    sha256: NodeSha256,
    uriEscapePath: g.normalize,
    applyChecksum: true,
  })
  const unsigned = {
    method: g.method,
    protocol: 'https:',
    hostname: 'lanyard.example',
    path,
    query: { ...g.query },
    headers: { host: 'lanyard.example', ...g.headers },
    body: g.body,
  }
  const signingDate = new Date(NOW)
  const signed = g.presign
    ? await signer.presign(unsigned, { signingDate, expiresIn: 900 })
    : await signer.sign(unsigned, { signingDate })
  const body = typeof g.body === 'string' ? new TextEncoder().encode(g.body) : g.body
  const headers = Object.entries(signed.headers as Record<string, string>).map(
    ([n, v]) => [g.upperCaseNames ? n.toUpperCase() : n, v] as const,
  )
  return {
    request: {
      method: signed.method,
      path: signed.path,
      query: buildQueryString(signed.query ?? {}),
      headers,
      body,
    },
  }
}

const cache = createSigningKeyCache()

function verify(request: SigV4Request, normalize: boolean) {
  const auth = parseSigV4Auth(request)
  if (!auth) throw new Error('no auth parsed')
  return verifySigV4(request, auth, CREDS.secretAccessKey, {
    now: NOW,
    normalizePath: normalize,
    signingKeyCache: cache,
  })
}

describe.skipIf(!smithy || !protocols)(
  'requests signed by the AWS SDK signer (@smithy/signature-v4)',
  () => {
    it('verify, in header and presigned form, with and without session token, S3 and non-S3 paths', async () => {
      await fc.assert(
        fc.asyncProperty(requestArb, async (g) => {
          const { request } = await sign(g)
          const verified = verify(request, g.normalize)
          expect(verified.accessKeyId).toBe(CREDS.accessKeyId)
          expect(verified.service).toBe(g.normalize ? 'iam' : 's3')
          expect(verified.presigned).toBe(g.presign)
          expect(verified.securityToken).toBe(g.token ? TOKEN : undefined)
          expect(verified.securityTokenSigned).toBe(g.token)
        }),
        { numRuns: 300, seed: 20261128 },
      )
    })

    it('are rejected after any change to the body, a signed header value, the query or the method', async () => {
      await fc.assert(
        fc.asyncProperty(requestArb, fc.nat(), fc.nat(), async (g, pick, at) => {
          const { request } = await sign(g)
          const auth = parseSigV4Auth(request)
          if (!auth) throw new Error('no auth parsed')
          const variants: SigV4Request[] = [
            { ...request, method: request.method === 'GET' ? 'HEAD' : 'GET' },
          ]
          if (request.body.length > 0) {
            const body = Uint8Array.from(request.body)
            body[at % body.length] = ((body[at % body.length] as number) + 1) % 256
            variants.push({ ...request, body })
          }
          const signedValues = request.headers
            .map(([n, v], i) => ({ n: n.toLowerCase(), v, i }))
            .filter(({ n, v }) => auth.signedHeaders.includes(n) && /[!-~]/.test(v))
          const target = signedValues[pick % Math.max(1, signedValues.length)]
          if (target) {
            // Change one visible character: never whitespace, which trimming may legitimately absorb.
            const positions = [...target.v].flatMap((c, i) => (/[!-~]/.test(c) ? [i] : []))
            const p = positions[at % positions.length] as number
            const c = target.v[p] === 'Z' ? 'Y' : 'Z'
            const headers = request.headers.map(
              ([n, v], i) => [n, i === target.i ? v.slice(0, p) + c + v.slice(p + 1) : v] as const,
            )
            variants.push({ ...request, headers })
          }
          variants.push({
            ...request,
            query: request.query === '' ? 'extra=1' : `${request.query}&extra=1`,
          })
          for (const v of variants) expect(() => verify(v, g.normalize)).toThrow()
        }),
        { numRuns: 200, seed: 7 },
      )
    })
  },
)
