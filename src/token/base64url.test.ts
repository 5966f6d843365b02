import { describe, expect, it } from 'vitest'
import { decodeBase64url } from './base64url.js'

describe('decodeBase64url', () => {
  it.each([
    ['empty', '', ''],
    ['one byte', 'YQ', '61'],
    ['two bytes', 'YWI', '6162'],
    ['three bytes', 'YWJj', '616263'],
    ['url-safe alphabet', '-_8', 'fbff'],
  ])('accepts %s', (_name, input, hex) => {
    expect(decodeBase64url(input)?.toString('hex')).toBe(hex)
  })

  // JWT-11: one token must have one spelling.
  it.each([
    ['padding', 'YQ=='],
    ['standard alphabet +', '+_8'],
    ['standard alphabet /', '-/8'],
    ['whitespace', 'YW Jj'],
    ['newline', 'YWJj\n'],
    ['impossible length', 'YWJjZ'],
    ['non-zero unused bits after 1 byte', 'YR'],
    ['non-zero unused bits after 2 bytes', 'YWK'],
    ['non-ascii', 'YWJé'],
    ['dot', 'YW.j'],
    ['control character', 'YWJj\u0000'],
    ['character beyond latin-1', 'YWJj\u0161'],
    ['padding inside', 'YQ==YWJj'],
    ['stray character between quads', 'YWJj*YWJj'],
  ])('refuses %s', (_name, input) => {
    expect(decodeBase64url(input)).toBeUndefined()
  })
})
