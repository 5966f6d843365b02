const ALPHABET = /^[A-Za-z0-9_-]*$/

/** The 6-bit value of a base64url character already known to be in the alphabet. */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65 // A-Z
  if (code >= 97 && code <= 122) return code - 71 // a-z
  if (code >= 48 && code <= 57) return code + 4 // 0-9
  return code === 45 ? 62 : 63 // - _
}

/**
 * Strict, canonical base64url (RFC 7515 §2, RFC 4648 §5 without padding): only the URL-safe
 * alphabet, no `=`, no whitespace, a length that encodes whole bytes, and zero unused trailing
 * bits (RFC 4648 §3.5). `Buffer.from(s, 'base64url')` alone silently skips stray characters, so
 * one token could otherwise have many spellings (JWT-11). Returns `undefined` when not canonical.
 */
export function decodeBase64url(segment: string): Buffer | undefined {
  if (!ALPHABET.test(segment)) return undefined
  const rest = segment.length % 4
  if (rest === 1) return undefined
  if (rest !== 0) {
    const last = sextet(segment.charCodeAt(segment.length - 1))
    // 2 characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
    if ((last & (rest === 2 ? 0x0f : 0x03)) !== 0) return undefined
  }
  return Buffer.from(segment, 'base64url')
}
