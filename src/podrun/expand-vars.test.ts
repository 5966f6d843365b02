import { describe, expect, it } from 'vitest'
import { expandVars } from './expand-vars.js'

const vars: Record<string, string> = { A: 'alpha', EMPTY: '' }
const lookup = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined)

// Cases from Kubernetes' expansion semantics (third_party/forked/golang/expansion/expand_test.go).
const cases: Array<[string, string, string]> = [
  ['a defined variable', '$(A)', 'alpha'],
  ['inside text', 'x-$(A)-y', 'x-alpha-y'],
  ['an undefined variable stays as written', '$(NOPE)', '$(NOPE)'],
  ['an empty variable', '[$(EMPTY)]', '[]'],
  ['an escaped operator', '$$(A)', '$(A)'],
  ['a double escape', '$$$$', '$$'],
  ['a lone $ at the end', 'cost$', 'cost$'],
  ['$ before another character', '$A $1', '$A $1'],
  ['an unclosed reference', '$(A', '$(A'],
  ['two references', '$(A)$(A)', 'alphaalpha'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, on purpose
  ['shell syntax is not Kubernetes syntax', '${A}', '${A}'],
]

describe('expandVars', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(expandVars(input, lookup)).toBe(expected)
  })
})
