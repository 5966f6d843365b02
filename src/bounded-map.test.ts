import { describe, expect, it } from 'vitest'
import { remember, rememberedPerText } from './bounded-map.js'

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

describe('rememberedPerText', () => {
  it('computes a text once while it is kept, at most max texts, never one too long', () => {
    const calls: string[] = []
    const upper = rememberedPerText(
      (t: string) => {
        calls.push(t)
        return { t: t.toUpperCase() }
      },
      2,
      3,
    )
    const a = upper('a')
    expect(upper('a')).toBe(a)
    upper('b')
    upper('c') // 'a' is forgotten: two texts at most
    expect(upper('a')).not.toBe(a)
    expect(upper('long')).toEqual({ t: 'LONG' })
    upper('long')
    expect(calls).toEqual(['a', 'b', 'c', 'a', 'long', 'long'])
  })

  it('remembers nothing that threw', () => {
    let n = 0
    const failing = rememberedPerText(
      () => {
        n++
        throw new Error('bad')
      },
      8,
      8,
    )
    expect(() => failing('x')).toThrow('bad')
    expect(() => failing('x')).toThrow('bad')
    expect(n).toBe(2)
  })
})
