import { describe, expect, it } from 'vitest'
import { BASE_OPERATORS, parseOperator } from './operator.js'

describe('parseOperator', () => {
  it.each(BASE_OPERATORS.map((b) => b.name))('knows %s and its IfExists form', (name) => {
    const plain = parseOperator(name)
    expect(plain.ok && plain.operator.base.name).toBe(name)
    const ifExists = parseOperator(`${name}IfExists`)
    if (name === 'Null') {
      expect(ifExists).toEqual({ ok: false, reason: 'null_if_exists' })
    } else {
      expect(ifExists.ok && ifExists.operator.ifExists).toBe(true)
    }
  })

  it('reads set qualifiers', () => {
    const r = parseOperator('ForAllValues:StringLikeIfExists')
    expect(r.ok && r.operator.qualifier).toBe('ForAllValues')
    expect(r.ok && r.operator.ifExists).toBe(true)
    expect(r.ok && r.operator.base.name).toBe('StringLike')
    const any = parseOperator('ForAnyValue:ArnLike')
    expect(any.ok && any.operator.qualifier).toBe('ForAnyValue')
  })

  it('accepts other spellings of the case (UNCONFIRMED)', () => {
    const r = parseOperator('stringequals')
    expect(r.ok && r.operator.base.name).toBe('StringEquals')
    expect(r.ok && r.operator.name).toBe('stringequals')
  })

  it.each([
    'StringLikee',
    'IfExists',
    'ForSomeValues:StringEquals',
    'ForAllValues:',
    'StringEqualsIfExistsIfExists',
    '',
  ])('rejects %j (IAM-21)', (name) => {
    expect(parseOperator(name)).toEqual({ ok: false, reason: 'unknown' })
  })

  it('marks negated operators', () => {
    const negated = BASE_OPERATORS.filter((b) => b.negated).map((b) => b.name)
    expect(negated.sort()).toEqual(
      [
        'ArnNotEquals',
        'ArnNotLike',
        'DateNotEquals',
        'NotIpAddress',
        'NumericNotEquals',
        'StringNotEquals',
        'StringNotEqualsIgnoreCase',
        'StringNotLike',
      ].sort(),
    )
  })
})
