import { describe, expect, it } from 'vitest'
import { createPolicyCache } from './policy-cache.js'

const doc = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  })

describe('policy cache', () => {
  it('compiles a document once per kind and label', () => {
    const cache = createPolicyCache()
    const text = doc('s3:GetObject')
    const a = cache.get(text, 'identity', 'identity:inline:p')
    expect(cache.get(`${text}`, 'identity', 'identity:inline:p')).toBe(a)
    expect(cache.get(text.slice(0), 'identity', 'identity:inline:p')).toBe(a)
    const other = cache.get(text, 'identity', 'identity:inline:q')
    expect(other).not.toBe(a)
    expect(other.label).toBe('identity:inline:q')
    expect(cache.get(text, 'session', 'session:inline')).not.toBe(a)
  })

  it('stays within its bound', () => {
    const cache = createPolicyCache(3)
    const first = cache.get(doc('a:A'), 'identity', 'l')
    cache.get(doc('a:B'), 'identity', 'l')
    cache.get(doc('a:C'), 'identity', 'l')
    expect(cache.get(doc('a:A'), 'identity', 'l')).toBe(first)
    cache.get(doc('a:D'), 'identity', 'l') // the fourth document: the cache starts over
    expect(cache.get(doc('a:A'), 'identity', 'l')).not.toBe(first)
  })
})
