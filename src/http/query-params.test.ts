import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { parseQueryString, QUERY_LIMITS } from './query-params.js'

describe('parseQueryString', () => {
  it.each([
    {
      name: 'plain pairs',
      text: 'Action=GetRole&RoleName=a',
      want: { Action: 'GetRole', RoleName: 'a' },
    },
    { name: '+ is a space (botocore)', text: 'A=x+y', want: { A: 'x y' } },
    { name: '%20 is a space (JS SDK)', text: 'A=x%20y', want: { A: 'x y' } },
    { name: '%2B is a plus', text: 'A=x%2By', want: { A: 'x+y' } },
    { name: 'UTF-8 sequences', text: 'A=%C3%A9%E2%82%AC', want: { A: 'é€' } },
    { name: 'key without value', text: 'A&B=', want: { A: '', B: '' } },
    { name: 'empty segments ignored', text: '&A=1&&', want: { A: '1' } },
    { name: 'value with =', text: 'A=b=c', want: { A: 'b=c' } },
    { name: 'a + decoded from %2B stays', text: 'A=%2B+%2B', want: { A: '+ +' } },
    { name: 'escapes in the name', text: 'Role%41rn=x', want: { RoleArn: 'x' } },
    { name: 'a 4-byte UTF-8 sequence', text: 'A=%F0%9F%98%80', want: { A: '😀' } },
    // A body is read as latin1: its unescaped bytes stay one character each.
    { name: 'unescaped characters stand for themselves', text: 'A=\u00e9%41', want: { A: 'éA' } },
  ])('$name', ({ text, want }) => {
    expect(Object.fromEntries(parseQueryString(text))).toEqual(want)
  })

  it.each([
    {
      name: 'duplicate parameter (XML-03)',
      text: 'RoleArn=a&RoleArn=b',
      code: 'request.malformed',
    },
    { name: 'duplicate after decoding', text: 'A=1&%41=2', code: 'request.malformed' },
    { name: 'bad escape', text: 'A=%G1', code: 'request.malformed' },
    { name: 'truncated escape', text: 'A=%4', code: 'request.malformed' },
    { name: 'invalid UTF-8', text: 'A=%FF', code: 'request.malformed' },
    { name: 'overlong UTF-8', text: 'A=%C0%AF', code: 'request.malformed' },
    { name: 'lone surrogate bytes', text: 'A=%ED%A0%80', code: 'request.malformed' },
    {
      name: 'too many parameters (XML-02)',
      text: Array.from({ length: QUERY_LIMITS.maxParameters + 1 }, (_, i) => `p${i}=1`).join('&'),
      code: 'request.too_large',
    },
  ])('refuses $name', ({ text, code }) => {
    let caught: unknown
    try {
      parseQueryString(text)
    } catch (err) {
      caught = err
    }
    expect(isLanyardError(caught) && caught.code).toBe(code)
  })

  it.each([
    { text: 'A=%G1', message: /invalid percent-encoding/ },
    { text: 'A=%4', message: /invalid percent-encoding/ },
    { text: 'A=%C3%A9%', message: /invalid percent-encoding/ },
    { text: 'A=%FF', message: /not valid UTF-8/ },
    { text: 'A=%C3', message: /not valid UTF-8/ },
    { text: 'A=%C3\u00e9', message: /not valid UTF-8/ },
  ])('says why $text is refused', ({ text, message }) => {
    expect(() => parseQueryString(text)).toThrow(message)
  })

  it('refuses a parameter present in both query string and body', () => {
    const params = parseQueryString('Action=GetRole')
    expect(() => parseQueryString('Action=ListRoles', params)).toThrow(/more than once/)
  })
})
