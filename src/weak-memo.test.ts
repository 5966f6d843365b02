import { describe, expect, it } from 'vitest'
import { weakMemo } from './weak-memo.js'

describe('weakMemo', () => {
  it('builds once per key object and hands out that value after', () => {
    const built: string[] = []
    const label = weakMemo((o: { name: string }, suffix: string) => {
      built.push(o.name)
      return { text: `${o.name}${suffix}` }
    })
    const a = { name: 'a' }
    const first = label(a, '!')
    expect(label(a, '?')).toBe(first)
    expect(first.text).toBe('a!')
    expect(label({ name: 'a' }, '?').text).toBe('a?')
    expect(built).toEqual(['a', 'a'])
  })
})
