import type { LookupAddress } from 'node:dns'
import { request } from 'node:https'
import type { LookupFunction } from 'node:net'
import { Readable } from 'node:stream'
import { isPublicAddress } from './address-policy.js'
import { resolveHostWithSystemResolver } from './resolve-host.js'

/** Options of {@link createPinnedFetch}. */
export interface PinnedFetchOptions {
  /** DNS resolution; defaults to the system resolver. */
  resolveHost?: ((hostname: string) => Promise<string[]>) | undefined
  /** The address policy; defaults to {@link isPublicAddress}. */
  isAllowedAddress?: ((address: string) => boolean) | undefined
  /** Extra trusted CA certificates (PEM) instead of Node's bundled roots. */
  ca?: string | readonly string[] | undefined
}

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4)

/**
 * A `lookup` for `net.connect` that resolves with `resolveHost`, refuses the connection unless
 * every address passes the policy, and hands the socket exactly the checked addresses. Because
 * this runs at connect time, the address the socket uses is the address that was checked: DNS
 * rebinding between a check and the connection is closed (OIDC-04).
 */
export function createGuardedLookup(
  resolveHost: (hostname: string) => Promise<string[]>,
  isAllowedAddress: (address: string) => boolean,
): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !isAllowedAddress(a))
        if (addresses.length === 0 || refused !== undefined) {
          const err = Object.assign(
            new Error(`\`${hostname}\` resolves to a refused address \`${refused ?? 'none'}\``),
            { code: 'EADDRNOTAVAIL' },
          )
          callback(err, '', 0)
          return
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined
        const usable = addresses.filter((a) => wanted === undefined || familyOf(a) === wanted)
        const list: LookupAddress[] = usable.map((address) => ({
          address,
          family: familyOf(address),
        }))
        if (options.all) {
          ;(callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, list)
          return
        }
        const first = list[0]
        if (first === undefined) {
          callback(
            Object.assign(new Error('no address of the wanted family'), { code: 'ENOTFOUND' }),
            '',
            0,
          )
          return
        }
        callback(null, first.address, first.family)
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 0),
    )
  }
}

/**
 * A `fetch` for identity-provider documents built on `node:https`, whose connections go only to
 * addresses checked at connect time by {@link createGuardedLookup} (the TOCTOU caveat of a plain
 * `fetch` is closed). It does GET only, never follows redirects (a 3xx is returned as is), asks
 * for an unencoded body (`accept-encoding: identity`, so no decompression bomb) and honours the
 * request's `signal`. TLS is verified as usual (Node's roots or `ca`).
 */
export function createPinnedFetch(options: PinnedFetchOptions = {}): typeof fetch {
  const lookup = createGuardedLookup(
    options.resolveHost ?? resolveHostWithSystemResolver,
    options.isAllowedAddress ?? isPublicAddress,
  )
  const ca = options.ca === undefined ? undefined : [options.ca].flat()
  const pinned = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.protocol !== 'https:') {
        reject(new Error('only https urls are fetched'))
        return
      }
      const headers: Record<string, string> = { 'accept-encoding': 'identity' }
      new Headers(init?.headers).forEach((value, name) => {
        if (name !== 'accept-encoding') headers[name] = value
      })
      const req = request(url, {
        method: 'GET',
        headers,
        lookup,
        ...(ca === undefined ? {} : { ca }),
        ...(init?.signal ? { signal: init.signal } : {}),
      })
      req.once('error', reject)
      req.once('response', (res) => {
        const status = res.statusCode ?? 0
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue
          for (const v of [value].flat()) responseHeaders.append(name, v)
        }
        const nullBody = status === 204 || status === 205 || status === 304
        if (nullBody) res.resume()
        try {
          resolve(
            new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
              status,
              headers: responseHeaders,
            }),
          )
        } catch (err) {
          res.destroy()
          reject(err)
        }
      })
      req.end()
    })
  return pinned as typeof fetch
}
