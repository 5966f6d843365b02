import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileWildcard, hasWildcard, matchWildcard, testWildcard } from './wildcard.js'

const OPS = 'reference_policies_elements_condition_operators'

describe('matchWildcard', () => {
  const cases: { pattern: string; text: string; match: boolean; doc: string }[] = [
    { pattern: '*', text: '', match: true, doc: `${OPS}: * matches any run including none` },
    { pattern: '*', text: 'a/b:c', match: true, doc: `${OPS}: * spans / and :` },
    { pattern: 'a*', text: 'a', match: true, doc: `${OPS}: * may match zero characters` },
    { pattern: 'a?c', text: 'abc', match: true, doc: `${OPS}: ? matches one character` },
    { pattern: 'a?c', text: 'ac', match: false, doc: `${OPS}: ? is exactly one, not zero-or-one` },
    { pattern: 'a?c', text: 'abbc', match: false, doc: `${OPS}: ? is exactly one` },
    { pattern: 'a.c', text: 'abc', match: false, doc: 'IAM-06: . is literal, not a regex' },
    { pattern: 'a+', text: 'aa', match: false, doc: 'IAM-06: + is literal' },
    { pattern: '(a)', text: '(a)', match: true, doc: 'IAM-06: parentheses are literal' },
    { pattern: '[ab]', text: 'a', match: false, doc: 'IAM-06: brackets are literal' },
    { pattern: '^a$', text: '^a$', match: true, doc: 'IAM-06: anchors are literal' },
    { pattern: 'a\\*', text: 'a\\xyz', match: true, doc: 'IAM-06: backslash is no escape' },
    { pattern: '*b*', text: 'aaabaaa', match: true, doc: `${OPS}: several * per value` },
    { pattern: '*a*b', text: 'xaxbxb', match: true, doc: 'backtracking past a partial match' },
    { pattern: 'Main', text: 'main', match: false, doc: `${OPS}: StringLike is case-sensitive` },
    { pattern: '?', text: '😀', match: true, doc: '? matches one character, astral included' },
    { pattern: 'a\nb', text: 'a\nb', match: true, doc: 'newlines are ordinary characters' },
    { pattern: '*', text: '\n', match: true, doc: '* spans newlines' },
  ]
  it.each(cases)('$pattern vs $text -> $match ($doc)', ({ pattern, text, match }) => {
    expect(matchWildcard(pattern, text)).toBe(match)
    expect(testWildcard(compileWildcard(pattern), text, 0, text.length)).toBe(match)
  })

  it('honours the literal mask for characters that came from special variables', () => {
    // reference_policies_variables, Special characters: ${*} is a literal asterisk
    const mask = new Uint8Array([0, 1, 0])
    expect(matchWildcard('a*b', 'a*b', mask)).toBe(true)
    expect(matchWildcard('a*b', 'axxb', mask)).toBe(false)
  })

  it('hasWildcard finds * and ?', () => {
    expect(hasWildcard('abc')).toBe(false)
    expect(hasWildcard('a?c')).toBe(true)
    expect(hasWildcard('a*')).toBe(true)
  })

  it('compileWildcard picks the fast shapes', () => {
    expect(compileWildcard('*').mode).toBe(0)
    expect(compileWildcard('abc').mode).toBe(1)
    expect(compileWildcard('ab*').mode).toBe(2)
    expect(compileWildcard('a*b').mode).toBe(3)
    expect(compileWildcard('a?*').mode).toBe(3)
  })

  it('tests a sub-range of the text', () => {
    expect(testWildcard(compileWildcard('b*'), 'abcd', 1, 3)).toBe(true)
    expect(testWildcard(compileWildcard('bc'), 'abcd', 1, 3)).toBe(true)
    expect(testWildcard(compileWildcard('bcd'), 'abcd', 1, 3)).toBe(false)
    expect(testWildcard(compileWildcard('b?d'), 'abcd', 1, 3)).toBe(false)
  })
})

/** Reference: a regex built with every non-wildcard character escaped. */
function reference(pattern: string, text: string): boolean {
  let src = ''
  for (const ch of pattern) {
    if (ch === '*') src += '.*'
    else if (ch === '?') src += '.'
    else src += ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
  }
  return new RegExp(`^${src}$`, 'su').test(text)
}

describe('matchWildcard property', () => {
  const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '/', ':', '\\', '(', '😀')
  const textAlphabet = fc.constantFrom('a', 'b', '*', '?', '.', '/', ':', '\\', '(', '😀')
  it('agrees with an escaped-regex reference on random patterns', () => {
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')),
        fc.array(textAlphabet, { maxLength: 12 }).map((a) => a.join('')),
        (pattern, text) => {
          expect(matchWildcard(pattern, text)).toBe(reference(pattern, text))
          expect(testWildcard(compileWildcard(pattern), text, 0, text.length)).toBe(
            reference(pattern, text),
          )
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('a pattern without wildcards matches only itself', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(!hasWildcard(a))
        expect(matchWildcard(a, b)).toBe(a === b)
      }),
    )
  })
})
