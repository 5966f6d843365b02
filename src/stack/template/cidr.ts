import { CFN_MESSAGES, templateError } from './messages.js'

/** Parses an IPv4 or IPv6 address to a bigint and its width in bits. */
function parseAddress(text: string): { value: bigint; bits: number } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const octets = text.split('.').map(Number)
    if (octets.some((o) => o > 255)) return undefined
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), bits: 32 }
  }
  if (!text.includes(':')) return undefined
  const [head = '', tail, extra] = text.split('::')
  if (extra !== undefined) return undefined
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  const h = groups(head)
  const t = tail === undefined ? [] : groups(tail)
  const missing = 8 - h.length - t.length
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined
  const all = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t]
  if (all.length !== 8 || !all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined
  return { value: all.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n), bits: 128 }
}

function formatAddress(value: bigint, bits: number): string {
  if (bits === 32) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.')
  }
  const groups: string[] = []
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16))
  // RFC 5952: compress the longest run of zero groups.
  let best = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === '0') j++
    if (j - i > bestLen && j - i > 1) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  if (best === -1) return groups.join(':')
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`
}

/**
 * `Fn::Cidr` (intrinsic-function-reference-cidr): `count` consecutive subnets of `cidrBits` host
 * bits each, carved from the start of `ipBlock`.
 */
export function cidrSubnets(ipBlock: string, count: number, cidrBits: number): string[] {
  const slash = ipBlock.indexOf('/')
  const addr = parseAddress(slash === -1 ? ipBlock : ipBlock.slice(0, slash))
  const prefix = slash === -1 ? Number.NaN : Number(ipBlock.slice(slash + 1))
  if (!addr || !Number.isInteger(prefix) || prefix < 0 || prefix > addr.bits)
    throw templateError(CFN_MESSAGES.cidrInvalid(`ip block \`${ipBlock}\` is not a valid CIDR`))
  if (!Number.isInteger(count) || count < 1 || count > 256)
    throw templateError(CFN_MESSAGES.cidrInvalid('count must be between 1 and 256'))
  const subnetPrefix = addr.bits - cidrBits
  if (!Number.isInteger(cidrBits) || cidrBits < 0 || subnetPrefix < prefix)
    throw templateError(CFN_MESSAGES.cidrInvalid(`cidrBits ${cidrBits} does not fit in ${ipBlock}`))
  if (BigInt(count) > 1n << BigInt(subnetPrefix - prefix))
    throw templateError(
      CFN_MESSAGES.cidrInvalid(`${ipBlock} holds fewer than ${count} subnets of ${cidrBits} bits`),
    )
  const width = BigInt(addr.bits)
  const networkMask = ((1n << width) - 1n) ^ ((1n << (width - BigInt(prefix))) - 1n)
  const base = addr.value & networkMask
  const step = 1n << BigInt(cidrBits)
  return Array.from(
    { length: count },
    (_, i) => `${formatAddress(base + step * BigInt(i), addr.bits)}/${subnetPrefix}`,
  )
}
