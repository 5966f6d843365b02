import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import type { ConditionScalar } from '../types.js'
import { compileCondition, evaluateCondition } from './condition.js'
import { parseDate } from './date.js'

const OPS = 'reference_policies_elements_condition_operators: Date'

function run(
  op: string,
  values: ConditionScalar | ConditionScalar[],
  request: string | undefined,
): boolean {
  const c = compileCondition(op, 'aws:CurrentTime', values, true)
  return evaluateCondition(c, createRequestContext({ 'aws:currenttime': request }))
}

const cases: {
  op: string
  values: ConditionScalar | ConditionScalar[]
  request: string | undefined
  want: boolean
  doc: string
}[] = [
  {
    op: 'DateGreaterThan',
    values: '2020-01-01T00:00:01Z',
    request: '2020-06-30T00:00:00Z',
    want: true,
    doc: OPS,
  },
  {
    op: 'DateGreaterThan',
    values: '2020-01-01T00:00:01Z',
    request: '2020-01-01T00:00:01Z',
    want: false,
    doc: OPS,
  },
  {
    op: 'DateGreaterThanEquals',
    values: '2020-01-01T00:00:01Z',
    request: '2020-01-01T00:00:01Z',
    want: true,
    doc: OPS,
  },
  {
    op: 'DateLessThan',
    values: '2020-01-01',
    request: '2019-12-31T23:59:59Z',
    want: true,
    doc: `${OPS}: W3C date-only`,
  },
  {
    op: 'DateLessThanEquals',
    values: '2020-01',
    request: '2020-01-01T00:00:00Z',
    want: true,
    doc: `${OPS}: W3C year-month`,
  },
  {
    op: 'DateEquals',
    values: '2020-01-01T02:00:00+02:00',
    request: '2020-01-01T00:00:00Z',
    want: true,
    doc: `${OPS}: time zone offsets`,
  },
  {
    op: 'DateEquals',
    values: '1577836800',
    request: '2020-01-01T00:00:00Z',
    want: true,
    doc: `${OPS}: epoch (UNIX) time`,
  },
  {
    op: 'DateEquals',
    values: 1577836800,
    request: '2020-01-01T00:00:00.000Z',
    want: true,
    doc: `${OPS}: epoch as a JSON number`,
  },
  { op: 'DateNotEquals', values: '2020-01-01', request: '2020-01-02', want: true, doc: OPS },
  {
    op: 'DateNotEquals',
    values: ['2020-01-01', '2020-01-02'],
    request: '2020-01-02',
    want: false,
    doc: 'multi-value-conditions: DateNotEquals values AND-ed',
  },
  {
    op: 'DateLessThan',
    values: '2020-01-01',
    request: 'yesterday',
    want: false,
    doc: 'IAM-20: unreadable date never matches',
  },
  {
    op: 'DateNotEquals',
    values: '2020-01-01',
    request: '2020-13-01',
    want: false,
    doc: 'IAM-20: invalid month never matches',
  },
  {
    op: 'DateLessThan',
    values: '2020-01-*',
    request: '2019-01-01',
    want: false,
    doc: `${OPS}: "Wildcards are not permitted"`,
  },
  {
    op: 'DateGreaterThan',
    values: '2020-01-01',
    request: undefined,
    want: false,
    doc: `${OPS}: absent key is false`,
  },
  {
    op: 'DateGreaterThanIfExists',
    values: '2020-01-01',
    request: undefined,
    want: true,
    doc: 'IAM-09: IfExists on absent key is true',
  },
]

describe('date operators', () => {
  it.each(cases)('$op $values vs $request -> $want ($doc)', (c) => {
    expect(run(c.op, c.values, c.request)).toBe(c.want)
  })

  it.each([
    ['2020-01-01T00:00:00Z', Date.UTC(2020, 0, 1)],
    ['2020-01-01t00:00:00z', Date.UTC(2020, 0, 1)],
    ['2020-02-29T12:30Z', Date.UTC(2020, 1, 29, 12, 30)],
    ['2020-01-01T00:00:00.5Z', Date.UTC(2020, 0, 1, 0, 0, 0, 500)],
    ['2020-01-01T00:00:00.123456Z', Date.UTC(2020, 0, 1, 0, 0, 0, 123)],
    ['2020-01-01T05:30:00+05:30', Date.UTC(2020, 0, 1)],
    ['2020-01-01T00:00:00-01:00', Date.UTC(2020, 0, 1, 1)],
    ['2020-01-01T00:00:00', Date.UTC(2020, 0, 1)],
    ['0050-01-01', -60589296000000],
    ['1700000000', 1700000000000],
    ['1700000000.5', 1700000000500],
    ['-1', -1000],
    ['2021-02-29', undefined],
    ['2020-01-01T24:00:00Z', undefined],
    ['2020-01-01T00:00:00+0100', undefined],
    ['2020-01-01 00:00:00Z', undefined],
    ['2020-1-1', undefined],
    ['', undefined],
    ['abc', undefined],
  ])('parseDate(%j) = %j', (s, want) => {
    expect(parseDate(s)).toBe(want)
  })
})
