import { describe, expect, it } from 'vitest'
import {
  createRequestContext,
  deferredRequestContext,
  lookupContext,
  type MapRequestContext,
} from './context.js'

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

describe('deferredRequestContext', () => {
  it('builds its keys once, when one is first looked up, over its base', () => {
    const base = createRequestContext({ 'aws:PrincipalAccount': '123456789012' })
    let built = 0
    const ctx = deferredRequestContext(() => {
      built++
      return { 'AWS:SourceIp': '1.2.3.4', 'aws:TagKeys': ['a'], 'x:none': undefined }
    }, base)
    expect(built).toBe(0)
    expect(ctx.get('aws:sourceip')).toBe('1.2.3.4')
    expect(lookupContext(ctx, 'aws:tagkeys', 'aws:TagKeys')).toEqual(['a'])
    expect(ctx.get('aws:principalaccount')).toBe('123456789012')
    expect(ctx.get('x:none')).toBeUndefined()
    expect([...(ctx as MapRequestContext).keys()].sort()).toEqual([
      'aws:principalaccount',
      'aws:sourceip',
      'aws:tagkeys',
    ])
    expect(built).toBe(1)
  })

  it('refuses a base it cannot layer over', () => {
    expect(() => deferredRequestContext(() => ({}), { get: () => undefined })).toThrow(TypeError)
  })
})
