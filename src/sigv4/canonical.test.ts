import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  createSigningKeyCache,
  deriveSigningKey,
  formatAmzDate,
  normalizePath,
  parseAmzDate,
  trimHeaderValue,
} from './index.js'

describe('canonicalUri', () => {
  it.each([
    // [raw path, non-S3 (normalised, double-encoded), S3 (as is, encoded once)]
    ['/', '/', '/'],
    ['', '/', '/'],
    ['/a/b', '/a/b', '/a/b'],
    ['/a%20b', '/a%2520b', '/a%20b'],
    ['/a b', '/a%20b', '/a%20b'],
    ['/a+b', '/a%2Bb', '/a%2Bb'],
    ['/%e1%88%b4', '/%25e1%2588%25b4', '/%E1%88%B4'],
    ['/\u1234', '/%E1%88%B4', '/%E1%88%B4'],
    ['/\u{1F600}', '/%F0%9F%98%80', '/%F0%9F%98%80'],
    ['/%41', '/%2541', '/A'],
    ['/a%2Fb', '/a%252Fb', '/a%2Fb'],
    ["/!'()*", '/%21%27%28%29%2A', '/%21%27%28%29%2A'],
    ['/-._~', '/-._~', '/-._~'],
    ['//a//b//', '/a/b/', '//a//b//'],
    ['/a/./b/../c', '/a/c', '/a/./b/../c'],
    ['/a/..', '/', '/a/..'],
    ['/../..', '/', '/../..'],
    ['/a/.', '/a', '/a/.'],
    ['/a/%2E%2E', '/a/%252E%252E', '/a/..'],
    ['/.a/..b/', '/.a/..b/', '/.a/..b/'],
  ])('%j', (raw, normalised, s3) => {
    expect(canonicalUri(raw, true)).toBe(normalised)
    expect(canonicalUri(raw, false)).toBe(s3)
  })

  it('refuses an invalid escape in S3 mode (it would be decoded)', () => {
    expect(() => canonicalUri('/a%2', false)).toThrow(
      expect.objectContaining({ code: 'request.malformed' }),
    )
    expect(canonicalUri('/a%2', true)).toBe('/a%252')
  })

  it('returns the very string when nothing needs normalising', () => {
    const path = '/clusters/my-cluster/'
    expect(normalizePath(path)).toBe(path)
  })
})

describe('canonicalQuery', () => {
  it.each([
    ['', ''],
    ['a=1', 'a=1'],
    ['b=2&a=1', 'a=1&b=2'],
    ['a=2&a=1&a=10', 'a=1&a=10&a=2'],
    ['a&b=', 'a=&b='],
    ['=x', '=x'],
    ['a=1&&b=2&', 'a=1&b=2'],
    ['a=b=c', 'a=b%3Dc'],
    ['k=a b', 'k=a%20b'],
    ['k=a+b', 'k=a%20b'],
    ['k=a%2Bb', 'k=a%2Bb'],
    ['k=a%2bb', 'k=a%2Bb'],
    ['k=%7e%41', 'k=~A'],
    ['k=/?#[]@', 'k=%2F%3F%23%5B%5D%40'],
    ['%E1%88%B4=v&Param=v&Param-3=v', '%E1%88%B4=v&Param=v&Param-3=v'],
    ['\u1234=bar', '%E1%88%B4=bar'],
    // Sorted by encoded key then encoded value (byte order), so upper case first.
    ['b=1&B=1&a=1', 'B=1&a=1&b=1'],
  ])('%j -> %j', (raw, canonical) => {
    expect(canonicalQuery(raw)).toBe(canonical)
  })

  it('omits parameters by encoded name, whatever their raw spelling', () => {
    expect(canonicalQuery('a=1&X-Amz-Signature=x&X%2DAmz-Signature=y', ['X-Amz-Signature'])).toBe(
      'a=1',
    )
  })

  it.each(['a=%', 'a=%4', 'a=%zz', '%=1'])('refuses the invalid escape in %j', (raw) => {
    expect(() => canonicalQuery(raw)).toThrow(
      expect.objectContaining({ code: 'request.malformed' }),
    )
  })
})

describe('canonicalHeaders', () => {
  it.each([
    ['value', 'value'],
    ['  value  ', 'value'],
    ['"a   b   c"', '"a b c"'],
    ['a\tb', 'a b'],
    ['value1\n  value2\n     value3', 'value1 value2 value3'],
    ['', ''],
    ['   ', ''],
    ['a b c', 'a b c'],
    ['a \tb', 'a b'],
    ['a\u00a0b', 'a\u00a0b'],
    ['a\u000bb\u000c', 'a b'],
  ])('trims %j to %j', (raw, trimmed) => {
    expect(trimHeaderValue(raw)).toBe(trimmed)
  })

  it('trims as "trimall" says, whatever mix of whitespace a value has', () => {
    const char = fc.constantFrom(' ', '\t', '\n', '\v', '\f', '\r', 'a', 'b', '\u00a0')
    const value = fc.array(char, { maxLength: 12 }).map((a) => a.join(''))
    fc.assert(
      fc.property(value, (raw) => {
        expect(trimHeaderValue(raw)).toBe(raw.replace(/[\t-\r ]+/g, ' ').replace(/^ | $/g, ''))
      }),
    )
  })

  it('trims long values (such as session tokens) one after the other, each its own way', () => {
    const token = 'A'.repeat(300)
    const spaced = `  ${'B'.repeat(150)}   ${'C'.repeat(150)}  `
    const cleaned = `${'B'.repeat(150)} ${'C'.repeat(150)}`
    for (let i = 0; i < 2; i++) {
      expect(trimHeaderValue(token)).toBe(token)
      expect(trimHeaderValue(spaced)).toBe(cleaned)
      expect(trimHeaderValue(spaced)).toBe(cleaned)
      expect(trimHeaderValue(` ${token}`)).toBe(token)
    }
  })

  it('lower-cases names, joins repeats in received order, keeps only the signed ones', () => {
    const headers = [
      ['Host', 'example.com'],
      ['My-Header', 'b'],
      ['X-Unsigned', 'x'],
      ['my-header', ' a '],
    ] as const
    expect(canonicalHeaders(headers, ['host', 'my-header'])).toBe(
      'host:example.com\nmy-header:b,a\n',
    )
  })

  it('refuses a signed header that is absent', () => {
    expect(() => canonicalHeaders([['Host', 'h']], ['host', 'x-a'])).toThrow(
      expect.objectContaining({ code: 'signature.incomplete' }),
    )
  })
})

describe('X-Amz-Date', () => {
  it.each([
    ['20150830T123600Z', Date.UTC(2015, 7, 30, 12, 36, 0)],
    ['20240229T000000Z', Date.UTC(2024, 1, 29)],
    ['20230229T000000Z', undefined],
    ['20150830T123660Z', undefined],
    ['20150830T123600', undefined],
    ['2015-08-30T12:36:00Z', undefined],
    ['20150830t123600z', undefined],
  ])('%j', (value, ms) => {
    expect(parseAmzDate(value)).toBe(ms)
    if (ms !== undefined) expect(formatAmzDate(ms)).toBe(value)
  })
})

describe('signing keys', () => {
  it('derives the key of the AWS documentation example', () => {
    // IAM User Guide, "Derive a signing key" / the suite's credentials.
    const key = deriveSigningKey(
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      '20150830',
      'us-east-1',
      'iam',
    )
    expect(key.toString('hex')).toBe(
      'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9',
    )
  })

  it('keeps at most maxEntries keys, evicting the least recently used', () => {
    const cache = createSigningKeyCache(2)
    const a = cache.get('s', '20150830', 'r', 'a')
    cache.get('s', '20150830', 'r', 'b')
    expect(cache.get('s', '20150830', 'r', 'a')).toBe(a)
    cache.get('s', '20150830', 'r', 'c')
    expect(cache.size).toBe(2)
    expect(cache.get('s', '20150830', 'r', 'a')).toBe(a)
    expect(cache.get('s', '20150830', 'r', 'b')).not.toBe(a)
    cache.clear()
    expect(cache.size).toBe(0)
  })

  it('keeps keys of different secrets apart', () => {
    const cache = createSigningKeyCache()
    expect(
      cache.get('s1', '20150830', 'r', 'a').equals(cache.get('s2', '20150830', 'r', 'a')),
    ).toBe(false)
  })

  it('never shows a secret when inspected or serialised', async () => {
    const { inspect } = await import('node:util')
    const cache = createSigningKeyCache()
    cache.get('very-secret-value', '20150830', 'r', 'a')
    expect(inspect(cache, { depth: 5, showHidden: true })).not.toContain('very-secret-value')
    expect(JSON.stringify(cache)).not.toContain('very-secret-value')
  })

  it.each([0, -1, 1.5])('refuses a cache size of %d', (n) => {
    expect(() => createSigningKeyCache(n)).toThrow(
      expect.objectContaining({ code: 'config.invalid' }),
    )
  })
})
