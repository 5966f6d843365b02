import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import type { ConditionScalar } from '../types.js'
import { compileCondition, evaluateCondition } from './condition.js'
import { parseNumeric } from './numeric.js'

const OPS = 'reference_policies_elements_condition_operators: Numeric'

function run(
  op: string,
  values: ConditionScalar | ConditionScalar[],
  request: string | undefined,
): boolean {
  const c = compileCondition(op, 's3:max-keys', values, true)
  return evaluateCondition(c, createRequestContext({ 's3:max-keys': request }))
}

const cases: {
  op: string
  values: ConditionScalar | ConditionScalar[]
  request: string | undefined
  want: boolean
  doc: string
}[] = [
  { op: 'NumericEquals', values: '10', request: '10', want: true, doc: OPS },
  {
    op: 'NumericEquals',
    values: '10',
    request: '10.0',
    want: true,
    doc: `${OPS}: integer or decimal`,
  },
  {
    op: 'NumericEquals',
    values: 10,
    request: '10',
    want: true,
    doc: `${OPS}: JSON number in the policy`,
  },
  { op: 'NumericNotEquals', values: '10', request: '11', want: true, doc: OPS },
  {
    op: 'NumericNotEquals',
    values: ['10', '11'],
    request: '11',
    want: false,
    doc: 'multi-value-conditions: negated values AND-ed',
  },
  { op: 'NumericLessThan', values: '10', request: '9', want: true, doc: OPS },
  { op: 'NumericLessThan', values: '10', request: '10', want: false, doc: OPS },
  { op: 'NumericLessThanEquals', values: '10', request: '10', want: true, doc: OPS },
  { op: 'NumericGreaterThan', values: '10', request: '10.5', want: true, doc: OPS },
  { op: 'NumericGreaterThan', values: '10', request: '-11', want: false, doc: OPS },
  { op: 'NumericGreaterThanEquals', values: '-1.5', request: '-1.5', want: true, doc: OPS },
  {
    op: 'NumericLessThan',
    values: '10',
    request: 'ten',
    want: false,
    doc: 'IAM-20: non-numeric request value never matches',
  },
  {
    op: 'NumericNotEquals',
    values: '10',
    request: 'ten',
    want: false,
    doc: 'IAM-20: non-numeric never matches, negated or not',
  },
  {
    op: 'NumericEquals',
    values: 'ten',
    request: '10',
    want: false,
    doc: 'IAM-20: non-numeric policy value never matches',
  },
  {
    op: 'NumericNotEquals',
    values: ['ten', '5'],
    request: '10',
    want: false,
    doc: 'IAM-20: an unreadable policy value fails a negated operator closed',
  },
  {
    op: 'NumericEquals',
    values: ['ten', '10'],
    request: '10',
    want: true,
    doc: 'IAM-20: other values still match',
  },
  {
    op: 'NumericEquals',
    values: `\${aws:x}`,
    request: '10',
    want: false,
    doc: 'reference_policies_variables: no variables with Numeric',
  },
  {
    op: 'NumericEquals',
    values: '10',
    request: '0x0A',
    want: false,
    doc: 'IAM-20: hex is not a number',
  },
  {
    op: 'NumericLessThan',
    values: '10',
    request: undefined,
    want: false,
    doc: `${OPS}: absent key is false`,
  },
  {
    op: 'NumericNotEquals',
    values: '10',
    request: undefined,
    want: true,
    doc: 'IAM-08: negated operator on an absent key is true',
  },
]

describe('numeric operators', () => {
  it.each(cases)('$op $values vs $request -> $want ($doc)', (c) => {
    expect(run(c.op, c.values, c.request)).toBe(c.want)
  })

  it.each([
    ['1', 1],
    ['-2', -2],
    ['+3', 3],
    ['4.5', 4.5],
    ['.5', 0.5],
    ['5.', 5],
    ['', undefined],
    [' 1', undefined],
    ['1e3', undefined],
    ['Infinity', undefined],
    ['NaN', undefined],
    ['-', undefined],
    ['.', undefined],
  ])('parseNumeric(%j) = %j', (s, want) => {
    expect(parseNumeric(s)).toBe(want)
  })
})
