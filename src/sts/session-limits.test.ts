import { describe, expect, it } from 'vitest'
import { LanyardError } from '../errors.js'
import { packedPercent, sessionSeconds } from './session-limits.js'

describe('sessionSeconds', () => {
  it.each([
    ['the default hour', undefined, 3600, false, 3600],
    ['what is asked, within the role maximum', 7200, 43200, false, 7200],
    ['the role maximum itself', 43200, 43200, false, 43200],
    ['a chained hour', 3600, 43200, true, 3600],
    ['a chained default', undefined, 43200, true, 3600],
  ])('%s', (_, requested, max, chained, expected) => {
    expect(sessionSeconds(requested, max, chained)).toBe(expected)
  })

  it.each([
    [
      'above the role maximum',
      3601,
      3600,
      false,
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    ],
    [
      'a chained session above one hour, even within the role maximum',
      3601,
      43200,
      true,
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    ],
  ])('refuses %s', (_, requested, max, chained, message) => {
    const attempt = () => sessionSeconds(requested, max, chained)
    expect(attempt).toThrow(LanyardError)
    expect(attempt).toThrow(message)
  })
})

describe('packedPercent', () => {
  it.each([
    [0, 0],
    [1, 1],
    [1024, 50],
    [2048, 100],
  ])('%i characters take %i %%', (chars, percent) => {
    expect(packedPercent(chars)).toBe(percent)
  })

  it('refuses more than the budget, with AWS message', () => {
    expect(() => packedPercent(2049)).toThrow(
      'Packed policy consumes 101% of allotted space, please use smaller policy.',
    )
  })
})
