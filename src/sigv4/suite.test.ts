import { createHmac } from 'node:crypto'
// biome-ignore lint/style/noRestrictedImports: the conformance test reads its vectors from test/fixtures
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LanyardError } from '../errors.js'
import {
  canonicalRequest,
  canonicalUri,
  createSigningKeyCache,
  credentialScope,
  deriveSigningKey,
  hashBody,
  parseAmzDate,
  parseSigV4Auth,
  payloadHash,
  type SigV4Request,
  stringToSign,
  verifySigV4,
} from './index.js'

// The AWS SigV4 test suites, vendored unmodified from awslabs/aws-c-auth (Apache-2.0); see
// test/fixtures/sigv4-suite/NOTICE.md.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/sigv4-suite')
const LEGACY = join(ROOT, 'aws-sig-v4-test-suite')
const V4 = join(ROOT, 'aws-signing-test-suite/v4')

// Every legacy case uses these (suite README / NOTICE.md).
const ACCESS_KEY_ID = 'AKIDEXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SUITE_NOW = parseAmzDate('20150830T123600Z') as number

// ---------------------------------------------------------------------------------------------
// A strict HTTP/1.1 request parser for the suite files (LF line ends, as upstream stores them).
// It refuses what node's parser refuses in the header section (a line without `:`, a name that is
// not a token) but, unlike node, unfolds obs-fold lines (RFC 9112 §5.2: each fold becomes SP),
// because the suite's multiline case needs it. Header values are OWS-trimmed, as node does.

class HttpParseError extends Error {}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

interface ParsedMessage {
  request: SigV4Request
  /** Byte range of the request line's ` HTTP/1.1` (not an input of SigV4). */
  versionRange: [number, number]
  /** Byte range of each header field (continuation lines included), with its lower-case name. */
  headerRanges: { name: string; start: number; end: number }[]
  /** Byte offset of the request-target. */
  targetStart: number
}

function trimOws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '')
}

function parseHttpMessage(bytes: Buffer): ParsedMessage {
  const blank = bytes.indexOf('\n\n')
  const headBytes = blank === -1 ? bytes : bytes.subarray(0, blank)
  const body = blank === -1 ? new Uint8Array(0) : new Uint8Array(bytes.subarray(blank + 2))
  // Offsets are tracked in bytes: split the header section on LF at the byte level.
  const lines: { text: string; start: number }[] = []
  let start = 0
  for (;;) {
    const nl = headBytes.indexOf(0x0a, start)
    const end = nl === -1 ? headBytes.length : nl
    lines.push({ text: headBytes.subarray(start, end).toString('utf8'), start })
    if (nl === -1) break
    start = nl + 1
  }
  if (lines.length > 1 && lines[lines.length - 1]?.text === '') lines.pop()
  const requestLine = lines[0]?.text ?? ''
  const first = requestLine.indexOf(' ')
  const last = requestLine.lastIndexOf(' ')
  if (first <= 0 || last <= first) throw new HttpParseError('bad request line')
  const method = requestLine.slice(0, first)
  const target = requestLine.slice(first + 1, last)
  if (!TOKEN.test(method) || target === '' || requestLine.slice(last + 1) !== 'HTTP/1.1') {
    throw new HttpParseError('bad request line')
  }
  const firstLineBytes = Buffer.byteLength(requestLine)
  const lastByte = Buffer.byteLength(requestLine.slice(0, last))
  const q = target.indexOf('?')
  const headers: [string, string][] = []
  const headerRanges: ParsedMessage['headerRanges'] = []
  for (const line of lines.slice(1)) {
    const lineEnd = line.start + Buffer.byteLength(line.text)
    if (line.text.startsWith(' ') || line.text.startsWith('\t')) {
      const prev = headers[headers.length - 1]
      const range = headerRanges[headerRanges.length - 1]
      if (!prev || !range) throw new HttpParseError('continuation without a header')
      prev[1] = trimOws(`${prev[1]} ${line.text}`)
      range.end = lineEnd
      continue
    }
    const colon = line.text.indexOf(':')
    const name = line.text.slice(0, colon)
    if (colon <= 0 || !TOKEN.test(name)) throw new HttpParseError('bad header line')
    headers.push([name, trimOws(line.text.slice(colon + 1))])
    headerRanges.push({ name: name.toLowerCase(), start: line.start, end: lineEnd })
  }
  return {
    request: {
      method,
      path: q === -1 ? target : target.slice(0, q),
      query: q === -1 ? '' : target.slice(q + 1),
      headers,
      body,
    },
    versionRange: [lastByte, firstLineBytes],
    headerRanges,
    targetStart: first + 1,
  }
}

// ---------------------------------------------------------------------------------------------
// Loading the two suites.

interface LegacyCase {
  name: string
  file: (ext: '.req' | '.creq' | '.sts' | '.authz' | '.sreq') => Buffer
}

function legacyCases(dir = LEGACY): LegacyCase[] {
  const out: LegacyCase[] = []
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry)
    if (!statSync(path).isDirectory()) continue
    if (readdirSync(path).includes(`${entry}.req`)) {
      out.push({ name: entry, file: (ext) => readFileSync(join(path, `${entry}${ext}`)) })
    } else {
      out.push(...legacyCases(path))
    }
  }
  return out
}

interface V4Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  expiration_in_seconds: number
  normalize: boolean
  region: string
  service: string
  sign_body: boolean
  timestamp: string
  omit_session_token?: boolean
}

interface V4Case {
  name: string
  context: V4Context
  file: (name: string) => Buffer
}

function v4Cases(): V4Case[] {
  return readdirSync(V4)
    .sort()
    .map((name) => {
      const file = (f: string): Buffer => readFileSync(join(V4, name, f))
      return { name, context: JSON.parse(file('context.json').toString('utf8')) as V4Context, file }
    })
}

const FORMS = ['header', 'query'] as const
type Form = (typeof FORMS)[number]

function v4Options(c: V4Case) {
  return { now: Date.parse(c.context.timestamp), normalizePath: c.context.normalize }
}

function omitFor(c: V4Case, form: Form): string[] | undefined {
  if (form === 'header') return undefined
  return c.context.omit_session_token
    ? ['X-Amz-Signature', 'X-Amz-Security-Token']
    : ['X-Amz-Signature']
}

function authzSignedHeaders(authz: string): string[] {
  const m = /SignedHeaders=([^,]+)/.exec(authz)
  return (m?.[1] ?? '').split(';')
}

function text(b: Buffer): string {
  return b.toString('utf8')
}

function hmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex')
}

function amzDateOf(request: SigV4Request): string {
  return request.headers.find(([n]) => n.toLowerCase() === 'x-amz-date')?.[1] ?? ''
}

const LEGACY_CASES = legacyCases()
const V4_CASES = v4Cases()

// ---------------------------------------------------------------------------------------------
// Upstream defects of the legacy suite. aws-c-auth edited some files of the 2015 AWS download and
// not the others ("Fix broken multiline header value test", commit history of the suite), so three
// cases are not self-consistent. Each defect is asserted precisely below, so that it cannot hide a
// bug of ours: the test fails if the files stop showing exactly this defect.
//
// - get-vanilla-with-session-token: the .req lacks the X-Amz-Security-Token header that .creq
//   signs, and the .sreq carries get-vanilla's signature (5fa00fa3…) instead of .authz's
//   (07ec1639…). Canonicalised from the .sreq; the .sreq must fail; the .sreq with .authz's
//   Authorization value verifies.
// - post-x-www-form-urlencoded-parameters: .creq matches .req, but .sts (and so .authz and .sreq)
//   were computed from the original 2015 request: `charset=utf8`, no Content-Length. The .sreq
//   (`charset=utf-8`) therefore cannot verify.
// - post-x-www-form-urlencoded: .creq lists content-length, which .authz and .sreq do not sign; the
//   canonical request is compared with .creq's own signed-header list, the rest uses .authz's.

const LEGACY_FIXED_SREQ: Record<string, (c: LegacyCase) => Buffer> = {
  'get-vanilla-with-session-token': (c) =>
    Buffer.from(
      text(c.file('.sreq')).replace(
        /^Authorization: .*$/m,
        `Authorization: ${text(c.file('.authz'))}`,
      ),
    ),
}
const LEGACY_BROKEN_SREQ = new Set([
  'get-vanilla-with-session-token',
  'post-x-www-form-urlencoded-parameters',
])
const LEGACY_BROKEN_STS = new Set(['post-x-www-form-urlencoded-parameters'])

function legacyUnsigned(c: LegacyCase): SigV4Request {
  const source = c.name === 'get-vanilla-with-session-token' ? c.file('.sreq') : c.file('.req')
  return parseHttpMessage(source).request
}

function legacySigned(c: LegacyCase): Buffer {
  return LEGACY_FIXED_SREQ[c.name]?.(c) ?? c.file('.sreq')
}

describe('AWS SigV4 test suite (legacy .req/.creq/.sts/.authz/.sreq)', () => {
  it('has every case', () => {
    expect(LEGACY_CASES).toHaveLength(33)
  })

  it.each(LEGACY_CASES.map((c) => [c.name, c] as const))(
    '%s: canonical request equals .creq',
    (_, c) => {
      const request = legacyUnsigned(c)
      const creq = text(c.file('.creq'))
      const lines = creq.split('\n')
      const signedHeaders = (lines[lines.length - 2] as string).split(';')
      expect(
        canonicalRequest(request, { signedHeaders, payloadHash: hashBody(request.body) }),
      ).toBe(creq)
    },
  )

  it.each(LEGACY_CASES.map((c) => [c.name, c] as const))(
    '%s: string to sign equals .sts and signature equals .authz',
    (_, c) => {
      const request = legacyUnsigned(c)
      const authz = text(c.file('.authz'))
      const creq = canonicalRequest(request, {
        signedHeaders: authzSignedHeaders(authz),
        payloadHash: hashBody(request.body),
      })
      const sts = stringToSign(
        amzDateOf(request),
        credentialScope('20150830', 'us-east-1', 'service'),
        creq,
      )
      const signature = hmacHex(deriveSigningKey(SECRET, '20150830', 'us-east-1', 'service'), sts)
      if (LEGACY_BROKEN_STS.has(c.name)) {
        expect(sts).not.toBe(text(c.file('.sts')))
        // The defect exactly: .sts is the string to sign of the 2015 request.
        const original: SigV4Request = {
          ...request,
          headers: request.headers
            .filter(([n]) => n !== 'Content-Length')
            .map(([n, v]) => [n, v.replace('charset=utf-8', 'charset=utf8')] as const),
        }
        const creq2015 = canonicalRequest(original, {
          signedHeaders: ['content-type', 'host', 'x-amz-date'],
          payloadHash: hashBody(request.body),
        })
        const sts2015 = stringToSign(
          amzDateOf(request),
          credentialScope('20150830', 'us-east-1', 'service'),
          creq2015,
        )
        expect(sts2015).toBe(text(c.file('.sts')))
        expect(
          authz.endsWith(
            `Signature=${hmacHex(deriveSigningKey(SECRET, '20150830', 'us-east-1', 'service'), sts2015)}`,
          ),
        ).toBe(true)
        return
      }
      expect(sts).toBe(text(c.file('.sts')))
      expect(authz).toBe(
        `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20150830/us-east-1/service/aws4_request, SignedHeaders=${authzSignedHeaders(authz).join(';')}, Signature=${signature}`,
      )
    },
  )

  it.each(LEGACY_CASES.map((c) => [c.name, c] as const))(
    '%s: the signed request verifies',
    (_, c) => {
      const options = { now: SUITE_NOW, signingKeyCache: createSigningKeyCache() }
      if (LEGACY_BROKEN_SREQ.has(c.name)) {
        const { request } = parseHttpMessage(c.file('.sreq'))
        const auth = parseSigV4Auth(request)
        expect(auth).toBeDefined()
        expect(() =>
          verifySigV4(request, auth as NonNullable<typeof auth>, SECRET, options),
        ).toThrow(expect.objectContaining({ code: 'signature.mismatch' }))
        if (!LEGACY_FIXED_SREQ[c.name]) return
      }
      const { request } = parseHttpMessage(legacySigned(c))
      const auth = parseSigV4Auth(request)
      expect(auth?.kind).toBe('header')
      const verified = verifySigV4(request, auth as NonNullable<typeof auth>, SECRET, options)
      const token = request.headers.find(([n]) => n === 'X-Amz-Security-Token')?.[1]
      expect(verified).toEqual({
        accessKeyId: ACCESS_KEY_ID,
        region: 'us-east-1',
        service: 'service',
        signedAt: new Date(SUITE_NOW),
        ...(token !== undefined && { securityToken: token }),
        securityTokenSigned: token !== undefined && c.name !== 'post-sts-header-after',
        presigned: false,
      })
    },
  )
})

describe('aws-c-auth signing test suite v4 (context.json, header and query forms)', () => {
  it('has every case', () => {
    expect(V4_CASES).toHaveLength(38)
  })

  const table = V4_CASES.flatMap((c) =>
    FORMS.map((form) => [`${c.name} (${form})`, c, form] as const),
  )

  it.each(table)('%s: canonical request, string to sign and signature match', (_, c, form) => {
    const { request } = parseHttpMessage(c.file(`${form}-signed-request.txt`))
    const auth = parseSigV4Auth(request)
    expect(auth?.kind).toBe(form)
    if (!auth) return
    const omit = omitFor(c, form)
    const creq = canonicalRequest(request, {
      signedHeaders: auth.signedHeaders,
      payloadHash: payloadHash(request, true),
      normalizePath: c.context.normalize,
      ...(omit && { omitQueryParameters: omit }),
    })
    expect(creq).toBe(text(c.file(`${form}-canonical-request.txt`)))
    const scope = credentialScope(auth.date, c.context.region, c.context.service)
    const sts = stringToSign(auth.amzDate, scope, creq)
    expect(sts).toBe(text(c.file(`${form}-string-to-sign.txt`)))
    const key = deriveSigningKey(
      c.context.credentials.secret_access_key,
      auth.date,
      c.context.region,
      c.context.service,
    )
    expect(hmacHex(key, sts)).toBe(text(c.file(`${form}-signature.txt`)).trim())
    expect(auth.signature).toBe(text(c.file(`${form}-signature.txt`)).trim())
  })

  it.each(table)('%s: the signed request verifies', (_, c, form) => {
    const { request } = parseHttpMessage(c.file(`${form}-signed-request.txt`))
    const auth = parseSigV4Auth(request)
    if (!auth) throw new Error('no auth parsed')
    const token = c.context.credentials.token
    expect(auth.securityToken).toBe(token)
    if (form === 'query') expect(auth.expires).toBe(c.context.expiration_in_seconds)
    const verified = verifySigV4(
      request,
      auth,
      c.context.credentials.secret_access_key,
      v4Options(c),
    )
    expect(verified).toEqual({
      accessKeyId: c.context.credentials.access_key_id,
      region: c.context.region,
      service: c.context.service,
      signedAt: new Date(Date.parse(c.context.timestamp)),
      ...(token !== undefined && { securityToken: token }),
      securityTokenSigned: token !== undefined && c.context.omit_session_token !== true,
      presigned: form === 'query',
    })
  })

  it.each(V4_CASES.filter((c) => !c.context.normalize).map((c) => [c.name, c] as const))(
    '%s: normalize:false (S3 rules) does not verify with non-S3 rules unless the path is already canonical',
    (_, c) => {
      const { request } = parseHttpMessage(c.file('header-signed-request.txt'))
      const auth = parseSigV4Auth(request)
      if (!auth) throw new Error('no auth parsed')
      const same = canonicalUri(request.path, true) === canonicalUri(request.path, false)
      const run = () =>
        verifySigV4(request, auth, c.context.credentials.secret_access_key, {
          now: Date.parse(c.context.timestamp),
        })
      if (same) expect(run).not.toThrow()
      else expect(run).toThrow(expect.objectContaining({ code: 'signature.mismatch' }))
    },
  )
})

// ---------------------------------------------------------------------------------------------
// Single-byte mutations of every signed request of both suites.
//
// For every byte offset i of a signed request file, two mutants replace byte i with:
//   m1: '0' (or '1' when the byte is '0')
//   m2: 'q' (or 'z' when the byte is 'q' or 'Q')
// Neither is ever a no-op, and neither is ever the other case of the original byte, because a
// header NAME's case is legitimately irrelevant (header names are case-insensitive, RFC 9110 §5.1,
// and SigV4 lower-cases them) and so are the hex digits of a percent-escape (RFC 3986 §6.2.2.1,
// SigV4 re-encodes in upper case). Every mutant must be rejected: by the HTTP parser (framing),
// by parseSigV4Auth (throws, or finds no auth, which the edge answers MissingAuthenticationToken),
// by the access-key lookup (another key id is another, here unknown, key), or by verifySigV4.
//
// The only mutants that may verify, each asserted to be exactly that:
// - bytes of the ` HTTP/1.1` version token: not an input of SigV4 (it is not in SigV4Request), so
//   they are not mutated at all;
// - bytes of a header the signer left unsigned: the only one in the suites is X-Amz-Security-Token
//   added after signing (post-sts-header-after, SIG-11). The verifier then reports
//   securityTokenSigned: false (and the altered or missing token), so the edge's token lookup, not
//   the signature, decides;
// - bytes of the X-Amz-Security-Token query value of a presigned URL whose token was added after
//   signing (omit_session_token): same, securityTokenSigned: false;
// - bytes of a path segment that a later `..` segment removes, or the `/` between two such
//   segments, for non-S3 path normalisation (normalize-path/get-relative*,
//   *-relative-*-normalized): the SigV4 rule normalises the path before signing (RFC 3986 §5.2.4),
//   so the canonical URI is unchanged; asserted as such. The edge must therefore route on the
//   normalised path (docs/sigv4.md).

interface SignedVector {
  name: string
  bytes: Buffer
  secret: string
  accessKeyId: string
  options: { now: number; normalizePath: boolean }
}

function signedVectors(): SignedVector[] {
  const legacy = LEGACY_CASES.filter(
    (c) => !LEGACY_BROKEN_SREQ.has(c.name) || LEGACY_FIXED_SREQ[c.name],
  ).map(
    (c): SignedVector => ({
      name: `legacy ${c.name}`,
      bytes: legacySigned(c),
      secret: SECRET,
      accessKeyId: ACCESS_KEY_ID,
      options: { now: SUITE_NOW, normalizePath: true },
    }),
  )
  const v4 = V4_CASES.flatMap((c) =>
    FORMS.map(
      (form): SignedVector => ({
        name: `v4 ${c.name} (${form})`,
        bytes: c.file(`${form}-signed-request.txt`),
        secret: c.context.credentials.secret_access_key,
        accessKeyId: c.context.credentials.access_key_id,
        options: v4Options(c),
      }),
    ),
  )
  return [...legacy, ...v4]
}

type Outcome =
  | { kind: 'rejected'; by: string }
  | { kind: 'accepted'; securityTokenSigned: boolean; securityToken: string | undefined }

const cache = createSigningKeyCache()

function attempt(bytes: Buffer, v: SignedVector): Outcome {
  let parsed: ParsedMessage
  try {
    parsed = parseHttpMessage(bytes)
  } catch (e) {
    if (e instanceof HttpParseError) return { kind: 'rejected', by: 'http' }
    throw e
  }
  try {
    const auth = parseSigV4Auth(parsed.request)
    if (!auth) return { kind: 'rejected', by: 'no auth' }
    if (auth.accessKeyId !== v.accessKeyId) return { kind: 'rejected', by: 'unknown key' }
    const r = verifySigV4(parsed.request, auth, v.secret, { ...v.options, signingKeyCache: cache })
    return {
      kind: 'accepted',
      securityTokenSigned: r.securityTokenSigned,
      securityToken: r.securityToken,
    }
  } catch (e) {
    if (e instanceof LanyardError) return { kind: 'rejected', by: e.code }
    throw e
  }
}

function mutants(byte: number): [number, number] {
  const zero = 0x30
  const q = 0x71
  return [byte === zero ? 0x31 : zero, byte === q || byte === 0x51 ? 0x7a : q]
}

/**
 * Byte ranges a normalisation discards: path segments removed by a later `..`, and the `/` between
 * two such segments (joining them makes one segment that the first `..` removes, and the next `..`
 * then climbs past the root, a no-op for the signers and for RFC 3986 §5.2.4 alike).
 */
function cancelledSegments(path: string, offset: number): [number, number][] {
  const stack: [number, number][] = []
  const cancelled: [number, number][] = []
  let pos = 0
  for (const segment of path.split('/')) {
    const start = offset + Buffer.byteLength(path.slice(0, pos))
    const range: [number, number] = [start, start + Buffer.byteLength(segment)]
    pos += segment.length + 1
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      const popped = stack.pop()
      if (popped) cancelled.push(popped)
    } else stack.push(range)
  }
  cancelled.sort((a, b) => a[0] - b[0])
  const joins: [number, number][] = []
  for (let i = 1; i < cancelled.length; i++) {
    const prev = cancelled[i - 1] as [number, number]
    const next = cancelled[i] as [number, number]
    if (next[0] === prev[1] + 1) joins.push([prev[1], next[0]])
  }
  return [...cancelled, ...joins]
}

function within(i: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([s, e]) => i >= s && i < e)
}

describe('every single-byte mutation of a signed suite request is rejected', () => {
  const vectors = signedVectors()

  it('covers every signed request that the suites make verifiable', () => {
    // 33 legacy cases minus post-x-www-form-urlencoded-parameters (no valid signed request
    // exists, see above), plus 38 v4 cases in two forms.
    expect(vectors).toHaveLength(32 + 76)
  })

  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_, v) => {
    const original = parseHttpMessage(v.bytes)
    expect(attempt(v.bytes, v).kind).toBe('accepted')
    const auth = parseSigV4Auth(original.request)
    if (!auth) throw new Error('no auth parsed')
    const unsignedHeaders = original.headerRanges
      .filter((h) => h.name !== 'authorization' && !auth.signedHeaders.includes(h.name))
      .map((h) => {
        expect(h.name).toBe('x-amz-security-token')
        return [h.start, h.end] as const
      })
    const unsignedQueryToken: [number, number][] = []
    const tokenMatch = /[?&]X-Amz-Security-Token=([^& ]*)/.exec(
      v.bytes.subarray(0, v.bytes.indexOf('\n')).toString('latin1'),
    )
    if (tokenMatch && attempt(v.bytes, v).kind === 'accepted') {
      const r = verifySigV4(original.request, auth, v.secret, v.options)
      if (!r.securityTokenSigned) {
        const start =
          (tokenMatch.index as number) + tokenMatch[0].length - (tokenMatch[1] as string).length
        unsignedQueryToken.push([start, start + (tokenMatch[1] as string).length])
      }
    }
    const pathStart = original.targetStart
    const cancelled = v.options.normalizePath
      ? cancelledSegments(original.request.path, pathStart)
      : []
    const originalUri = canonicalUri(original.request.path, v.options.normalizePath)

    let mutated = 0
    let rejected = 0
    const accepted: string[] = []
    const copy = Buffer.from(v.bytes)
    for (let i = 0; i < v.bytes.length; i++) {
      if (i >= original.versionRange[0] && i < original.versionRange[1]) continue
      const byte = v.bytes[i] as number
      for (const m of mutants(byte)) {
        copy[i] = m
        mutated++
        const outcome = attempt(copy, v)
        if (outcome.kind === 'rejected') {
          rejected++
          totals.rejectedBy.set(outcome.by, (totals.rejectedBy.get(outcome.by) ?? 0) + 1)
          continue
        }
        const where = `byte ${i} (${JSON.stringify(String.fromCharCode(byte))} -> ${String.fromCharCode(m)})`
        if (within(i, unsignedHeaders) || within(i, unsignedQueryToken)) {
          expect(outcome.securityTokenSigned, where).toBe(false)
          accepted.push(`token ${where}`)
          totals.token++
        } else if (within(i, cancelled)) {
          const mutatedPath = parseHttpMessage(copy).request.path
          expect(canonicalUri(mutatedPath, true), where).toBe(originalUri)
          accepted.push(`dot-segment ${where}`)
          totals.dotSegment++
        } else {
          expect.unreachable(`mutation accepted at ${where}`)
        }
      }
      copy[i] = byte
    }
    expect(mutated).toBeGreaterThan(0)
    expect(rejected + accepted.length).toBe(mutated)
    totals.mutants += mutated
  })

  it('exercised each legitimate equivalence, and rejected everything else', () => {
    // Guards the guard: were the categories never hit, their exemptions would be dead code, and
    // were nearly everything rejected by the HTTP parser, the verifier would not be under test.
    expect(totals.token).toBeGreaterThan(0)
    expect(totals.dotSegment).toBeGreaterThan(0)
    // At the time of writing: 70716 mutants; 31334 SignatureDoesNotMatch, 1210 HTTP framing.
    expect(totals.rejectedBy.get('signature.mismatch') ?? 0).toBeGreaterThan(totals.mutants / 4)
    expect(totals.rejectedBy.get('http') ?? 0).toBeLessThan(totals.mutants / 20)
  })
})

const totals = { mutants: 0, token: 0, dotSegment: 0, rejectedBy: new Map<string, number>() }
