import type { LookupAddress } from 'node:dns'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureLocalTls } from '../tls/ensure-local-tls.js'
import { isPublicAddress } from './address-policy.js'
import { fetchJsonGuarded } from './guarded-fetch.js'
import { createGuardedLookup, createPinnedFetch } from './pinned-fetch.js'

type Outcome = {
  err: NodeJS.ErrnoException | null
  address?: string | LookupAddress[] | undefined
  family?: number | undefined
}

function lookupWith(addresses: string[] | Error, options: { all?: boolean; family?: number } = {}) {
  const lookup = createGuardedLookup(async () => {
    if (addresses instanceof Error) throw addresses
    return addresses
  }, isPublicAddress)
  return new Promise<Outcome>((resolve) => {
    lookup(
      'idp.example',
      options as never,
      ((err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) =>
        resolve({ err, address, family })) as never,
    )
  })
}

describe('createGuardedLookup (OIDC-04)', () => {
  it('hands the checked address to the socket', async () => {
    expect(await lookupWith(['93.184.215.14'])).toEqual({
      err: null,
      address: '93.184.215.14',
      family: 4,
    })
  })

  it('answers the all-addresses form used by happy eyeballs', async () => {
    const outcome = await lookupWith(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'], {
      all: true,
    })
    expect(outcome.err).toBeNull()
    expect(outcome.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ])
  })

  it('honours a requested family', async () => {
    const outcome = await lookupWith(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'], {
      family: 6,
    })
    expect(outcome).toMatchObject({ err: null, family: 6 })
  })

  it.each([
    [['127.0.0.1']],
    [['93.184.215.14', '10.0.0.1']],
    [['169.254.169.254']],
    [['::1']],
    [[]],
  ])('refuses %j', async (addresses) => {
    const outcome = await lookupWith(addresses)
    expect(outcome.err?.code).toMatch(/EADDRNOTAVAIL/)
  })

  it('passes resolver errors on', async () => {
    expect((await lookupWith(new Error('ENOTFOUND'))).err?.message).toBe('ENOTFOUND')
  })
})

describe('createPinnedFetch', () => {
  it('refuses http', async () => {
    await expect(createPinnedFetch()('http://idp.example/')).rejects.toThrow(/https/)
  })

  it('never connects to a refused address', async () => {
    const pinned = createPinnedFetch({ resolveHost: async () => ['127.0.0.1'] })
    await expect(pinned('https://idp.example/jwks')).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    })
  })

  it('closes the DNS-rebinding gap left by a check-then-fetch (OIDC-04)', async () => {
    // The first answer (checked by fetchJsonGuarded) is public, the second (at connect) is not.
    const answers = [['93.184.215.14'], ['169.254.169.254']]
    const resolveHost = async () => answers.shift() ?? []
    const pinned = createPinnedFetch({ resolveHost })
    await expect(
      fetchJsonGuarded(
        'https://idp.example/.well-known/openid-configuration',
        { fetch: pinned, resolveHost, isAllowedAddress: isPublicAddress },
        { timeoutMs: 5000, maxBytes: 1024 },
      ),
    ).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' })
    expect(answers).toEqual([])
  })
})

describe('createPinnedFetch against a loopback TLS server', () => {
  let dir: string
  let ca: string
  let server: Server
  let port: number

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lanyard-pinned-'))
    const tls = await ensureLocalTls(dir, [], { now: Date.now() })
    ca = await readFile(tls.caPath, 'utf8')
    server = createServer(
      { cert: await readFile(tls.certPath, 'utf8'), key: await readFile(tls.keyPath, 'utf8') },
      (req, res) => {
        if (req.url === '/moved') {
          res.writeHead(302, { location: 'https://169.254.169.254/' }).end()
          return
        }
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' })
          .end(JSON.stringify({ encoding: req.headers['accept-encoding'] ?? null }))
      },
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  // Loopback is refused by default; this test allows exactly the one address it listens on.
  const pinned = () =>
    createPinnedFetch({
      resolveHost: async () => ['127.0.0.1'],
      isAllowedAddress: (a) => a === '127.0.0.1',
      ca,
    })

  it('returns status, headers and body, and asks for an unencoded body', async () => {
    const res = await pinned()(`https://localhost:${port}/jwks`, {
      headers: { accept: 'application/json' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('max-age=60')
    expect(await res.json()).toEqual({ encoding: 'identity' })
  })

  it('returns a redirect as is instead of following it', async () => {
    const res = await pinned()(`https://localhost:${port}/moved`)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://169.254.169.254/')
  })

  it('verifies the server certificate', async () => {
    const untrusting = createPinnedFetch({
      resolveHost: async () => ['127.0.0.1'],
      isAllowedAddress: () => true,
    })
    await expect(untrusting(`https://localhost:${port}/jwks`)).rejects.toThrow()
  })
})
