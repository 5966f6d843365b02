import { describe, expect, it } from 'vitest'
import { policySize } from './policy-size.js'

describe('policySize', () => {
  it.each([
    { name: 'compact', text: '{"a":"b"}', size: 9 },
    { name: 'pretty', text: '{\n  "a" : "b"\r\n}\t', size: 9 },
    { name: 'space inside a string counts', text: '{ "a": "b c" }', size: 11 },
    { name: 'escaped quote stays in the string', text: '{"a":"b\\" c"}', size: 13 },
    { name: 'empty', text: '', size: 0 },
  ])('$name', ({ text, size }) => {
    expect(policySize(text)).toBe(size)
  })
})
