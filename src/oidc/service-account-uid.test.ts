import { describe, expect, it } from 'vitest'
import { deriveServiceAccountUid } from './service-account-uid.js'

const ISS = 'https://issuer.example/id/EC973221A6C1BC248C79CFD5455EEECC'

describe('deriveServiceAccountUid', () => {
  it('is an RFC 9562 version 8 uuid with the RFC variant', () => {
    const uid = deriveServiceAccountUid(ISS, 'default', 'my-app')
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('is stable for the same service account', () => {
    expect(deriveServiceAccountUid(ISS, 'default', 'my-app')).toBe(
      deriveServiceAccountUid(ISS, 'default', 'my-app'),
    )
  })

  it('pins the documented derivation', () => {
    // SHA-256("lanyard:serviceaccount-uid\n" + ISS + "\ndefault\nmy-app"), computed independently
    // with `printf ... | sha256sum`; first 16 bytes, version and variant bits set.
    expect(deriveServiceAccountUid(ISS, 'default', 'my-app')).toBe(PINNED)
  })

  it.each([
    { name: 'issuer', args: ['https://other.example/id/X', 'default', 'my-app'] },
    { name: 'namespace', args: [ISS, 'kube-system', 'my-app'] },
    { name: 'name', args: [ISS, 'default', 'my-app2'] },
    { name: 'namespace/name boundary', args: [ISS, 'default-my', 'app'] },
  ] as const)('changes with the $name', ({ args: [issuer, namespace, name] }) => {
    expect(deriveServiceAccountUid(issuer, namespace, name)).not.toBe(
      deriveServiceAccountUid(ISS, 'default', 'my-app'),
    )
  })
})

const PINNED = '75fedb8c-7b47-82dd-abd8-c8e1d498191e'
