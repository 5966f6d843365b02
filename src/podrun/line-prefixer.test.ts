import { describe, expect, it } from 'vitest'
import { createLinePrefixer } from './line-prefixer.js'

describe('createLinePrefixer', () => {
  const cases: Array<[string, string, string[], string]> = [
    ['whole lines', '[c] ', ['a\nb\n'], '[c] a\n[c] b\n'],
    ['a line split over chunks', '[c] ', ['he', 'llo\nwor', 'ld\n'], '[c] hello\n[c] world\n'],
    ['a last line without newline is ended', '[c] ', ['x\ny'], '[c] x\n[c] y\n'],
    ['an empty line', '[c] ', ['\n'], '[c] \n'],
    ['no prefix passes text through unchanged', '', ['{"a":', '1}'], '{"a":1}'],
  ]
  it.each(cases)('%s', (_name, prefix, chunks, expected) => {
    let out = ''
    const p = createLinePrefixer(prefix, (t) => {
      out += t
    })
    for (const c of chunks) p.push(c)
    p.end()
    expect(out).toBe(expected)
  })
})
