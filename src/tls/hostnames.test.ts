import { describe, expect, it } from 'vitest'
import { toSanEntries } from './hostnames.js'

const DEFAULTS = [
  { type: 'dns', value: 'localhost' },
  { type: 'ip', value: '127.0.0.1' },
  { type: 'ip', value: '::1' },
]

describe('toSanEntries', () => {
  it('always includes localhost, 127.0.0.1 and ::1', () => {
    expect(toSanEntries([])).toEqual(DEFAULTS)
  })

  it.each([
    {
      name: 'dns name lower-cased',
      input: ['Lanyard.Example'],
      extra: [{ type: 'dns', value: 'lanyard.example' }],
    },
    {
      name: 'trailing dot dropped',
      input: ['lanyard.example.'],
      extra: [{ type: 'dns', value: 'lanyard.example' }],
    },
    { name: 'ipv4', input: ['10.0.0.5'], extra: [{ type: 'ip', value: '10.0.0.5' }] },
    {
      name: 'bracketed ipv6 canonicalised',
      input: ['[2001:DB8:0:0:0:0:0:1]'],
      extra: [{ type: 'ip', value: '2001:db8::1' }],
    },
    {
      name: 'duplicates of defaults removed',
      input: ['LOCALHOST', '0:0:0:0:0:0:0:1', '127.0.0.1'],
      extra: [],
    },
    { name: 'unspecified addresses dropped', input: ['0.0.0.0', '::'], extra: [] },
    { name: 'single label', input: ['lanyard'], extra: [{ type: 'dns', value: 'lanyard' }] },
  ])('$name', ({ input, extra }) => {
    expect(toSanEntries(input)).toEqual([...DEFAULTS, ...extra])
  })

  it.each([
    '*.example.com',
    'a_b.example',
    '-lead.example',
    'has space',
    'a..b',
    'x'.repeat(64),
    'fe80::1%eth0',
    '',
  ])('refuses %j', (name) => {
    expect(() => toSanEntries([name])).toThrowError(
      expect.objectContaining({ code: 'config.invalid' }),
    )
  })
})
