import { describe, expect, it } from 'vitest'
import { createRequestContext } from './context.js'
import { parseTemplate, resolveTemplate } from './variables.js'

const VARS = 'reference_policies_variables'

describe('parseTemplate', () => {
  it('returns undefined for text without variables', () => {
    expect(parseTemplate('arn:aws:s3:::bucket/*')).toBeUndefined()
    expect(parseTemplate('$ and { and }')).toBeUndefined()
  })

  it(`${VARS}: reads variables, defaults and special characters`, () => {
    expect(
      parseTemplate(`home/\${aws:username}/\${aws:PrincipalTag/team, 'company-wide'}\${*}`),
    ).toEqual({
      source: `home/\${aws:username}/\${aws:PrincipalTag/team, 'company-wide'}\${*}`,
      parts: [
        { kind: 'text', text: 'home/' },
        { kind: 'var', ref: { key: 'aws:username', lowerKey: 'aws:username' } },
        { kind: 'text', text: '/' },
        {
          kind: 'var',
          ref: {
            key: 'aws:PrincipalTag/team',
            lowerKey: 'aws:principaltag/team',
            defaultValue: 'company-wide',
          },
        },
        { kind: 'char', char: '*' },
      ],
    })
  })

  it.each([`\${}`, `\${aws:user name}`, `\${aws:username`, `\${a, b}`, `\${a,'b'}`])(
    'access-analyzer variable syntax errors stay literal: %s',
    (s) => {
      expect(parseTemplate(s)).toBeUndefined()
    },
  )

  it('keeps a malformed reference literal next to a valid one', () => {
    const t = parseTemplate(`\${} \${aws:username}`)
    expect(t?.parts).toEqual([
      { kind: 'text', text: `\${} ` },
      { kind: 'var', ref: { key: 'aws:username', lowerKey: 'aws:username' } },
    ])
  })
})

describe('resolveTemplate', () => {
  const ctx = createRequestContext({
    'aws:username': 'b*b',
    'aws:tagkeys': ['a', 'b'],
    'aws:empty': '',
  })

  it(`${VARS}: substitutes and masks substituted characters as literal`, () => {
    const t = parseTemplate(`x\${aws:username}\${?}*`)
    expect(t).toBeDefined()
    if (t === undefined) return
    const r = resolveTemplate(t, ctx, true)
    expect(r?.text).toBe('xb*b?*')
    expect(Array.from(r?.mask ?? [])).toEqual([0, 1, 1, 1, 1, 0])
  })

  it(`${VARS}: no value -> null (IAM-13)`, () => {
    const t = parseTemplate(`\${aws:userid}`)
    if (t === undefined) throw new Error('no template')
    expect(resolveTemplate(t, ctx, false)).toBeNull()
  })

  it(`${VARS}: multivalued keys cannot be variables (IAM-15)`, () => {
    const t = parseTemplate(`\${aws:TagKeys}`)
    if (t === undefined) throw new Error('no template')
    expect(resolveTemplate(t, ctx, false)).toBeNull()
  })

  it('an empty string is a value', () => {
    const t = parseTemplate(`[\${aws:empty}]`)
    if (t === undefined) throw new Error('no template')
    expect(resolveTemplate(t, ctx, false)?.text).toBe('[]')
  })
})
