import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import type { ConditionScalar, RequestContext } from '../types.js'
import { compileCondition, evaluateCondition, traceCondition } from './condition.js'

const OPS = 'reference_policies_elements_condition_operators'
const MULTI = 'reference_policies_multi-value-conditions'

function run(
  op: string,
  values: ConditionScalar | ConditionScalar[],
  request: string | string[] | undefined,
): boolean {
  const c = compileCondition(op, 'svc:Key', values, true)
  return evaluateCondition(c, createRequestContext({ 'svc:key': request }))
}

describe('absent keys (IAM-08)', () => {
  const negated: [string, string][] = [
    ['StringNotEquals', 'a'],
    ['StringNotEqualsIgnoreCase', 'a'],
    ['StringNotLike', 'a*'],
    ['NumericNotEquals', '1'],
    ['DateNotEquals', '2020-01-01'],
    ['NotIpAddress', '10.0.0.0/8'],
    ['ArnNotEquals', 'arn:aws:s3:::b'],
    ['ArnNotLike', 'arn:aws:s3:::*'],
  ]
  it.each(negated)(`${OPS} "Important": negated %s on an absent key is true`, (op, value) => {
    expect(run(op, value, undefined)).toBe(true)
  })

  const positive: [string, string][] = [
    ['StringEquals', 'a'],
    ['StringEqualsIgnoreCase', 'a'],
    ['StringLike', '*'],
    ['NumericEquals', '1'],
    ['NumericLessThan', '1'],
    ['DateEquals', '2020-01-01'],
    ['Bool', 'false'],
    ['BinaryEquals', 'QQ=='],
    ['IpAddress', '0.0.0.0/0'],
    ['ArnEquals', 'arn:*'],
    ['ArnLike', 'arn:*'],
  ]
  it.each(positive)(`${OPS} "Important": %s on an absent key is false`, (op, value) => {
    expect(run(op, value, undefined)).toBe(false)
  })

  it.each([...positive, ...negated])(
    `${OPS} IfExists: %sIfExists on an absent key is true (IAM-09)`,
    (op, value) => {
      expect(run(`${op}IfExists`, value, undefined)).toBe(true)
    },
  )
})

describe('IfExists on a present key tests normally (IAM-09)', () => {
  it.each([
    ['StringEqualsIfExists', 'a', 'a', true],
    ['StringEqualsIfExists', 'a', 'b', false],
    ['StringNotEqualsIfExists', 'a', 'a', false],
    ['StringLikeIfExists', 't2.*', 't2.micro', true],
    ['StringLikeIfExists', 't2.*', 'm5.large', false],
  ])(`${OPS} …IfExists: %s %s vs %s -> %s`, (op, value, request, want) => {
    expect(run(op, value, request)).toBe(want)
  })
})

describe('set qualifiers (IAM-11)', () => {
  const cases: {
    op: string
    values: string[]
    request: string | string[] | undefined
    want: boolean
    doc: string
  }[] = [
    {
      op: 'ForAllValues:StringEquals',
      values: ['ID', 'Message', 'Tags'],
      request: ['Message', 'Tags'],
      want: true,
      doc: `${MULTI}: every request value matches some policy value`,
    },
    {
      op: 'ForAllValues:StringEquals',
      values: ['PostDateTime', 'Message', 'Tags'],
      request: ['PostDateTime', 'UserName'],
      want: false,
      doc: `${MULTI}: UserName is not listed`,
    },
    {
      op: 'ForAllValues:StringEquals',
      values: ['a'],
      request: undefined,
      want: true,
      doc: `${MULTI}: true when the key is absent`,
    },
    {
      op: 'ForAllValues:StringEquals',
      values: ['a'],
      request: [],
      want: true,
      doc: `${MULTI}: true for an empty set`,
    },
    {
      op: 'ForAnyValue:StringEquals',
      values: ['ID', 'PostDateTime'],
      request: ['UserName', 'Message', 'PostDateTime'],
      want: true,
      doc: `${MULTI}: one match is enough`,
    },
    {
      op: 'ForAnyValue:StringEquals',
      values: ['ID', 'PostDateTime'],
      request: ['UserName'],
      want: false,
      doc: `${MULTI}: no match`,
    },
    {
      op: 'ForAnyValue:StringEquals',
      values: ['a'],
      request: undefined,
      want: false,
      doc: `${MULTI}: false when the key is absent`,
    },
    {
      op: 'ForAnyValue:StringEquals',
      values: ['a'],
      request: [],
      want: false,
      doc: `${MULTI}: false for an empty set`,
    },
    {
      op: 'ForAnyValue:StringEquals',
      values: ['a'],
      request: 'a',
      want: true,
      doc: `${MULTI}: a single value is a one-element set`,
    },
    {
      op: 'ForAllValues:StringLike',
      values: ['team-*'],
      request: ['team-a', 'team-b'],
      want: true,
      doc: `${MULTI}: with wildcards`,
    },
    {
      op: 'ForAnyValue:StringNotEquals',
      values: ['a'],
      request: ['a', 'b'],
      want: true,
      doc: `${MULTI}: b is not a`,
    },
    {
      op: 'ForAllValues:StringNotEquals',
      values: ['a'],
      request: ['a', 'b'],
      want: false,
      doc: `${MULTI}: a is a`,
    },
    {
      op: 'ForAnyValue:StringNotEquals',
      values: ['a'],
      request: undefined,
      want: false,
      doc: `${MULTI}: the set rule decides absent keys, not negation`,
    },
    {
      op: 'ForAnyValue:StringEqualsIfExists',
      values: ['a'],
      request: undefined,
      want: true,
      doc: `${OPS}: IfExists makes an absent key true (UNCONFIRMED with ForAnyValue)`,
    },
    {
      op: 'ForAnyValue:IpAddress',
      values: ['10.0.0.0/8'],
      request: ['192.0.2.1', '10.1.2.3'],
      want: true,
      doc: `${MULTI}: other families too`,
    },
    {
      op: 'ForAllValues:NumericLessThan',
      values: ['10'],
      request: ['1', 'x'],
      want: false,
      doc: 'IAM-20: unreadable members fail',
    },
  ]
  it.each(cases)('$op $values vs $request -> $want ($doc)', (c) => {
    expect(run(c.op, c.values, c.request)).toBe(c.want)
  })
})

describe('multivalued key without a set operator', () => {
  it.each([
    ['StringEquals', 'a', ['a'], false],
    ['StringEquals', 'a', ['a', 'b'], false],
    ['StringNotEquals', 'a', ['b'], false],
    ['StringLikeIfExists', '*', ['b'], false],
  ])(
    `access-analyzer "Missing qualifier" (UNCONFIRMED, iam-simulate): %s %s vs %j -> %s`,
    (op, value, request, want) => {
      expect(run(op, value, request)).toBe(want)
    },
  )
})

describe('condition key names are case-insensitive (IAM-05)', () => {
  it('reference_policies_elements_condition: aws:SourceIP equals AWS:SourceIp', () => {
    const c = compileCondition('StringEquals', 'AWS:SourceIP', 'x', true)
    expect(evaluateCondition(c, createRequestContext({ 'aws:sourceip': 'x' }))).toBe(true)
    expect(evaluateCondition(c, createRequestContext({ 'Aws:SourceIp': 'x' }))).toBe(true)
  })

  it('works with a custom RequestContext that looks keys up itself', () => {
    const ctx: RequestContext = {
      get: (k) => (k.toLowerCase() === 'aws:sourceip' ? 'x' : undefined),
    }
    expect(
      evaluateCondition(compileCondition('StringEquals', 'AWS:SourceIP', 'x', true), ctx),
    ).toBe(true)
  })
})

describe('traceCondition', () => {
  it('records operator, key, values, what the request had and the result', () => {
    const c = compileCondition('ForAnyValue:StringLikeIfExists', 'svc:Key', ['a*', 'b'], true)
    expect(traceCondition(c, createRequestContext({ 'svc:key': ['x'] }))).toEqual({
      operator: 'ForAnyValue:StringLikeIfExists',
      baseOperator: 'StringLike',
      qualifier: 'ForAnyValue',
      ifExists: true,
      key: 'svc:Key',
      values: ['a*', 'b'],
      present: true,
      requestValue: ['x'],
      result: false,
    })
  })

  it('records an absent key and resolved variables', () => {
    const c = compileCondition(
      'StringEquals',
      'svc:Key',
      [`\${aws:username}`, `\${aws:userid}`],
      true,
    )
    expect(traceCondition(c, createRequestContext({ 'aws:username': 'bob' }))).toEqual({
      operator: 'StringEquals',
      baseOperator: 'StringEquals',
      ifExists: false,
      key: 'svc:Key',
      values: [`\${aws:username}`, `\${aws:userid}`],
      resolvedValues: ['bob', null],
      present: false,
      result: false,
    })
  })
})
