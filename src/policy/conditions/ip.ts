import type { ValueMatcher } from './matcher.js'

/**
 * IP address operators (reference_policies_elements_condition_operators, IP address): policy
 * values in CIDR notation, IPv4 or IPv6 ("2001:DB8:1234:5678::/64"); "If you specify an IP
 * address without the associated routing prefix, IAM uses the default prefix value of /32" (for
 * IPv6 we use /128). No policy variables. Written by hand: `node:net` is off limits to the pure
 * core. An IPv4 address never matches an IPv6 range and vice versa (UNCONFIRMED for
 * IPv4-mapped IPv6 addresses such as `::ffff:192.0.2.1`).
 */

/** A parsed address: 4 words (IPv4 uses word 3 only). */
export interface IpAddress {
  readonly v6: boolean
  readonly words: Uint32Array
}

/** A CIDR range from the policy. */
export interface IpRange extends IpAddress {
  readonly prefix: number
}

function parseV4Into(s: string, start: number, end: number): number | undefined {
  let value = 0
  let parts = 0
  let i = start
  while (parts < 4) {
    let octet = 0
    let digits = 0
    while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      octet = octet * 10 + (s.charCodeAt(i) - 48)
      digits++
      i++
    }
    // No empty parts, no leading zeros (octal ambiguity), each part 0..255.
    if (digits === 0 || digits > 3 || octet > 255) return undefined
    if (digits > 1 && s.charCodeAt(i - digits) === 48) return undefined
    value = value * 256 + octet
    parts++
    if (parts < 4) {
      if (i >= end || s.charCodeAt(i) !== 46) return undefined
      i++
    }
  }
  return i === end ? value >>> 0 : undefined
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** Parses `s[start, end)` as IPv6 into 8 groups; `false` when malformed. */
function parseV6Into(s: string, start: number, end: number, groups: Uint16Array): boolean {
  groups.fill(0)
  let n = 0
  let gap = -1
  let i = start
  if (end - start >= 2 && s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 58) {
    gap = 0
    i += 2
    if (i === end) return true
  } else if (s.charCodeAt(i) === 58) return false
  while (i < end) {
    if (n >= 8) return false
    // An embedded IPv4 tail (::ffff:192.0.2.1) takes two groups.
    let j = i
    while (j < end && s.charCodeAt(j) !== 58) j++
    if (j === end && s.indexOf('.', i) >= 0 && s.indexOf('.', i) < end) {
      const v4 = parseV4Into(s, i, end)
      if (v4 === undefined || n > 6) return false
      groups[n++] = v4 >>> 16
      groups[n++] = v4 & 0xffff
      i = end
      break
    }
    let value = 0
    let digits = 0
    while (i < end) {
      const h = hexValue(s.charCodeAt(i))
      if (h < 0) break
      value = value * 16 + h
      digits++
      i++
    }
    if (digits === 0 || digits > 4) return false
    groups[n++] = value
    if (i === end) break
    if (s.charCodeAt(i) !== 58) return false
    i++
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false
      gap = n
      i++
      if (i === end) break
    } else if (i === end) return false
  }
  if (gap < 0) return n === 8
  if (n === 8) return false
  // Move the groups after the gap to the end.
  const tail = n - gap
  for (let k = 0; k < tail; k++) {
    groups[7 - k] = groups[n - 1 - k] as number
    groups[n - 1 - k] = 0
  }
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0
  return true
}

const scratchGroups = new Uint16Array(8)

/** Parses `s[start, end)` as an address into `words`; returns the family or undefined. */
function parseAddressInto(
  s: string,
  start: number,
  end: number,
  words: Uint32Array,
): 'v4' | 'v6' | undefined {
  if (s.indexOf(':', start) >= 0 && s.indexOf(':', start) < end) {
    if (!parseV6Into(s, start, end, scratchGroups)) return undefined
    for (let k = 0; k < 4; k++) {
      words[k] =
        (((scratchGroups[2 * k] as number) << 16) | (scratchGroups[2 * k + 1] as number)) >>> 0
    }
    return 'v6'
  }
  const v4 = parseV4Into(s, start, end)
  if (v4 === undefined) return undefined
  words.fill(0)
  words[3] = v4
  return 'v4'
}

/** Parses a policy value: an address with an optional `/prefix`. */
export function parseCidr(s: string): IpRange | undefined {
  const slash = s.indexOf('/')
  const end = slash < 0 ? s.length : slash
  const words = new Uint32Array(4)
  const family = parseAddressInto(s, 0, end, words)
  if (family === undefined) return undefined
  const max = family === 'v6' ? 128 : 32
  let prefix = max
  if (slash >= 0) {
    const p = s.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p)) return undefined
    prefix = Number(p)
    if (prefix > max) return undefined
  }
  return { v6: family === 'v6', words, prefix: family === 'v6' ? prefix : prefix + 96 }
}

const scratchWords = new Uint32Array(4)

/** Whether the address held in `words` lies in `range` (prefix counted over 128 bits). */
function inRange(words: Uint32Array, v6: boolean, range: IpRange): boolean {
  if (v6 !== range.v6) return false
  let bits = range.prefix
  for (let k = 0; k < 4; k++) {
    if (bits <= 0) return true
    const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0
    if (((words[k] as number) & mask) >>> 0 !== ((range.words[k] as number) & mask) >>> 0) {
      return false
    }
    bits -= 32
  }
  return true
}

/** Parses a request value (an address, no prefix); exported for tests. */
export function parseIpAddress(s: string): IpAddress | undefined {
  const words = new Uint32Array(4)
  const family = parseAddressInto(s, 0, s.length, words)
  return family === undefined ? undefined : { v6: family === 'v6', words }
}

/** Compiles the values of one `IpAddress`/`NotIpAddress` condition key. */
export function compileIpMatcher(values: readonly string[]): ValueMatcher {
  const parsed = values.map(parseCidr)
  const valid = parsed.filter((p): p is IpRange => p !== undefined)
  return {
    invalidPolicyValue: valid.length !== parsed.length,
    match(v) {
      const family = parseAddressInto(v, 0, v.length, scratchWords)
      if (family === undefined) return undefined
      for (const r of valid) if (inRange(scratchWords, family === 'v6', r)) return true
      return false
    },
  }
}
