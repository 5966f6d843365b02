import { afterEach, describe, expect, it, vi } from 'vitest'
import { isPublicAddress } from './address-policy.js'
import { fetchJsonGuarded, type GuardedFetchDeps } from './guarded-fetch.js'

const LIMITS = { timeoutMs: 5000, maxBytes: 1024 }

function deps(
  respond: (url: string, init: RequestInit | undefined) => Promise<Response> | Response,
  addresses: Record<string, string[]> = {},
) {
  const calls: string[] = []
  const resolved: string[] = []
  const d: GuardedFetchDeps = {
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      calls.push(String(input))
      return respond(String(input), init)
    }) as typeof fetch,
    resolveHost: async (host) => {
      resolved.push(host)
      return addresses[host] ?? ['93.184.215.14']
    },
    isAllowedAddress: isPublicAddress,
  }
  return { deps: d, calls, resolved }
}

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { status: 200, ...init })

afterEach(() => {
  vi.useRealTimers()
})

describe('fetchJsonGuarded', () => {
  it('fetches JSON and returns its Cache-Control', async () => {
    const { deps: d, calls } = deps(() =>
      json({ keys: [] }, { headers: { 'cache-control': 'max-age=60' } }),
    )
    await expect(fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)).resolves.toEqual({
      body: { keys: [] },
      cacheControl: 'max-age=60',
    })
    expect(calls).toEqual(['https://idp.example/jwks'])
  })

  it('asks fetch not to follow redirects and passes an abort signal', async () => {
    let seen: RequestInit | undefined
    const { deps: d } = deps((_url, init) => {
      seen = init
      return json({})
    })
    await fetchJsonGuarded('https://idp.example/x', d, LIMITS)
    expect(seen?.redirect).toBe('manual')
    expect(seen?.signal).toBeInstanceOf(AbortSignal)
  })

  it.each([
    ['http (OIDC-01)', 'http://idp.example/jwks'],
    ['file (OIDC-01)', 'file:///etc/passwd'],
    ['gopher (OIDC-01)', 'gopher://idp.example/'],
    ['credentials in the url', 'https://user:pass@idp.example/jwks'],
    ['not a url', 'idp.example/jwks'],
    ['loopback literal', 'https://127.0.0.1/jwks'],
    ['loopback literal in another spelling', 'https://0x7f.1/jwks'],
    ['IPv6 loopback literal', 'https://[::1]/jwks'],
    ['metadata literal', 'https://169.254.169.254/latest/meta-data/'],
    ['private literal', 'https://10.0.0.5/jwks'],
    ['unspecified literal', 'https://0.0.0.0/jwks'],
    ['IPv4-mapped loopback literal', 'https://[::ffff:127.0.0.1]/jwks'],
  ])('refuses %s without fetching', async (_name, url) => {
    const { deps: d, calls } = deps(() => json({}))
    await expect(fetchJsonGuarded(url, d, LIMITS)).rejects.toThrow()
    expect(calls).toEqual([])
  })

  it.each([
    ['127.0.0.1'],
    ['10.1.2.3'],
    ['169.254.169.254'],
    ['::1'],
    ['fc00::1'],
    ['fd00:ec2::254'],
    ['0.0.0.0'],
    ['100.64.0.1'],
  ])('refuses a host name resolving to %s (OIDC-01)', async (address) => {
    const {
      deps: d,
      calls,
      resolved,
    } = deps(() => json({}), {
      'idp.example': ['93.184.215.14', address],
    })
    await expect(fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)).rejects.toThrow(
      /refused address/,
    )
    expect(resolved).toEqual(['idp.example'])
    expect(calls).toEqual([])
  })

  it('refuses a host name without addresses', async () => {
    const { deps: d, calls } = deps(() => json({}), { 'idp.example': [] })
    await expect(fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)).rejects.toThrow()
    expect(calls).toEqual([])
  })

  it.each([
    [
      '302 to an internal address (OIDC-03)',
      () => new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } }),
    ],
    [
      '301',
      () => new Response(null, { status: 301, headers: { location: 'https://idp.example/other' } }),
    ],
    ['404', () => new Response('not found', { status: 404 })],
    ['500', () => new Response('oops', { status: 500 })],
    ['204', () => new Response(null, { status: 204 })],
    ['HTML', () => new Response('<html></html>', { status: 200 })],
    ['invalid UTF-8', () => new Response(new Uint8Array([0x22, 0xff, 0x22]), { status: 200 })],
    [
      'a response fetch followed a redirect to',
      () => Object.defineProperty(json({}), 'redirected', { value: true }),
    ],
  ])('refuses %s', async (_name, respond) => {
    const { deps: d } = deps(respond)
    await expect(fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)).rejects.toThrow()
  })

  it('refuses a body whose Content-Length is over the cap (OIDC-07)', async () => {
    // The body itself is small and valid: only the declared length can cause the refusal.
    const { deps: d } = deps(
      () => new Response('{}', { status: 200, headers: { 'content-length': '1025' } }),
    )
    await expect(fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)).rejects.toThrow(/larger/)
  })

  it('stops reading an endless body at the cap (OIDC-07)', async () => {
    let chunks = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunks++
        controller.enqueue(new Uint8Array(100).fill(0x20))
      },
    })
    const { deps: d } = deps(() => new Response(endless, { status: 200 }))
    await expect(fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)).rejects.toThrow(/larger/)
    expect(chunks).toBeLessThan(20)
  })

  it('accepts a body of exactly the cap', async () => {
    const text = `"${'a'.repeat(1022)}"`
    const { deps: d } = deps(() => new Response(text, { status: 200 }))
    await expect(fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)).resolves.toMatchObject({
      body: 'a'.repeat(1022),
    })
  })

  it('gives up at the deadline even when fetch never settles (OIDC-07)', async () => {
    vi.useFakeTimers()
    let signal: AbortSignal | undefined
    const { deps: d } = deps((_url, init) => {
      signal = init?.signal ?? undefined
      return new Promise<Response>(() => {})
    })
    const pending = fetchJsonGuarded('https://idp.example/jwks', d, LIMITS)
    const outcome = expect(pending).rejects.toThrow(/5000 ms/)
    await vi.advanceTimersByTimeAsync(4999)
    expect(signal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await outcome
    expect(signal?.aborted).toBe(true)
  })

  it('gives up at the deadline while DNS hangs', async () => {
    vi.useFakeTimers()
    const { deps: d, calls } = deps(() => json({}))
    const hanging: GuardedFetchDeps = { ...d, resolveHost: () => new Promise(() => {}) }
    const pending = fetchJsonGuarded('https://idp.example/jwks', hanging, LIMITS)
    const outcome = expect(pending).rejects.toThrow()
    await vi.advanceTimersByTimeAsync(5000)
    await outcome
    expect(calls).toEqual([])
  })
})
