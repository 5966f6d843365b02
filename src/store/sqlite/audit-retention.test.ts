import { describe, expect, it } from 'vitest'
import { retentionCutoff } from './audit-retention.js'

describe('audit retention cutoff', () => {
  const now = Date.UTC(2026, 11, 6, 1, 2, 3, 456)
  it.each([
    [90, '2026-09-07T01:02:03Z'],
    [1, '2026-12-05T01:02:03Z'],
    [366, '2025-12-05T01:02:03Z'],
  ])('%i days before %s', (days, cutoff) => {
    expect(retentionCutoff(now, days)).toBe(cutoff)
  })

  it('keeps everything for 0 days', () => {
    expect(retentionCutoff(now, 0)).toBeUndefined()
  })

  it('compares as event times do: as text, to the second', () => {
    const cutoff = retentionCutoff(now, 1) as string
    expect('2026-12-05T01:02:02Z' < cutoff).toBe(true)
    expect('2026-12-05T01:02:03Z' < cutoff).toBe(false)
  })
})
