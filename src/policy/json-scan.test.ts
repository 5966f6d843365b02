import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, scanJson } from './json-scan.js'

describe('scanJson', () => {
  it.each([
    ['{}', {}],
    ['[1, -2.5e3, 0, true, false, null]', [1, -2500, 0, true, false, null]],
    ['"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0041"', 'a"b\\c/d\b\f\n\r\tA'],
    ['  {"a" : [ {"b": "c"} ] }  ', { a: [{ b: 'c' }] }],
  ])('reads %s like JSON.parse', (text, expected) => {
    const r = scanJson(text)
    expect(r.issues).toEqual([])
    expect(r.value).toEqual(expected)
    expect(r.value).toEqual(JSON.parse(text))
  })

  it.each([
    ['', 'unexpected end of input'],
    ['{', 'expected a string key'],
    ['{"a":1,}', 'expected a string key'],
    ['[1,]', 'unexpected token'],
    ['{"a" 1}', "expected ':'"],
    ['"abc', 'unterminated string'],
    ['"a\nb"', 'control character in string'],
    ['"\\x"', 'bad escape'],
    ['"\\u12g4"', 'bad unicode escape'],
    ['01', 'unexpected data after the document'],
    ['1.', 'bad number'],
    ['-', 'bad number'],
    ['1e', 'bad number'],
    ['tru', 'unexpected token'],
    ["{'a':1}", 'expected a string key'],
    ['{} {}', 'unexpected data after the document'],
  ])('rejects %j (%s) with json.invalid', (text, what) => {
    const r = scanJson(text)
    expect(r.value).toBeUndefined()
    expect(r.issues.map((i) => i.code)).toContain('json.invalid')
    expect(r.issues.find((i) => i.code === 'json.invalid')?.message).toContain(what)
  })

  it('reports every duplicate key with its path and keeps the last value (IAM-21)', () => {
    const r = scanJson('{"Statement":[{"Effect":"Deny","Effect":"Allow"}],"Statement":[]}')
    expect(r.issues).toEqual([
      {
        code: 'json.duplicate_key',
        path: 'Statement[0].Effect',
        message: 'Duplicate field Effect',
      },
      { code: 'json.duplicate_key', path: 'Statement', message: 'Duplicate field Statement' },
    ])
    expect(r.value).toEqual({ Statement: [] })
  })

  it('keeps __proto__ as an ordinary key', () => {
    const r = scanJson('{"__proto__": {"polluted": true}}')
    const v = r.value as Record<string, unknown>
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(Object.keys(v)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('caps nesting depth (XML-07)', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 2)}${']'.repeat(MAX_JSON_DEPTH + 2)}`
    expect(scanJson(deep).issues.map((i) => i.code)).toEqual(['json.too_deep'])
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`
    expect(scanJson(ok).issues).toEqual([])
  })

  it('flags characters outside U+0009, U+000A, U+000D, U+0020-U+00FF (reference_iam-quotas)', () => {
    expect(scanJson('{"a":"é"}').issues).toEqual([])
    expect(scanJson('{"a":"Ā"}').issues.map((i) => i.code)).toEqual(['policy.invalid_characters'])
    expect(scanJson('{"a":"\u0001"}').issues.map((i) => i.code)).toContain(
      'policy.invalid_characters',
    )
    const escaped = scanJson('{"a":"\\u0100"}')
    expect(escaped.issues).toEqual([
      expect.objectContaining({ code: 'policy.invalid_characters', path: 'a' }),
    ])
  })

  it('counts characters without insignificant white space (reference_policies_grammar)', () => {
    expect(scanJson('{ "a" : "b c" }').significantLength).toBe('{"a":"b c"}'.length)
    expect(scanJson('\n\t{\r\n"a":[1, 2]}\n').significantLength).toBe('{"a":[1,2]}'.length)
  })
})
