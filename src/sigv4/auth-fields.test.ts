import { describe, expect, it } from 'vitest'
import {
  parseCredential,
  parseCredentialKept,
  parseSignedHeaders,
  parseSignedHeadersKept,
} from './auth-fields.js'

const CREDENTIALS = [
  'ASIAEXAMPLEKEY000001/20261206/us-east-1/eks/aws4_request',
  'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request',
  'ASIAEXAMPLEKEY000002/20261207/eu-west-3/sts/aws4_request',
]
const BAD_CREDENTIALS = [
  'AKIDEXAMPLE/20150830/us-east-1/service',
  'AKID/EXAMPLE/20150830/us-east-1/service/aws4_request',
  'AKIDEXAMPLE/2015083/us-east-1/service/aws4_request',
  'AKIDEXAMPLE/20150830/us east/service/aws4_request',
  'AKIDEXAMPLE/20150830/us-east-1/service/aws4_requests',
]
const SIGNED_HEADERS = ['host;x-amz-date', 'host;user-agent;x-amz-date;x-amz-security-token']
const BAD_SIGNED_HEADERS = ['x-amz-date;host', 'host;Host', 'x-amz-date', 'host;;x-amz-date']

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (err) {
    return err
  }
  return undefined
}

describe('parsers remembered per text', () => {
  it('answer what the plain parsers answer, frozen, and the same object the second time', () => {
    for (const value of CREDENTIALS) {
      const first = parseCredentialKept(value)
      expect(first).toEqual(parseCredential(value))
      expect(Object.isFrozen(first)).toBe(true)
      expect(parseCredentialKept(value)).toBe(first)
    }
    for (const value of SIGNED_HEADERS) {
      const first = parseSignedHeadersKept(value)
      expect(first).toEqual(parseSignedHeaders(value))
      expect(Object.isFrozen(first)).toBe(true)
      expect(parseSignedHeadersKept(value)).toBe(first)
    }
  })

  it('throw what the plain parsers throw, every time (nothing bad is remembered)', () => {
    for (const value of BAD_CREDENTIALS) {
      const plain = thrown(() => parseCredential(value))
      expect(plain).toBeDefined()
      for (let i = 0; i < 2; i++) expect(thrown(() => parseCredentialKept(value))).toEqual(plain)
    }
    for (const value of BAD_SIGNED_HEADERS) {
      const plain = thrown(() => parseSignedHeaders(value))
      expect(plain).toBeDefined()
      for (let i = 0; i < 2; i++) expect(thrown(() => parseSignedHeadersKept(value))).toEqual(plain)
    }
  })

  it('stay right past their bound and for texts too long to remember', () => {
    for (let i = 0; i < 3000; i++) {
      const value = `ASIA${String(i).padStart(16, '0')}/20261206/us-east-1/eks/aws4_request`
      expect(parseCredentialKept(value).accessKeyId).toBe(`ASIA${String(i).padStart(16, '0')}`)
    }
    const long = `host;${Array.from({ length: 40 }, (_, i) => `x-h${String(i).padStart(3, '0')}`).join(';')}`
    expect(long.length).toBeGreaterThan(256)
    expect(parseSignedHeadersKept(long)).toEqual(parseSignedHeaders(long))
    expect(parseSignedHeadersKept(long)).not.toBe(parseSignedHeadersKept(long))
  })
})
