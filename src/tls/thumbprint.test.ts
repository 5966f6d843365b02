import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureLocalTls } from './ensure-local-tls.js'
import { certificateThumbprint, derThumbprint } from './thumbprint.js'

let dir: string
let caPem: string
let chainPem: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanyard-thumbprint-'))
  const tls = await ensureLocalTls(dir, [], { now: Date.UTC(2026, 0, 1) })
  caPem = await readFile(tls.caPath, 'utf8')
  chainPem = await readFile(tls.certPath, 'utf8')
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function nodeFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint.replaceAll(':', '').toLowerCase()
}

describe('certificateThumbprint', () => {
  it('is the SHA-1 fingerprint node reports, without colons, lower-case', () => {
    for (const pem of [caPem, chainPem]) {
      const thumbprint = certificateThumbprint(pem)
      expect(thumbprint).toMatch(/^[0-9a-f]{40}$/)
      expect(thumbprint).toBe(nodeFingerprint(pem))
    }
  })

  it('takes the first certificate of a bundle', () => {
    const leafOnly = chainPem.slice(0, chainPem.indexOf('-----END CERTIFICATE-----') + 25)
    expect(certificateThumbprint(chainPem)).toBe(certificateThumbprint(leafOnly))
    expect(certificateThumbprint(chainPem)).not.toBe(certificateThumbprint(caPem))
  })

  it('hashes DER bytes', () => {
    expect(derThumbprint(new X509Certificate(caPem).raw)).toBe(certificateThumbprint(caPem))
    // FIPS 180 SHA-1 test vector "abc".
    expect(derThumbprint(new TextEncoder().encode('abc'))).toBe(
      'a9993e364706816aba3e25717850c26c9cd0d89d',
    )
  })

  it.each([
    '',
    'not a certificate',
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  ])('refuses %j', (pem) => {
    expect(() => certificateThumbprint(pem)).toThrowError(
      expect.objectContaining({ code: 'request.invalid' }),
    )
  })
})
