import { createRandomPool } from './credentials/random-pool.js'

const pool = createRandomPool(16_384)

/**
 * A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits from the
 * CSPRNG. Request and event ids are time-ordered so that the audit table's indexes on them grow
 * at their end: a random (v4) id lands each insert on a random leaf page of the index, which
 * SQLite then writes whole to the WAL on every commit (measured in docs/benchmarks.md). Not a
 * secret: it says when it was made, as the record it names does.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const b = pool.take(16)
  const ms = Math.max(0, Math.floor(now))
  b.writeUIntBE(ms % 2 ** 48, 0, 6)
  b[6] = 0x70 | ((b[6] as number) & 0x0f)
  b[8] = 0x80 | ((b[8] as number) & 0x3f)
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
