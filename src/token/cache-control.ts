/** Bounds for how long a fetched JWKS is trusted without refetching, in milliseconds. */
export interface TtlBounds {
  readonly minMs: number
  readonly maxMs: number
  /** Used when the response has no usable `max-age`. */
  readonly defaultMs: number
}

/**
 * How long to keep a response, from its `Cache-Control` header. We are a private cache, so
 * `max-age` applies and `s-maxage` does not (RFC 9111 §5.2.2.1, §5.2.2.10). `no-store`,
 * `no-cache` and `max-age=0` cannot be honoured literally (that would be a fetch per token, which
 * EKS asks clients not to do: "Respect the cache-control header"), so they give the minimum.
 * The result is clamped to the bounds either way.
 */
export function cacheTtlMs(header: string | null, bounds: TtlBounds): number {
  let ttl = bounds.defaultMs
  if (header !== null) {
    for (const part of header.split(',')) {
      const [rawName = '', rawValue] = part.split('=', 2)
      const name = rawName.trim().toLowerCase()
      if (name === 'no-store' || name === 'no-cache') return bounds.minMs
      if (name === 'max-age' && rawValue !== undefined) {
        const value = rawValue.trim().replace(/^"(.*)"$/, '$1')
        // RFC 9111 §1.2.2: delta-seconds is 1*DIGIT; anything else is ignored.
        if (/^\d+$/.test(value)) ttl = Number(value) * 1000
      }
    }
  }
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, ttl))
}
