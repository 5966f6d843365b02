import { describe, expect, it } from 'vitest'
import { createRequestContext, lookupContext, type MapRequestContext } from './context.js'

describe('createRequestContext', () => {
  it('looks keys up case-insensitively (reference_policies_elements_condition)', () => {
    const ctx = createRequestContext({ 'AWS:SourceIp': '1.2.3.4', 'aws:TagKeys': ['a'] })
    expect(ctx.get('aws:sourceip')).toBe('1.2.3.4')
    expect(ctx.get('AWS:SOURCEIP')).toBe('1.2.3.4')
    expect(ctx.get('aws:tagkeys')).toEqual(['a'])
    expect(ctx.get('aws:username')).toBeUndefined()
  })

  it('leaves undefined entries out and copies lists', () => {
    const list = ['a']
    const ctx = createRequestContext({ 'a:b': undefined, 'c:d': list })
    expect(ctx.get('a:b')).toBeUndefined()
    list.push('b')
    expect(ctx.get('c:d')).toEqual(['a'])
    expect([...(ctx as MapRequestContext).keys()]).toEqual(['c:d'])
  })

  it('lookupContext uses the lower-cased key on the fast path', () => {
    const ctx = createRequestContext({ 'X:Y': 'v' })
    expect(lookupContext(ctx, 'x:y', 'X:Y')).toBe('v')
    expect(lookupContext({ get: (k) => (k === 'X:Y' ? 'w' : undefined) }, 'x:y', 'X:Y')).toBe('w')
  })
})
