import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { parseCompactJws, parseJsonObject } from './compact-jws.js'

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const SIG = Buffer.alloc(256, 1).toString('base64url')
const PAYLOAD = b64({ iss: 'https://issuer.example', sub: 'subject' })
const jws = (header: unknown, payload = PAYLOAD, sig = SIG) => `${b64(header)}.${payload}.${sig}`

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    return isLanyardError(err) ? err.code : 'not-a-lanyard-error'
  }
}

describe('parseCompactJws', () => {
  it('splits a compact JWS and keeps the signed bytes', () => {
    const token = jws({ alg: 'RS256', kid: 'k' })
    const parsed = parseCompactJws(token)
    expect(parsed.spec.alg).toBe('RS256')
    expect(parsed.kid).toBe('k')
    expect(parsed.signingInput.toString('latin1')).toBe(token.slice(0, token.lastIndexOf('.')))
    expect(parsed.signature.length).toBe(256)
    expect(JSON.parse(parsed.payload.toString())).toMatchObject({ sub: 'subject' })
  })

  it.each([
    // JWT-13: structure
    ['empty string', ''],
    ['one segment', 'abc'],
    ['two segments', `${b64({ alg: 'RS256' })}.${PAYLOAD}`],
    ['four segments', `${jws({ alg: 'RS256' })}.x`],
    ['JWE (5 segments)', `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`],
    ['100 000 dots (JWT-10)', '.'.repeat(100_000)],
    ['JSON serialization', JSON.stringify({ payload: PAYLOAD, signatures: [] })],
    ['empty header', `.${PAYLOAD}.${SIG}`],
    ['empty payload', `${b64({ alg: 'RS256' })}..${SIG}`],
    ['header not base64url', `${b64({ alg: 'RS256' })}=.${PAYLOAD}.${SIG}`],
    ['header not JSON', `${b64('not json')}.${PAYLOAD}.${SIG}`],
    ['header a JSON array', jws([{ alg: 'RS256' }])],
    ['header JSON null', jws(null)],
    [
      'header invalid UTF-8',
      `${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${PAYLOAD}.${SIG}`,
    ],
    ['payload with padding', `${b64({ alg: 'RS256' })}.${PAYLOAD}=.${SIG}`],
    [
      'payload with a space',
      `${b64({ alg: 'RS256' })}.${PAYLOAD.slice(0, 4)} ${PAYLOAD.slice(4)}.${SIG}`,
    ],
    // header members we refuse
    ['alg missing', jws({ kid: 'k' })],
    ['alg empty', jws({ alg: '' })],
    ['alg not a string', jws({ alg: 1 })],
    ['crit (JWT-12)', jws({ alg: 'RS256', crit: ['exp'], exp: 1 })],
    ['crit empty (JWT-12)', jws({ alg: 'RS256', crit: [] })],
    ['crit b64 (RFC 7797)', jws({ alg: 'RS256', crit: ['b64'], b64: false })],
    ['b64 without crit', jws({ alg: 'RS256', b64: true })],
    ['nested JWT cty (JWT-13)', jws({ alg: 'RS256', cty: 'JWT' })],
    ['nested JWT cty lower case', jws({ alg: 'RS256', cty: 'jwt' })],
    ['JWE member enc', jws({ alg: 'RS256', enc: 'A256GCM' })],
    ['JWE member zip', jws({ alg: 'RS256', zip: 'DEF' })],
    ['kid a number (JWT-03)', jws({ alg: 'RS256', kid: 123 })],
    ['kid an object (JWT-03)', jws({ alg: 'RS256', kid: {} })],
  ])('token.malformed: %s', (_name, token) => {
    expect(codeOf(() => parseCompactJws(token))).toBe('token.malformed')
  })

  it.each([
    // JWT-01, JWT-02: algorithms outside the allow-list
    ['alg none', jws({ alg: 'none' }, PAYLOAD, '')],
    ['alg none with a signature', jws({ alg: 'none' })],
    ['alg None', jws({ alg: 'None' }, PAYLOAD, '')],
    ['alg NONE', jws({ alg: 'NONE' }, PAYLOAD, '')],
    ['alg nOnE', jws({ alg: 'nOnE' }, PAYLOAD, '')],
    ['alg HS256', jws({ alg: 'HS256' })],
    ['alg PS256', jws({ alg: 'PS256' })],
    ['alg EdDSA', jws({ alg: 'EdDSA' })],
    ['alg rs256 (case)', jws({ alg: 'rs256' })],
    ['alg __proto__', jws({ alg: '__proto__' })],
    // an allowed alg without a usable signature segment
    ['empty signature', jws({ alg: 'RS256' }, PAYLOAD, '')],
    ['signature with padding', jws({ alg: 'RS256' }, PAYLOAD, `${SIG}=`)],
    ['signature with unused bits set', jws({ alg: 'RS256' }, PAYLOAD, 'AB')],
  ])('token.bad_signature: %s', (_name, token) => {
    expect(codeOf(() => parseCompactJws(token))).toBe('token.bad_signature')
  })

  it.each([
    ['jku', { jku: 'https://attacker.example/jwks' }],
    ['x5u', { x5u: 'https://attacker.example/cert' }],
    ['x5c', { x5c: ['MIIB'] }],
    ['jwk', { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }],
    ['typ', { typ: 'JWT' }],
    ['cty other than JWT', { cty: 'json' }],
  ])('parses a header with %s (ignored for key selection, JWT-04)', (_name, extra) => {
    expect(parseCompactJws(jws({ alg: 'ES256', ...extra })).spec.alg).toBe('ES256')
  })

  it('checks a header once: later tokens with the same header share it, frozen', () => {
    const header = { alg: 'RS384', kid: 'shared', jwk: { kty: 'RSA' } }
    const first = parseCompactJws(jws(header))
    const second = parseCompactJws(jws(header, b64({ iss: 'https://other.example' })))
    expect(second.header).toBe(first.header)
    expect(second.spec.alg).toBe('RS384')
    expect(second.kid).toBe('shared')
    expect(Object.isFrozen(first.header)).toBe(true)
    expect(Object.isFrozen(first.header.jwk)).toBe(true)
    // The payload and signature of each token are still its own.
    expect(JSON.parse(second.payload.toString())).toEqual({ iss: 'https://other.example' })
  })

  it('refuses a refused header every time (only accepted headers are kept)', () => {
    const token = jws({ alg: 'RS256', crit: ['exp'] })
    expect(codeOf(() => parseCompactJws(token))).toBe('token.malformed')
    expect(codeOf(() => parseCompactJws(token))).toBe('token.malformed')
  })
})

describe('parseJsonObject', () => {
  it.each([
    ['array', '[]'],
    ['string', '"x"'],
    ['number', '1'],
    ['null', 'null'],
    ['not JSON', '{'],
  ])('token.malformed: claims set that is %s (JWT-20)', (_name, text) => {
    expect(codeOf(() => parseJsonObject(Buffer.from(text)))).toBe('token.malformed')
  })

  it('keeps the last of duplicate members, as JSON.parse does everywhere (JWT-09)', () => {
    expect(parseJsonObject(Buffer.from('{"sub":"a","sub":"b"}'))).toEqual({ sub: 'b' })
  })
})
