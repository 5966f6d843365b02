import { describe, expect, it } from 'vitest'
import { pageList } from './paging.js'

const items = Array.from({ length: 5 }, (_, i) => i)

describe('pageList', () => {
  it('walks every item once, in order', () => {
    const seen: number[] = []
    let marker: string | undefined
    do {
      const page = pageList(items, { maxItems: 2, marker })
      expect(page.isTruncated).toBe(page.marker !== undefined)
      seen.push(...page.items)
      marker = page.marker
    } while (marker !== undefined)
    expect(seen).toEqual(items)
  })

  it('defaults to 100 items', () => {
    const many = Array.from({ length: 150 }, (_, i) => i)
    expect(pageList(many, undefined).items).toHaveLength(100)
  })

  it.each([
    { name: 'garbage marker', page: { marker: 'garbage' }, code: 'request.invalid' },
    {
      name: 'marker with a zero offset',
      page: { marker: Buffer.from('o0').toString('base64url') },
      code: 'request.invalid',
    },
    { name: 'MaxItems 0', page: { maxItems: 0 }, code: 'request.validation' },
    { name: 'MaxItems 1001', page: { maxItems: 1001 }, code: 'request.validation' },
    {
      name: 'marker longer than 320',
      page: { marker: 'a'.repeat(321) },
      code: 'request.validation',
    },
  ])('refuses $name', ({ page, code }) => {
    expect(() => pageList(items, page)).toThrow(expect.objectContaining({ code }))
  })
})
