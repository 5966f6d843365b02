import { describe, expect, it } from 'vitest'
import { codePointLength, QueryInput } from './query-input.js'

const input = (record: Record<string, string>) => new QueryInput(new Map(Object.entries(record)))
const NAME = {
  required: true,
  min: 1,
  max: 64,
  pattern: /^[\w+=,.@-]+$/,
  patternText: '[\\w+=,.@-]+',
} as const

describe('QueryInput', () => {
  it('reads valid values', () => {
    const q = input({
      RoleName: 'r',
      MaxItems: '10',
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'v',
      'L.member.1': 'a',
      'L.member.2': 'b',
    })
    expect(q.string('RoleName', NAME)).toBe('r')
    expect(q.int('MaxItems', { min: 1, max: 1000 })).toBe(10)
    expect(q.structList('Tags', { Key: { required: true }, Value: { required: true } })).toEqual([
      { Key: 'k', Value: 'v' },
    ])
    expect(q.list('L')).toEqual(['a', 'b'])
    expect(q.list('Absent')).toBeUndefined()
    expect(() => q.done()).not.toThrow()
  })

  it('treats `Name=` as an empty list, as the SDKs send it', () => {
    expect(input({ L: '' }).list('L')).toEqual([])
  })

  it.each([
    {
      name: 'missing',
      params: {},
      message:
        "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'too long',
      params: { RoleName: 'x'.repeat(65) },
      message: `1 validation error detected: Value '${'x'.repeat(65)}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    },
    {
      name: 'pattern',
      params: { RoleName: 'a:b' },
      message:
        "1 validation error detected: Value 'a:b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    },
  ])('reports $name as AWS words it', ({ params, message }) => {
    const q = input(params)
    q.string('RoleName', NAME)
    expect(() => q.done()).toThrow(message)
  })

  it('collects every violation at once', () => {
    const q = input({ MaxItems: '0', 'Tags.member.1.Key': '' })
    q.string('RoleName', NAME)
    q.int('MaxItems', { min: 1 })
    q.structList('Tags', { Key: { required: true, min: 1 }, Value: { required: true } })
    expect(() => q.done()).toThrow(
      /^4 validation errors detected: .*'roleName'.*'maxItems'.*'tags\.1\.member\.key'.*'tags\.1\.member\.value'/,
    )
  })

  it.each([
    { name: 'empty', value: '' },
    { name: 'ascii', value: 'abc' },
    { name: 'latin-1 and BMP', value: 'é€ሴ' },
    { name: 'surrogate pair', value: 'a😀b' },
    { name: 'two pairs in a row', value: '😀😀' },
    { name: 'lone high surrogate at the end', value: 'a\uD83D' },
    { name: 'lone high surrogate before a letter', value: '\uD83Da' },
    { name: 'lone low surrogate', value: '\uDE00a' },
    { name: 'low then high (not a pair)', value: '\uDE00\uD83D' },
    { name: 'high, high, low', value: '\uD83D\uD83D\uDE00' },
  ])('counts code points as the string iterator does: $name', ({ value }) => {
    expect(codePointLength(value)).toBe([...value].length)
  })

  it('measures length in code points, so a pair is one character', () => {
    const q = input({ RoleSessionName: '😀'.repeat(2) })
    q.string('RoleSessionName', { min: 2, max: 2 })
    expect(() => q.done()).not.toThrow()
    const r = input({ RoleSessionName: '😀'.repeat(3) })
    r.string('RoleSessionName', { min: 2, max: 2 })
    expect(() => r.done()).toThrow('Member must have length less than or equal to 2')
  })

  it('decides min and max as exact code-point counts would, at and around every bound', () => {
    const values = ['', 'a', 'ab', '😀', 'a😀', '😀😀', '😀a😀', 'abcd', '\uD83Daa', '😀😀😀😀']
    for (const value of values)
      for (let min = 0; min <= 5; min++)
        for (let max = min; max <= 8; max++) {
          const q = input({ RoleSessionName: value })
          q.string('RoleSessionName', { min, max })
          const n = [...value].length
          const ok = n >= min && n <= max
          if (ok) expect(() => q.done(), `${value} ${min}..${max}`).not.toThrow()
          else expect(() => q.done(), `${value} ${min}..${max}`).toThrow(/Member must have length/)
        }
  })

  it('never echoes a sensitive value', () => {
    const q = input({ WebIdentityToken: 'abc' })
    q.string('WebIdentityToken', { min: 4, sensitive: true })
    expect(() => q.done()).toThrow(
      "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
    )
  })

  it('rejects non-numbers and non-booleans', () => {
    const q = input({ MaxItems: '1e3', Flag: 'yes' })
    q.int('MaxItems')
    q.bool('Flag')
    expect(() => q.done()).toThrow(/Member must be a number.*Member must be a boolean/)
  })
})
