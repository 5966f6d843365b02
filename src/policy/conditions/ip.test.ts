import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import { compileCondition, evaluateCondition } from './condition.js'
import { parseCidr, parseIpAddress } from './ip.js'

const OPS = 'reference_policies_elements_condition_operators: IP address'

function run(op: string, values: string | string[], request: string | undefined): boolean {
  const c = compileCondition(op, 'aws:SourceIp', values, true)
  return evaluateCondition(c, createRequestContext({ 'aws:sourceip': request }))
}

const cases: {
  op: string
  values: string | string[]
  request: string | undefined
  want: boolean
  doc: string
}[] = [
  { op: 'IpAddress', values: '203.0.113.0/24', request: '203.0.113.255', want: true, doc: OPS },
  { op: 'IpAddress', values: '203.0.113.0/24', request: '203.0.114.0', want: false, doc: OPS },
  {
    op: 'IpAddress',
    values: '203.0.113.7',
    request: '203.0.113.7',
    want: true,
    doc: `${OPS}: no prefix means /32`,
  },
  {
    op: 'IpAddress',
    values: '203.0.113.7',
    request: '203.0.113.8',
    want: false,
    doc: `${OPS}: no prefix means /32`,
  },
  { op: 'IpAddress', values: '0.0.0.0/0', request: '198.51.100.1', want: true, doc: `${OPS}: /0` },
  {
    op: 'IpAddress',
    values: '203.0.113.9/24',
    request: '203.0.113.1',
    want: true,
    doc: `${OPS}: host bits ignored`,
  },
  {
    op: 'IpAddress',
    values: '2001:DB8:1234:5678::/64',
    request: '2001:db8:1234:5678:abcd::1',
    want: true,
    doc: `${OPS}: IPv6 with :: (IAM-20)`,
  },
  {
    op: 'IpAddress',
    values: '2001:DB8:1234:5678::/64',
    request: '2001:db8:1234:5679::1',
    want: false,
    doc: `${OPS}: IPv6`,
  },
  {
    op: 'IpAddress',
    values: ['203.0.113.0/24', '2001:DB8:1234:5678::/64'],
    request: '2001:db8:1234:5678::2',
    want: true,
    doc: `${OPS}: mixed IPv4 and IPv6`,
  },
  {
    op: 'IpAddress',
    values: '::/0',
    request: '203.0.113.1',
    want: false,
    doc: 'IPv4 never matches an IPv6 range (UNCONFIRMED)',
  },
  {
    op: 'IpAddress',
    values: '2001:db8::1',
    request: '2001:db8::1',
    want: true,
    doc: `${OPS}: bare IPv6 is /128`,
  },
  {
    op: 'IpAddress',
    values: '::ffff:203.0.113.0/120',
    request: '::ffff:203.0.113.5',
    want: true,
    doc: 'embedded IPv4 notation',
  },
  { op: 'NotIpAddress', values: '203.0.113.0/24', request: '198.51.100.1', want: true, doc: OPS },
  { op: 'NotIpAddress', values: '203.0.113.0/24', request: '203.0.113.1', want: false, doc: OPS },
  {
    op: 'IpAddress',
    values: '203.0.113.0/24',
    request: 'not-an-ip',
    want: false,
    doc: 'IAM-20: unreadable address never matches',
  },
  {
    op: 'NotIpAddress',
    values: '203.0.113.0/24',
    request: 'not-an-ip',
    want: false,
    doc: 'IAM-20: unreadable address never matches',
  },
  {
    op: 'NotIpAddress',
    values: ['bogus', '10.0.0.0/8'],
    request: '203.0.113.1',
    want: false,
    doc: 'IAM-20: unreadable policy range fails a negated operator closed',
  },
  {
    op: 'IpAddress',
    values: '203.0.113.0/24',
    request: undefined,
    want: false,
    doc: `${OPS}: absent key is false`,
  },
  {
    op: 'NotIpAddress',
    values: '203.0.113.0/24',
    request: undefined,
    want: true,
    doc: 'IAM-08: NotIpAddress on an absent key is true',
  },
]

describe('IP address operators', () => {
  it.each(cases)('$op $values vs $request -> $want ($doc)', (c) => {
    expect(run(c.op, c.values, c.request)).toBe(c.want)
  })

  it.each([
    ['1.2.3.4', [0, 0, 0, 0x01020304]],
    ['::', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['1::', [0x00010000, 0, 0, 0]],
    ['2001:db8::1', [0x20010db8, 0, 0, 1]],
    ['1:2:3:4:5:6:7:8', [0x00010002, 0x00030004, 0x00050006, 0x00070008]],
    ['::ffff:1.2.3.4', [0, 0, 0xffff, 0x01020304]],
    ['1::2:3', [0x00010000, 0, 0, 0x00020003]],
  ])('parses %s', (s, words) => {
    expect(Array.from(parseIpAddress(s)?.words ?? [])).toEqual(words)
  })

  it.each([
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.4 ',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1:2',
    '1:',
    '12345::',
    'fe80::1%eth0',
    '::ffff:1.2.3',
    '1.2.3.4/24',
    '',
  ])('rejects address %j', (s) => {
    expect(parseIpAddress(s)).toBeUndefined()
  })

  it.each(['1.2.3.4/33', '::/129', '1.2.3.4/', '1.2.3.4/x', '1.2.3.4/-1'])(
    'rejects range %j',
    (s) => {
      expect(parseCidr(s)).toBeUndefined()
    },
  )
})
