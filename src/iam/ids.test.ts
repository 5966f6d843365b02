import { describe, expect, it } from 'vitest'
import { newIamId } from './ids.js'

describe('newIamId', () => {
  it.each(['AROA', 'ANPA'] as const)('%s ids are 21 characters of upper-case base32', (prefix) => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const id = newIamId(prefix)
      expect(id).toMatch(new RegExp(`^${prefix}[A-Z2-7]{17}$`))
      seen.add(id)
    }
    expect(seen.size).toBe(200)
  })
})
