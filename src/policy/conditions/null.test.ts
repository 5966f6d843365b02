import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import type { ConditionScalar } from '../types.js'
import { compileCondition, evaluateCondition } from './condition.js'

const OPS = 'reference_policies_elements_condition_operators: Null'

function run(
  op: string,
  values: ConditionScalar | ConditionScalar[],
  request: string | string[] | undefined,
): boolean {
  const c = compileCondition(op, 'aws:TokenIssueTime', values, true)
  return evaluateCondition(c, createRequestContext({ 'aws:tokenissuetime': request }))
}

const cases: {
  op?: string
  values: ConditionScalar | ConditionScalar[]
  request: string | string[] | undefined
  want: boolean
  doc: string
}[] = [
  { values: 'true', request: undefined, want: true, doc: 'IAM-10: "true" means the key is absent' },
  { values: 'true', request: '2020-01-01T00:00:00Z', want: false, doc: 'IAM-10' },
  {
    values: 'false',
    request: '2020-01-01T00:00:00Z',
    want: true,
    doc: 'IAM-10: "false" means the key is present',
  },
  { values: 'false', request: undefined, want: false, doc: 'IAM-10' },
  { values: true, request: undefined, want: true, doc: `${OPS}: JSON boolean` },
  { values: 'TRUE', request: undefined, want: true, doc: `${OPS}: read case-insensitively` },
  { values: 'maybe', request: undefined, want: false, doc: 'IAM-20: other values never match' },
  {
    values: 'false',
    request: '',
    want: true,
    doc: `${OPS}: an empty string is a value (UNCONFIRMED)`,
  },
  {
    values: 'true',
    request: [],
    want: true,
    doc: 'multi-value-conditions: an empty list is a null data set',
  },
  { values: 'false', request: ['a', 'b'], want: true, doc: `${OPS}: multivalued key present` },
  {
    op: 'ForAnyValue:Null',
    values: 'true',
    request: undefined,
    want: true,
    doc: `${OPS}: set qualifiers are ignored`,
  },
]

describe('Null', () => {
  it.each(cases)('Null $values with $request -> $want ($doc)', (c) => {
    expect(run(c.op ?? 'Null', c.values, c.request)).toBe(c.want)
  })
})
