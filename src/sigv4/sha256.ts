import * as crypto from 'node:crypto'

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string

// crypto.hash() (Node >= 20.12) hashes in one call, several times faster than createHash() for
// the short inputs of SigV4 (bodies of API calls, canonical requests); older Node falls back.
const oneShot: OneShot | undefined = (crypto as { hash?: OneShot }).hash

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  if (oneShot) return oneShot('sha256', data, 'hex')
  const h = crypto.createHash('sha256')
  return (typeof data === 'string' ? h.update(data, 'utf8') : h.update(data)).digest('hex')
}

/**
 * Whether `s` is 64 lower-case hex digits, as SigV4 writes a SHA-256 or HMAC-SHA256 value (a
 * payload hash, a signature). A loop: the regular expression cost more per call.
 */
export function isSha256Hex(s: string): boolean {
  if (s.length !== 64) return false
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i)
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false
  }
  return true
}
