import { isIPv4, isIPv6 } from 'node:net'

type Rule = readonly [network: bigint, prefixLength: number]

function parseIpv4(text: string): number | undefined {
  if (!isIPv4(text)) return undefined
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0)
}

/** 128-bit value of an IPv6 literal (zone id dropped, embedded dotted quad allowed). */
function parseIpv6(text: string): bigint | undefined {
  const zone = text.indexOf('%')
  let s = zone >= 0 ? text.slice(0, zone) : text
  if (!isIPv6(s)) return undefined
  const lastColon = s.lastIndexOf(':')
  const v4 = parseIpv4(s.slice(lastColon + 1))
  if (v4 !== undefined) {
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
  }
  const [head = '', tail] = s.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return all.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n)
}

function v4(cidr: string): Rule {
  const [ip = '', len = '32'] = cidr.split('/')
  return [BigInt(parseIpv4(ip) ?? 0), Number(len)]
}

function v6(cidr: string): Rule {
  const [ip = '', len = '128'] = cidr.split('/')
  return [parseIpv6(ip) ?? 0n, Number(len)]
}

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates), RFC 1918, RFC 6598.
const IPV4_BLOCKED: readonly Rule[] = [
  '0.0.0.0/8', // "this network", includes the unspecified 0.0.0.0
  '10.0.0.0/8',
  '100.64.0.0/10', // shared address space (CGNAT), includes Alibaba's 100.100.100.200 metadata
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, includes the 169.254.169.254 metadata services
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, includes 255.255.255.255
].map(v4)

// IANA IPv6 Special-Purpose Address Registry. Only 2000::/3 is global unicast at all.
const IPV6_GLOBAL: Rule = v6('2000::/3')
const IPV6_BLOCKED: readonly Rule[] = [
  '2001::/23', // IETF protocol assignments, includes Teredo 2001::/32
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation (RFC 9637)
  '5f00::/16', // SRv6 SIDs (RFC 9602)
].map(v6)
const IPV6_MAPPED: Rule = v6('::ffff:0:0/96') // RFC 4291 §2.5.5.2
const IPV6_NAT64: Rule = v6('64:ff9b::/96') // RFC 6052 well-known prefix
const IPV6_6TO4: Rule = v6('2002::/16') // RFC 3056: bits 16..47 are an IPv4 address

function inRule(value: bigint, [network, length]: Rule, width: number): boolean {
  const shift = BigInt(width - length)
  return value >> shift === network >> shift
}

function isPublicIpv4(value: number): boolean {
  const v = BigInt(value)
  return !IPV4_BLOCKED.some((rule) => inRule(v, rule, 32))
}

/**
 * True when `address` (an IPv4 or IPv6 literal) is a public unicast address an outbound fetch
 * may connect to (OIDC-01): not unspecified, loopback, private (RFC 1918), shared (CGNAT),
 * link-local (which holds the cloud metadata services, 169.254.169.254), unique-local
 * (fc00::/7, AWS's fd00:ec2::254 included), multicast, documentation or reserved. IPv6 outside
 * 2000::/3 is refused; IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 addresses are judged by the
 * IPv4 address they carry. Anything that does not parse is refused.
 */
export function isPublicAddress(address: string): boolean {
  const ipv4 = parseIpv4(address)
  if (ipv4 !== undefined) return isPublicIpv4(ipv4)
  const ipv6 = parseIpv6(address)
  if (ipv6 === undefined) return false
  if (inRule(ipv6, IPV6_MAPPED, 128) || inRule(ipv6, IPV6_NAT64, 128)) {
    return isPublicIpv4(Number(ipv6 & 0xffffffffn))
  }
  if (inRule(ipv6, IPV6_6TO4, 128)) return isPublicIpv4(Number((ipv6 >> 80n) & 0xffffffffn))
  if (!inRule(ipv6, IPV6_GLOBAL, 128)) return false
  return !IPV6_BLOCKED.some((rule) => inRule(ipv6, rule, 128))
}
