import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import { decodeBase64 } from './binary.js'
import { compileCondition, evaluateCondition } from './condition.js'

const OPS = 'reference_policies_elements_condition_operators: Binary'

function run(values: string | string[], request: string | undefined, op = 'BinaryEquals'): boolean {
  const c = compileCondition(op, 'svc:bin', values, true)
  return evaluateCondition(c, createRequestContext({ 'svc:bin': request }))
}

const cases: {
  op?: string
  values: string | string[]
  request: string | undefined
  want: boolean
  doc: string
}[] = [
  {
    values: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==',
    request: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==',
    want: true,
    doc: OPS,
  },
  { values: 'QmluYXJ5', request: 'QmluYXJz', want: false, doc: `${OPS}: byte for byte` },
  {
    values: ['AAAA', 'QmluYXJ5'],
    request: 'QmluYXJ5',
    want: true,
    doc: 'multi-value-conditions: values OR-ed',
  },
  {
    values: 'QmluYXJ5',
    request: 'Binary',
    want: false,
    doc: 'IAM-20: request value that is not base64 never matches',
  },
  {
    values: 'not base64!',
    request: 'QmluYXJ5',
    want: false,
    doc: 'IAM-20: policy value that is not base64 never matches',
  },
  { values: 'QmluYXJ5', request: undefined, want: false, doc: `${OPS}: absent key is false` },
  { op: 'BinaryEqualsIfExists', values: 'QmluYXJ5', request: undefined, want: true, doc: 'IAM-09' },
]

describe('BinaryEquals', () => {
  it.each(cases)('$values vs $request -> $want ($doc)', (c) => {
    expect(run(c.values, c.request, c.op)).toBe(c.want)
  })

  it.each([
    ['', ''],
    ['QQ==', 'A'],
    ['QUI=', 'AB'],
    ['QUJD', 'ABC'],
  ])('decodes %j', (s, text) => {
    expect(decodeBase64(s)?.toString('latin1')).toBe(text)
  })

  it.each(['Q', 'QQ', 'QQ=', 'Q===', 'QU I=', 'QUJD\n', '-_8='])('rejects %j', (s) => {
    expect(decodeBase64(s)).toBeUndefined()
  })
})
