import { X509Certificate } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureLocalTls, type LocalTls } from './ensure-local-tls.js'
import { x509 } from './x509.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 1)

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanyard-tls-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function snapshot(
  tls: LocalTls,
): Promise<{ ca: string; cert: string; key: string; caKey: string }> {
  return {
    ca: await readFile(tls.caPath, 'utf8'),
    cert: await readFile(tls.certPath, 'utf8'),
    key: await readFile(tls.keyPath, 'utf8'),
    caKey: await readFile(join(dir, 'ca-key.pem'), 'utf8'),
  }
}

function leafOf(chainPem: string): X509Certificate {
  return new X509Certificate(chainPem)
}

describe('ensureLocalTls, first call', () => {
  it('creates the CA, the server certificate and keys with the right modes', async () => {
    const tls = await ensureLocalTls(dir, ['lanyard.test'], { now: T0 })
    expect(tls).toEqual({
      certPath: join(dir, 'server.pem'),
      keyPath: join(dir, 'server-key.pem'),
      caPath: join(dir, 'ca.pem'),
      created: { ca: true, server: true },
    })
    expect((await readdir(dir)).sort()).toEqual([
      'ca-key.pem',
      'ca.pem',
      'server-key.pem',
      'server.pem',
    ])
    const modes = Object.fromEntries(
      await Promise.all(
        ['ca-key.pem', 'server-key.pem', 'ca.pem', 'server.pem'].map(async (f) => [
          f,
          (await stat(join(dir, f))).mode & 0o777,
        ]),
      ),
    )
    expect(modes).toEqual({
      'ca-key.pem': 0o600,
      'server-key.pem': 0o600,
      'ca.pem': 0o644,
      'server.pem': 0o644,
    })
  })

  it('issues a CA certificate: CA:TRUE, keyCertSign, ten years, ECDSA P-256', async () => {
    const tls = await ensureLocalTls(dir, [], { now: T0 })
    const pem = await readFile(tls.caPath, 'utf8')
    const node = new X509Certificate(pem)
    expect(node.ca).toBe(true)
    expect(node.verify(node.publicKey)).toBe(true)
    expect(node.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    const cert = new x509.X509Certificate(pem)
    const bc = cert.getExtension(x509.BasicConstraintsExtension)
    expect([bc?.ca, bc?.critical]).toEqual([true, true])
    const ku = cert.getExtension(x509.KeyUsagesExtension)
    expect(ku?.critical).toBe(true)
    expect((ku?.usages ?? 0) & x509.KeyUsageFlags.keyCertSign).toBeTruthy()
    expect((cert.notAfter.getTime() - cert.notBefore.getTime()) / DAY).toBe(3650)
    expect(cert.notBefore.getTime()).toBeLessThanOrEqual(T0)
  })

  it('issues a server certificate that verifies against the CA for every name', async () => {
    const tls = await ensureLocalTls(dir, ['lanyard.test', '10.1.2.3'], { now: T0 })
    const { ca, cert } = await snapshot(tls)
    const caCert = new X509Certificate(ca)
    const leaf = leafOf(cert)
    expect(leaf.ca).toBe(false)
    expect(leaf.checkIssued(caCert)).toBe(true)
    expect(leaf.verify(caCert.publicKey)).toBe(true)
    for (const host of ['localhost', 'lanyard.test']) expect(leaf.checkHost(host)).toBe(host)
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3']) expect(leaf.checkIP(ip)).toBe(ip)
    expect(leaf.checkHost('other.test')).toBeUndefined()
    expect(leaf.checkIP('10.1.2.4')).toBeUndefined()
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1'])
    const parsed = new x509.X509Certificate(cert)
    expect((parsed.notAfter.getTime() - parsed.notBefore.getTime()) / DAY).toBe(825)
    expect(parsed.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false)
  })

  it('writes the server certificate followed by the CA certificate', async () => {
    const { ca, cert } = await snapshot(await ensureLocalTls(dir, [], { now: T0 }))
    const chain = x509.PemConverter.decode(cert)
    expect(chain).toHaveLength(2)
    expect(Buffer.from(chain[1] ?? new ArrayBuffer(0)).equals(new X509Certificate(ca).raw)).toBe(
      true,
    )
  })

  it('refuses an invalid host name before writing anything', async () => {
    await expect(ensureLocalTls(join(dir, 'sub'), ['bad name'], { now: T0 })).rejects.toMatchObject(
      {
        code: 'config.invalid',
      },
    )
    expect(await readdir(dir)).toEqual([])
  })
})

describe('ensureLocalTls, later calls', () => {
  it('reuses everything when nothing changed', async () => {
    const before = await snapshot(await ensureLocalTls(dir, ['lanyard.test'], { now: T0 }))
    const again = await ensureLocalTls(dir, ['LANYARD.test'], { now: T0 + 100 * DAY })
    expect(again.created).toEqual({ ca: false, server: false })
    expect(await snapshot(again)).toEqual(before)
  })

  const serverOnly: {
    name: string
    hostnames: string[]
    now: number
    mutate?: (d: string) => Promise<void>
  }[] = [
    { name: 'a requested host name is missing', hostnames: ['lanyard.test', 'new.test'], now: T0 },
    { name: 'a requested ip is missing', hostnames: ['lanyard.test', '192.0.2.7'], now: T0 },
    { name: 'it expires within 30 days', hostnames: ['lanyard.test'], now: T0 + (825 - 30) * DAY },
    {
      name: 'its key is missing',
      hostnames: ['lanyard.test'],
      now: T0,
      mutate: (d) => unlink(join(d, 'server-key.pem')),
    },
    {
      name: 'the certificate file is garbage',
      hostnames: ['lanyard.test'],
      now: T0,
      mutate: (d) => writeFile(join(d, 'server.pem'), 'garbage'),
    },
    {
      name: 'the certificate file lacks the CA',
      hostnames: ['lanyard.test'],
      now: T0,
      mutate: async (d) => {
        const chain = await readFile(join(d, 'server.pem'), 'utf8')
        await writeFile(
          join(d, 'server.pem'),
          chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + 26),
        )
      },
    },
  ]

  it.each(serverOnly)(
    're-issues only the server certificate when $name',
    async ({ hostnames, now, mutate }) => {
      const before = await snapshot(await ensureLocalTls(dir, ['lanyard.test'], { now: T0 }))
      await mutate?.(dir)
      const after = await ensureLocalTls(dir, hostnames, { now })
      expect(after.created).toEqual({ ca: false, server: true })
      const snap = await snapshot(after)
      expect(snap.ca).toBe(before.ca)
      expect(snap.caKey).toBe(before.caKey)
      expect(snap.cert).not.toBe(before.cert)
      const leaf = leafOf(snap.cert)
      expect(leaf.verify(new X509Certificate(snap.ca).publicKey)).toBe(true)
      for (const name of hostnames) {
        expect(leaf.checkHost(name) ?? leaf.checkIP(name)).toBe(name)
      }
      expect((await stat(after.keyPath)).mode & 0o777).toBe(0o600)
      expect((await readdir(dir)).sort()).toEqual([
        'ca-key.pem',
        'ca.pem',
        'server-key.pem',
        'server.pem',
      ])
    },
  )

  it('keeps a server certificate that expires in 31 days', async () => {
    await ensureLocalTls(dir, [], { now: T0 })
    expect((await ensureLocalTls(dir, [], { now: T0 + (825 - 31) * DAY })).created.server).toBe(
      false,
    )
  })

  it('re-issues a server certificate signed by another CA', async () => {
    const other = await mkdtemp(join(tmpdir(), 'lanyard-tls-other-'))
    try {
      await ensureLocalTls(dir, [], { now: T0 })
      const foreign = await ensureLocalTls(other, [], { now: T0 })
      await writeFile(join(dir, 'server.pem'), await readFile(foreign.certPath, 'utf8'))
      await writeFile(join(dir, 'server-key.pem'), await readFile(foreign.keyPath, 'utf8'))
      expect((await ensureLocalTls(dir, [], { now: T0 })).created).toEqual({
        ca: false,
        server: true,
      })
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  const wholeSet: { name: string; now: number; mutate?: (d: string) => Promise<void> }[] = [
    { name: 'the CA key is missing', now: T0, mutate: (d) => unlink(join(d, 'ca-key.pem')) },
    { name: 'the CA certificate is missing', now: T0, mutate: (d) => unlink(join(d, 'ca.pem')) },
    {
      name: 'the CA key does not match the CA certificate',
      now: T0,
      mutate: async (d) =>
        writeFile(join(d, 'ca-key.pem'), await readFile(join(d, 'server-key.pem'))),
    },
    { name: 'the CA expires within 30 days', now: T0 + (3650 - 30) * DAY },
  ]

  it.each(wholeSet)(
    'replaces the CA and the server certificate when $name',
    async ({ now, mutate }) => {
      const before = await snapshot(await ensureLocalTls(dir, [], { now: T0 }))
      await mutate?.(dir)
      const after = await ensureLocalTls(dir, [], { now })
      expect(after.created).toEqual({ ca: true, server: true })
      const snap = await snapshot(after)
      expect(snap.ca).not.toBe(before.ca)
      expect(leafOf(snap.cert).verify(new X509Certificate(snap.ca).publicKey)).toBe(true)
      expect((await stat(join(dir, 'ca-key.pem'))).mode & 0o777).toBe(0o600)
    },
  )
})
