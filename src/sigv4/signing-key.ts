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

interface Entry {
  readonly key: Buffer
  used: boolean
}

// CLOCK ("second chance") replacement, an LRU approximation: a hit only sets a flag, so the common
// path does not reorder the map; eviction gives recently used entries another round.
class ClockSigningKeyCache implements SigningKeyCache {
  // Private fields: util.inspect and JSON.stringify show none of the secrets kept in the keys.
  readonly #max: number
  readonly #entries = new Map<string, Entry>()

  constructor(max: number) {
    this.#max = max
  }

  get size(): number {
    return this.#entries.size
  }

  get(secretAccessKey: string, date: string, region: string, service: string): Buffer {
    // NUL cannot occur in date/region/service (parseSigV4Auth admits [A-Za-z0-9._-] only), so the
    // composite key is unambiguous.
    const id = `${date}\0${region}\0${service}\0${secretAccessKey}`
    const hit = this.#entries.get(id)
    if (hit !== undefined) {
      hit.used = true
      return hit.key
    }
    const key = deriveSigningKey(secretAccessKey, date, region, service)
    if (this.#entries.size >= this.#max) this.#evictOne()
    this.#entries.set(id, { key, used: false })
    return key
  }

  #evictOne(): void {
    // Terminates: every entry visited loses its flag, so the second round finds one without.
    for (const [id, entry] of this.#entries) {
      this.#entries.delete(id)
      if (!entry.used) return
      entry.used = false
      this.#entries.set(id, entry)
    }
  }

  clear(): void {
    this.#entries.clear()
  }
}

/**
 * A cache of derived signing keys holding at most `maxEntries` keys (default 1000), evicting
 * about the least recently used (CLOCK). A key is valid for one secret, day, region and service.
 */
export function createSigningKeyCache(maxEntries = 1000): SigningKeyCache {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new LanyardError(
      'config.invalid',
      'the signing key cache size must be a positive integer',
    )
  }
  return new ClockSigningKeyCache(maxEntries)
}
