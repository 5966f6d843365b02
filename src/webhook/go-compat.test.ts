import { describe, expect, it } from 'vitest'
import { readFirstCsvRecord } from './go-csv.js'
import { cleanGoPath, joinGoPath } from './go-filepath.js'
import { parseGoBool, parseGoInt64 } from './go-strconv.js'

describe('parseGoBool (strconv.ParseBool)', () => {
  it.each([
    ['1', true],
    ['t', true],
    ['T', true],
    ['TRUE', true],
    ['true', true],
    ['True', true],
    ['0', false],
    ['f', false],
    ['F', false],
    ['FALSE', false],
    ['false', false],
    ['False', false],
    ['yes', undefined],
    ['tRUE', undefined],
    [' true', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(parseGoBool(input)).toBe(expected)
  })
})

describe('parseGoInt64 (strconv.ParseInt base 10)', () => {
  it.each([
    ['3600', 3600n],
    ['+3600', 3600n],
    ['-5', -5n],
    ['0007', 7n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', undefined],
    ['1_000', undefined],
    ['0x10', undefined],
    [' 10', undefined],
    ['10s', undefined],
    ['1e3', undefined],
    ['', undefined],
    ['-', undefined],
  ])('%j → %s', (input, expected) => {
    expect(parseGoInt64(input)).toBe(expected)
  })
})

describe('readFirstCsvRecord (encoding/csv Reader.Read)', () => {
  it.each([
    ['sidecar', ['sidecar']],
    ['a,b', ['a', 'b']],
    ['a, b', ['a', ' b']],
    ['a,b,', ['a', 'b', '']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['a\nb', ['a']],
    ['\n\na,b', ['a', 'b']],
    ['a\r\nb', ['a']],
    ['sidecar\r', ['sidecar']],
    ['"multi\nline",x', ['multi\nline', 'x']],
    ['', undefined],
    ['\n', undefined],
    ['a"b', undefined],
    ['"a"b', undefined],
    ['"unterminated', undefined],
  ])('%j → %j', (input, expected) => {
    expect(readFirstCsvRecord(input)).toEqual(expected)
  })
})

describe('joinGoPath (filepath.Join)', () => {
  it.each([
    [
      ['/var/run/secrets/eks.amazonaws.com/serviceaccount', 'token'],
      '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
    ],
    [['/mnt/', 'token'], '/mnt/token'],
    [['/mnt//a/./b/../', 'token'], '/mnt/a/token'],
    [['', 'token'], 'token'],
    [['', ''], ''],
    [['/', '..'], '/'],
    [['a', '../../b'], '../b'],
    [
      ['/con-creds-mount-path', 'con-creds-token-path'],
      '/con-creds-mount-path/con-creds-token-path',
    ],
  ])('%j → %j', (input, expected) => {
    expect(joinGoPath(...input)).toBe(expected)
  })

  it('cleans the empty path to "."', () => {
    expect(cleanGoPath('')).toBe('.')
    expect(cleanGoPath('a/..')).toBe('.')
  })
})
