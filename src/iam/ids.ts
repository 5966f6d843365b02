import { randomBytes } from 'node:crypto'

/** Unique-id prefixes (IAM User Guide, reference_identifiers: "Unique ID prefixes"). */
export type IamIdPrefix = 'AROA' | 'ANPA'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const ID_BODY_LENGTH = 17

/**
 * A new IAM unique id: the prefix and 17 upper-case base32 characters (21 in all, the length of
 * real role ids such as `AROA3ISBVQKHLCPMWHJG5`), from 85 random bits.
 */
export function newIamId(prefix: IamIdPrefix): string {
  const bytes = randomBytes(11)
  let out = prefix
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5 && out.length < prefix.length + ID_BODY_LENGTH) {
      bits -= 5
      out += BASE32[(buffer >> bits) & 31]
    }
    buffer &= (1 << bits) - 1
  }
  return out
}
