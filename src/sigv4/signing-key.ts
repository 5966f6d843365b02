import { createHmac } from 'node:crypto'
import { LanyardError } from '../errors.js'
import type { SigningKeyCache } from './types.js'

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

/**
 * The SigV4 signing key (IAM User Guide, "Derive a signing key"):
 * HMAC chain `"AWS4" + secret` → date → region → service → `aws4_request`.
 */
export function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request')
}

class LruSigningKeyCache implements SigningKeyCache {
  // Private fields: util.inspect and JSON.stringify show none of the secrets kept in the keys.
  readonly #max: number
  readonly #keys = new Map<string, Buffer>()

  constructor(max: number) {
    this.#max = max
  }

  get size(): number {
    return this.#keys.size
  }

  get(secretAccessKey: string, date: string, region: string, service: string): Buffer {
    // NUL cannot occur in date/region/service (parseSigV4Auth admits [A-Za-z0-9._-] only), so the
    // composite key is unambiguous.
    const id = `${date}\0${region}\0${service}\0${secretAccessKey}`
    const hit = this.#keys.get(id)
    if (hit !== undefined) {
      // Re-insert: Map iteration order then is least- to most-recently used.
      this.#keys.delete(id)
      this.#keys.set(id, hit)
      return hit
    }
    const key = deriveSigningKey(secretAccessKey, date, region, service)
    this.#keys.set(id, key)
    if (this.#keys.size > this.#max) {
      const oldest = this.#keys.keys().next()
      if (!oldest.done) this.#keys.delete(oldest.value)
    }
    return key
  }

  clear(): void {
    this.#keys.clear()
  }
}

/**
 * A least-recently-used cache of derived signing keys holding at most `maxEntries` keys
 * (default 1000). A key is valid for one secret, day, region and service.
 */
export function createSigningKeyCache(maxEntries = 1000): SigningKeyCache {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new LanyardError(
      'config.invalid',
      'the signing key cache size must be a positive integer',
    )
  }
  return new LruSigningKeyCache(maxEntries)
}
