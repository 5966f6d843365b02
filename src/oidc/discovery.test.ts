import { describe, expect, it } from 'vitest'
import { buildDiscoveryDocument } from './discovery.js'

describe('buildDiscoveryDocument', () => {
  it('is exactly the document EKS serves, member order included', () => {
    const issuer = 'https://oidc.eks.us-east-1.amazonaws.com/id/EC973221A6C1BC248C79CFD5455EEECC'
    // Observed EKS output, see docs/oidc-issuer.md (nov/openid_connect#62, aws-wire.md §5).
    const eks =
      '{"issuer":"https://oidc.eks.us-east-1.amazonaws.com/id/EC973221A6C1BC248C79CFD5455EEECC",' +
      '"jwks_uri":"https://oidc.eks.us-east-1.amazonaws.com/id/EC973221A6C1BC248C79CFD5455EEECC/keys",' +
      '"authorization_endpoint":"urn:kubernetes:programmatic_authorization",' +
      '"response_types_supported":["id_token"],' +
      '"subject_types_supported":["public"],' +
      '"claims_supported":["sub","iss"],' +
      '"id_token_signing_alg_values_supported":["RS256"]}'
    expect(JSON.stringify(buildDiscoveryDocument(issuer, ['RS256']))).toBe(eks)
    expect(JSON.stringify(buildDiscoveryDocument(issuer))).toBe(eks)
  })

  it('de-duplicates algorithms', () => {
    const doc = buildDiscoveryDocument('http://127.0.0.1:4566/id/X', ['RS256', 'RS256'])
    expect(doc.id_token_signing_alg_values_supported).toEqual(['RS256'])
  })

  it.each([
    { name: 'no algorithms', issuer: 'https://i.example/id/X', algs: [] },
    { name: 'unsupported algorithm', issuer: 'https://i.example/id/X', algs: ['HS256'] },
    { name: 'none algorithm', issuer: 'https://i.example/id/X', algs: ['RS256', 'none'] },
    { name: 'issuer with trailing slash', issuer: 'https://i.example/id/X/', algs: ['RS256'] },
    { name: 'issuer with query', issuer: 'https://i.example/id/X?a=1', algs: ['RS256'] },
  ])('refuses $name', ({ issuer, algs }) => {
    expect(() => buildDiscoveryDocument(issuer, algs)).toThrowError(
      expect.objectContaining({ code: 'request.invalid' }),
    )
  })
})
