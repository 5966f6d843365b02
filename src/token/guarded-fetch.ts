import { isIP } from 'node:net'

/** What a guarded fetch needs from the outside world. */
export interface GuardedFetchDeps {
  readonly fetch: typeof fetch
  readonly resolveHost: (hostname: string) => Promise<string[]>
  /** The address policy; {@link isPublicAddress} unless configured otherwise. */
  readonly isAllowedAddress: (address: string) => boolean
}

/** Limits of one guarded fetch. */
export interface GuardedFetchLimits {
  /** Total time for DNS, connection, headers and body. */
  readonly timeoutMs: number
  /** Largest body accepted, in bytes, after any content decoding. */
  readonly maxBytes: number
}

/** A fetched JSON document and the header that drives its caching. */
export interface FetchedJson {
  readonly body: unknown
  readonly cacheControl: string | null
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw new Error(`body larger than ${maxBytes} bytes`)
  if (response.body === null) return new Uint8Array()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new Error(`body larger than ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, total)
}

async function checkHost(url: URL, deps: GuardedFetchDeps): Promise<void> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const addresses = isIP(host) === 0 ? await deps.resolveHost(host) : [host]
  if (addresses.length === 0) throw new Error(`\`${host}\` has no address`)
  // Every address must pass, not just one: the client may pick any of them (OIDC-01).
  for (const address of addresses) {
    if (!deps.isAllowedAddress(address)) {
      throw new Error(`\`${host}\` resolves to a refused address \`${address}\``)
    }
  }
}

async function fetchWithin(
  url: URL,
  deps: GuardedFetchDeps,
  limits: GuardedFetchLimits,
  signal: AbortSignal,
) {
  await checkHost(url, deps)
  signal.throwIfAborted()
  const response = await deps.fetch(url, {
    method: 'GET',
    // OIDC-03: never follow a redirect, whose target would escape the checks above.
    redirect: 'manual',
    headers: { accept: 'application/json' },
    signal,
  })
  if (response.redirected) throw new Error('redirect refused')
  // OpenID Connect Discovery 1.0 §4.2 and RFC 7517 publication: 200 OK, nothing else.
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined)
    throw new Error(`http status ${response.status}`)
  }
  const octets = await readCapped(response, limits.maxBytes)
  return {
    body: JSON.parse(utf8.decode(octets)) as unknown,
    cacheControl: response.headers.get('cache-control'),
  }
}

/**
 * GETs a JSON document from an identity provider under the SSRF rules (OIDC-01..03, OIDC-07):
 * https only, no credentials in the url, every resolved address checked against the address
 * policy before connecting, no redirects, exactly status 200, a body capped at `maxBytes`
 * (streamed, so a lying or absent Content-Length cannot get past it) and one deadline for the
 * whole exchange. The deadline also applies to an injected `fetch` that ignores its signal.
 *
 * Caveat (OIDC-04, DNS rebinding): the addresses are checked, then `fetch` resolves the name
 * again when it connects, and a hostile DNS server can answer differently the second time. Pass
 * {@link createPinnedFetch} as `fetch` to re-check at connect time and pin the address.
 *
 * Failures throw a plain `Error` saying why; callers wrap it.
 */
export async function fetchJsonGuarded(
  target: string,
  deps: GuardedFetchDeps,
  limits: GuardedFetchLimits,
): Promise<FetchedJson> {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw new Error('not an absolute url')
  }
  if (url.protocol !== 'https:') throw new Error('url must use https')
  if (url.username !== '' || url.password !== '') throw new Error('url must not carry credentials')

  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`no answer within ${limits.timeoutMs} ms`)
      controller.abort(err)
      reject(err)
    }, limits.timeoutMs)
  })
  try {
    return await Promise.race([fetchWithin(url, deps, limits, controller.signal), deadline])
  } finally {
    clearTimeout(timer)
  }
}
