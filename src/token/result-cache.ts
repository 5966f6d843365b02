import { remember } from '../bounded-map.js'
import type { WebIdentity } from './types.js'

/**
 * Verified tokens, keyed by the whole (trimmed) token string and kept only until the token's
 * `exp`, least recently used first out. A different spelling of the same token is simply a miss
 * and is verified in full. Capacity 0 disables it.
 */
export class ResultCache {
  readonly #capacity: number
  readonly #entries = new Map<string, WebIdentity>()

  constructor(capacity: number) {
    this.#capacity = Math.max(0, Math.floor(capacity))
  }

  get enabled(): boolean {
    return this.#capacity > 0
  }

  get(token: string, nowMs: number): WebIdentity | undefined {
    const hit = this.#entries.get(token)
    if (hit === undefined) return undefined
    this.#entries.delete(token)
    if (nowMs >= hit.expiresAt) return undefined
    this.#entries.set(token, hit)
    return hit
  }

  set(token: string, identity: WebIdentity): void {
    if (this.#capacity === 0) return
    remember(this.#entries, token, identity, this.#capacity)
  }

  delete(token: string): void {
    this.#entries.delete(token)
  }
}
