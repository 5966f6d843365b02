import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import type { ConditionScalar } from '../types.js'
import { compileCondition, evaluateCondition } from './condition.js'

const OPS = 'reference_policies_elements_condition_operators: Boolean'

function run(
  values: ConditionScalar | ConditionScalar[],
  request: string | undefined,
  op = 'Bool',
): boolean {
  const c = compileCondition(op, 'aws:SecureTransport', values, true)
  return evaluateCondition(
    c,
    createRequestContext({ 'aws:securetransport': request, 'aws:x': 'true' }),
  )
}

const cases: {
  op?: string
  values: ConditionScalar | ConditionScalar[]
  request: string | undefined
  want: boolean
  doc: string
}[] = [
  { values: 'true', request: 'true', want: true, doc: OPS },
  { values: 'false', request: 'true', want: false, doc: OPS },
  { values: false, request: 'false', want: true, doc: `${OPS}: JSON boolean in the policy` },
  { values: 'true', request: 'TRUE', want: true, doc: 'IAM-20: Bool compares case-insensitively' },
  { values: 'TRUE', request: 'true', want: true, doc: 'IAM-20: Bool compares case-insensitively' },
  {
    values: 'true',
    request: 'yes',
    want: false,
    doc: 'IAM-20: non-boolean request value never matches',
  },
  {
    values: 'yes',
    request: 'true',
    want: false,
    doc: 'IAM-20: non-boolean policy value never matches',
  },
  {
    values: ['true', 'false'],
    request: 'false',
    want: true,
    doc: 'multi-value-conditions: values OR-ed',
  },
  { values: 'true', request: undefined, want: false, doc: `${OPS}: absent key is false` },
  { op: 'BoolIfExists', values: 'true', request: undefined, want: true, doc: 'IAM-09: IfExists' },
  {
    values: `\${aws:x}`,
    request: 'true',
    want: false,
    doc: 'reference_policies_variables: no variables with Boolean (UNCONFIRMED)',
  },
]

describe('Bool', () => {
  it.each(cases)('$values vs $request -> $want ($doc)', (c) => {
    expect(run(c.values, c.request, c.op)).toBe(c.want)
  })
})
