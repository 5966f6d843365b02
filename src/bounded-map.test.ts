import { describe, expect, it } from 'vitest'
import { remember } from './bounded-map.js'

describe('remember', () => {
  it('keeps at most max entries, forgetting the oldest, and returns the value', () => {
    const map = new Map<string, number>()
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) expect(remember(map, key, i, 3)).toBe(i)
    expect([...map.keys()]).toEqual(['b', 'c', 'd'])
  })

  it('makes a key set again the newest, so it outlives those set after it', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ])
    remember(map, 'a', 10, 3)
    remember(map, 'd', 4, 3)
    expect([...map]).toEqual([
      ['c', 3],
      ['a', 10],
      ['d', 4],
    ])
  })
})
