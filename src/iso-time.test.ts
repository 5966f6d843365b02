import { describe, expect, it } from 'vitest'
import { isoSeconds } from './iso-time.js'

describe('isoSeconds', () => {
  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [999, '1970-01-01T00:00:00Z'],
    [1_796_500_000_123, '2026-12-05T19:46:40Z'],
  ])('%d → %s', (ms, text) => {
    expect(isoSeconds(ms)).toBe(text)
  })

  it('answers right when calls alternate between seconds (the kept answers are not stale)', () => {
    const a = 1_796_500_000_000
    const b = a + 3_600_000
    for (let i = 0; i < 3; i++) {
      expect(isoSeconds(a + i)).toBe('2026-12-05T19:46:40Z')
      expect(isoSeconds(b + i)).toBe('2026-12-05T20:46:40Z')
      expect(isoSeconds(a - 1)).toBe('2026-12-05T19:46:39Z')
    }
    expect(isoSeconds(-1)).toBe('1969-12-31T23:59:59Z')
  })
})
