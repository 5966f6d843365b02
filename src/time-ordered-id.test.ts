import { describe, expect, it } from 'vitest'
import { timeOrderedUuid } from './time-ordered-id.js'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('timeOrderedUuid (RFC 9562 version 7)', () => {
  it('has the version 7 and variant bits and the time in its first 48 bits', () => {
    const id = timeOrderedUuid(0x0123_4567_89ab)
    expect(id).toMatch(V7)
    expect(id.slice(0, 13)).toBe('01234567-89ab')
  })

  it('sorts by time and never repeats', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => timeOrderedUuid(1_796_500_000_000 + i))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    const sameMs = Array.from({ length: 5000 }, () => timeOrderedUuid(1_796_500_000_000))
    expect(new Set(sameMs).size).toBe(sameMs.length)
    for (const id of sameMs) expect(id).toMatch(V7)
  })
})
