import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { assertIssuer, isIssuerId, issuerUrl, newIssuerId } from './issuer.js'

const ID = 'EC973221A6C1BC248C79CFD5455EEECC'

describe('newIssuerId', () => {
  it('returns 32 upper-case hex characters, different each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newIssuerId()))
    expect(ids.size).toBe(50)
    for (const id of ids) {
      expect(id).toMatch(/^[0-9A-F]{32}$/)
      expect(isIssuerId(id)).toBe(true)
    }
  })
})

describe('issuerUrl', () => {
  it.each([
    {
      name: 'eks shape',
      base: 'https://oidc.eks.us-east-1.amazonaws.com',
      want: `https://oidc.eks.us-east-1.amazonaws.com/id/${ID}`,
    },
    {
      name: 'trailing slash dropped',
      base: 'https://issuer.example/',
      want: `https://issuer.example/id/${ID}`,
    },
    {
      name: 'several trailing slashes dropped',
      base: 'https://issuer.example/oidc///',
      want: `https://issuer.example/oidc/id/${ID}`,
    },
    {
      name: 'path kept',
      base: 'http://127.0.0.1:4566/oidc',
      want: `http://127.0.0.1:4566/oidc/id/${ID}`,
    },
    {
      name: 'host lower-cased, default port dropped',
      base: 'https://Issuer.Example:443',
      want: `https://issuer.example/id/${ID}`,
    },
    { name: 'ipv6 host', base: 'http://[::1]:4566', want: `http://[::1]:4566/id/${ID}` },
  ])('$name', ({ base, want }) => {
    expect(issuerUrl(base, ID)).toBe(want)
  })

  it.each([
    { name: 'relative', base: '/oidc' },
    { name: 'ftp scheme', base: 'ftp://issuer.example' },
    { name: 'query', base: 'https://issuer.example/?a=b' },
    { name: 'empty query', base: 'https://issuer.example/?' },
    { name: 'fragment', base: 'https://issuer.example/#x' },
    { name: 'credentials', base: 'https://user:pw@issuer.example' },
  ])('refuses base url: $name', ({ base }) => {
    expect(() => issuerUrl(base, ID)).toThrowError(
      expect.objectContaining({ code: 'config.invalid' }),
    )
  })

  it.each(['ec973221a6c1bc248c79cfd5455eeecc', 'EC973221', `${ID}0`, `../${ID.slice(3)}`])(
    'refuses issuer id %s',
    (id) => {
      try {
        issuerUrl('https://issuer.example', id)
        expect.unreachable()
      } catch (err) {
        expect(isLanyardError(err, 'config.invalid')).toBe(true)
      }
    },
  )
})

describe('assertIssuer', () => {
  it.each([`https://issuer.example/id/${ID}`, 'http://127.0.0.1:4566/id/X'])(
    'accepts %s',
    (iss) => {
      expect(() => assertIssuer(iss)).not.toThrow()
    },
  )
  it.each(['https://issuer.example/', 'issuer.example', 'https://issuer.example?x', 42])(
    'refuses %s',
    (iss) => {
      expect(() => assertIssuer(iss)).toThrowError(
        expect.objectContaining({ code: 'request.invalid' }),
      )
    },
  )
})
