import { isIP } from 'node:net'
import { LanyardError } from '../errors.js'

/** A subject alternative name: a DNS name or an IP address. */
export type SanEntry = { type: 'dns'; value: string } | { type: 'ip'; value: string }

/** Names every local server certificate carries, besides the requested ones. */
export const DEFAULT_SANS = ['localhost', '127.0.0.1', '::1'] as const

// RFC 1123 §2.1 host names: labels of letters, digits and hyphens, not starting or ending with a
// hyphen, at most 63 characters; at most 253 characters in all. No wildcards: the local CA only
// ever certifies names it was asked for.
const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/

function canonicalIp(value: string): string {
  // The WHATWG URL parser prints IPv6 in RFC 5952 canonical form.
  return isIP(value) === 6 ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : value
}

/**
 * Classifies and canonicalises host names for a certificate: lower-cases DNS names and drops a
 * trailing dot, strips IPv6 brackets, canonicalises IPv6, removes duplicates and adds
 * {@link DEFAULT_SANS}. Unspecified addresses (`0.0.0.0`, `::`) are dropped — a server bound to
 * them is reached by some other name, which the caller must pass. Throws `config.invalid`.
 */
export function toSanEntries(hostnames: readonly string[]): SanEntry[] {
  const seen = new Set<string>()
  const out: SanEntry[] = []
  for (const raw of [...DEFAULT_SANS, ...hostnames]) {
    let name = raw.trim().toLowerCase()
    if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1)
    if (name.endsWith('.')) name = name.slice(0, -1)
    let entry: SanEntry
    // Zone ids (`fe80::1%eth0`) name an interface, not an address a certificate can hold.
    if (isIP(name) !== 0 && !name.includes('%')) {
      const ip = canonicalIp(name)
      if (ip === '0.0.0.0' || ip === '::') continue
      entry = { type: 'ip', value: ip }
    } else if (DNS_NAME.test(name)) {
      entry = { type: 'dns', value: name }
    } else {
      throw new LanyardError(
        'config.invalid',
        `\`${raw.slice(0, 64)}\` is not a host name or ip address a certificate can name`,
      )
    }
    const key = `${entry.type}:${entry.value}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(entry)
  }
  return out
}
