import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer as createHttpsServer, type Server } from 'node:https'
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { createServerCertificate, importCaKey } from './certificates.js'
import { ensureLocalTls } from './ensure-local-tls.js'
import { fetchIssuerThumbprint } from './fetch-issuer-thumbprint.js'
import { toSanEntries } from './hostnames.js'
import { certificateThumbprint } from './thumbprint.js'

const NOW = Date.now()

let dir: string
let caPem: string
let chainPem: string
let keyPem: string
let leafPem: string
const servers: (Server | TcpServer)[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanyard-fetch-'))
  // Certificates must be valid for the real clock here: the TLS client checks them against it.
  const tls = await ensureLocalTls(dir, [], { now: NOW })
  caPem = await readFile(tls.caPath, 'utf8')
  chainPem = await readFile(tls.certPath, 'utf8')
  keyPem = await readFile(tls.keyPath, 'utf8')
  leafPem = chainPem.slice(0, chainPem.indexOf('-----END CERTIFICATE-----') + 26)
})

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          if ('closeAllConnections' in server) server.closeAllConnections()
          server.close(() => resolve())
        }),
    ),
  )
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function listen<T extends Server | TcpServer>(server: T): Promise<number> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

function https(cert: string, key = keyPem): Server {
  return createHttpsServer({ cert, key }, (_req, res) => res.end('{}'))
}

async function serverCertFor(names: string[]): Promise<{ cert: string; key: string }> {
  const sans = toSanEntries([])
    .filter((san) => san.value === 'localhost')
    .concat(names.map((value) => ({ type: 'dns' as const, value })))
  const issued = await createServerCertificate(
    { certPem: caPem, key: await importCaKey(await readFile(join(dir, 'ca-key.pem'), 'utf8')) },
    sans,
    NOW,
  )
  return { cert: `${issued.certPem.trim()}\n${caPem}`, key: issued.keyPem }
}

describe('fetchIssuerThumbprint', () => {
  it('returns the thumbprint of the top certificate the server presents: the local CA', async () => {
    const port = await listen(https(chainPem))
    const thumbprint = await fetchIssuerThumbprint(
      `https://127.0.0.1:${port}/id/EC973221A6C1BC248C79CFD5455EEECC`,
      {
        ca: caPem,
      },
    )
    expect(thumbprint).toBe(certificateThumbprint(caPem))
    expect(thumbprint).not.toBe(certificateThumbprint(chainPem))
  })

  it('takes the leaf when the server sends no chain, even though the client knows the CA (as eksctl)', async () => {
    const port = await listen(https(leafPem))
    const thumbprint = await fetchIssuerThumbprint(`https://127.0.0.1:${port}`, { ca: caPem })
    expect(thumbprint).toBe(certificateThumbprint(leafPem))
  })

  it('refuses a server it cannot verify', async () => {
    const port = await listen(https(chainPem))
    const err = await fetchIssuerThumbprint(`https://127.0.0.1:${port}`).catch((e: unknown) => e)
    expect(isLanyardError(err, 'idp.communication_error')).toBe(true)
    expect((err as Error).message).toBe(
      `cannot fetch the tls certificate chain of \`127.0.0.1:${port}\` (\`SELF_SIGNED_CERT_IN_CHAIN\`)`,
    )
  })

  it('refuses a certificate for another host name', async () => {
    const other = await serverCertFor(['other.test'])
    const port = await listen(https(other.cert, other.key))
    const err = await fetchIssuerThumbprint(`https://127.0.0.1:${port}`, { ca: caPem }).catch(
      (e: unknown) => e,
    )
    expect(isLanyardError(err, 'idp.communication_error')).toBe(true)
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
  })

  it('refuses when the second handshake shows a different certificate', async () => {
    const other = await serverCertFor([])
    const server = https(chainPem)
    let connections = 0
    // tls.Server picks the context when it accepts a socket, before user `connection` listeners
    // run, so switching here changes the certificate of the next connection only.
    server.on('connection', () => {
      connections += 1
      if (connections === 1) server.setSecureContext({ cert: other.cert, key: other.key })
    })
    const port = await listen(server)
    const err = await fetchIssuerThumbprint(`https://127.0.0.1:${port}`, { ca: caPem }).catch(
      (e: unknown) => e,
    )
    expect(connections).toBe(2)
    expect(isLanyardError(err, 'idp.communication_error')).toBe(true)
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ERR_CERT_CHANGED')
  })

  it('reports a refused connection', async () => {
    const probe = createTcpServer()
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)),
    )
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const err = await fetchIssuerThumbprint(`https://127.0.0.1:${port}`, { ca: caPem }).catch(
      (e: unknown) => e,
    )
    expect(isLanyardError(err, 'idp.communication_error')).toBe(true)
    expect((err as Error).message).toContain('ECONNREFUSED')
  })

  it('gives up on a server that never answers the handshake', async () => {
    const port = await listen(createTcpServer((socket) => socket.resume()))
    const err = await fetchIssuerThumbprint(`https://127.0.0.1:${port}`, {
      ca: caPem,
      timeoutMs: 200,
    }).catch((e: unknown) => e)
    expect(isLanyardError(err, 'idp.communication_error')).toBe(true)
    expect((err as Error).message).toContain('ETIMEDOUT')
  })

  it.each([
    { name: 'http url', url: 'http://127.0.0.1:1/' },
    { name: 'not a url', url: 'oidc.example/id/X' },
  ])('refuses a $name without connecting', async ({ url }) => {
    await expect(fetchIssuerThumbprint(url)).rejects.toMatchObject({ code: 'request.invalid' })
  })

  it('refuses a non-positive timeout', async () => {
    await expect(
      fetchIssuerThumbprint('https://127.0.0.1:1', { timeoutMs: 0 }),
    ).rejects.toMatchObject({
      code: 'request.invalid',
    })
  })
})
