import { randomFillSync } from 'node:crypto'

/**
 * CSPRNG bytes drawn from a pre-filled buffer: one `randomFillSync` per 64 KiB instead of one
 * `randomBytes` call per credential (the per-request cost that dominates minting).
 */
export function createRandomPool(size = 65_536) {
  const pool = Buffer.allocUnsafe(size)
  let offset = size
  return {
    take(n: number): Buffer {
      if (n > size) return randomFillSync(Buffer.allocUnsafe(n))
      if (offset + n > size) {
        randomFillSync(pool)
        offset = 0
      }
      // Copy out so no caller holds a view into bytes that will be handed out again.
      const out = Buffer.from(pool.subarray(offset, offset + n))
      pool.fill(0, offset, offset + n)
      offset += n
      return out
    },
  }
}

export type RandomPool = ReturnType<typeof createRandomPool>
