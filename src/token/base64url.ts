/**
 * Strict, canonical base64url (RFC 7515 §2, RFC 4648 §5 without padding): only the URL-safe
 * alphabet, no `=`, no whitespace, a length that encodes whole bytes, and zero unused trailing
 * bits (RFC 4648 §3.5). `Buffer.from(s, 'base64url')` alone silently skips stray characters and
 * takes the standard alphabet too, so one token could otherwise have many spellings (JWT-11).
 * Returns `undefined` when not canonical.
 *
 * The check is a round trip: a segment is canonical exactly when encoding its decoded bytes gives
 * it back, since the encoder writes only the URL-safe alphabet, no padding, the shortest length
 * for the bytes and zero unused bits; any stray, skipped or standard-alphabet character, padding,
 * impossible length or non-zero unused bit makes the two differ. (Cheaper than testing the
 * alphabet with a regular expression first: that test alone cost more than the decoding.)
 */
export function decodeBase64url(segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, 'base64url')
  return bytes.toString('base64url') === segment ? bytes : undefined
}
