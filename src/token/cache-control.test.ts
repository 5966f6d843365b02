import { describe, expect, it } from 'vitest'
import { cacheTtlMs } from './cache-control.js'

const bounds = { minMs: 60_000, maxMs: 86_400_000, defaultMs: 600_000 }

describe('cacheTtlMs', () => {
  it.each([
    ['absent header: default', null, 600_000],
    ['max-age honoured', 'public, max-age=3600', 3_600_000],
    ['directive names are case-insensitive', 'Public, Max-Age=7200', 7_200_000],
    ['quoted max-age', 'max-age="120"', 120_000],
    ['s-maxage is for shared caches only', 's-maxage=9000', 600_000],
    ['below the minimum is raised', 'max-age=5', 60_000],
    ['max-age=0 gives the minimum', 'max-age=0', 60_000],
    ['above the maximum is lowered', 'max-age=31536000', 86_400_000],
    ['no-store gives the minimum', 'no-store', 60_000],
    ['no-cache gives the minimum', 'max-age=3600, no-cache', 60_000],
    ['invalid max-age is ignored', 'max-age=-1', 600_000],
    ['fractional max-age is ignored', 'max-age=1.5', 600_000],
  ])('%s', (_name, header, expected) => {
    expect(cacheTtlMs(header, bounds)).toBe(expected)
  })
})
