import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import { compileCondition, evaluateCondition } from './condition.js'

const OPS = 'reference_policies_elements_condition_operators: ARN'

function run(
  op: string,
  values: string | string[],
  request: string | undefined,
  extra: Record<string, string> = {},
): boolean {
  const c = compileCondition(op, 'aws:SourceArn', values, true)
  return evaluateCondition(c, createRequestContext({ 'aws:sourcearn': request, ...extra }))
}

const topic = 'arn:aws:sns:us-east-2:123456789012:TOPIC-ID'
const cases: {
  op: string
  values: string | string[]
  request: string | undefined
  extra?: Record<string, string>
  want: boolean
  doc: string
}[] = [
  { op: 'ArnEquals', values: topic, request: topic, want: true, doc: OPS },
  {
    op: 'ArnEquals',
    values: 'arn:aws:sns:*:123456789012:*',
    request: topic,
    want: true,
    doc: `${OPS}: ArnEquals and ArnLike behave identically`,
  },
  { op: 'ArnLike', values: 'arn:aws:sns:*:123456789012:*', request: topic, want: true, doc: OPS },
  {
    op: 'ArnLike',
    values: 'arn:aws:sns:us-east-?:123456789012:TOPIC-ID',
    request: topic,
    want: true,
    doc: `${OPS}: ? wildcard`,
  },
  {
    op: 'ArnLike',
    values: topic.toLowerCase(),
    request: topic,
    want: false,
    doc: `${OPS}: case-sensitive`,
  },
  {
    op: 'ArnLike',
    values: 'arn:aws:someservice:*:111122223333:finance/*',
    request:
      'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt',
    want: false,
    doc: `${OPS}: components are checked separately`,
  },
  {
    op: 'StringLike',
    values: 'arn:aws:someservice:*:111122223333:finance/*',
    request:
      'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt',
    want: true,
    doc: `${OPS}: the same pattern matches with StringLike`,
  },
  {
    op: 'ArnNotEquals',
    values: topic,
    request: 'arn:aws:sns:us-east-2:123456789012:OTHER',
    want: true,
    doc: OPS,
  },
  { op: 'ArnNotLike', values: 'arn:aws:sns:*:*:*', request: topic, want: false, doc: OPS },
  {
    op: 'ArnNotLike',
    values: 'arn:aws:sns:*:*:*',
    request: undefined,
    want: true,
    doc: 'IAM-08: ArnNotLike on an absent key is true',
  },
  {
    op: 'ArnLike',
    values: 'arn:aws:sns:*:*:*',
    request: 'not-an-arn',
    want: false,
    doc: 'IAM-20: a request value that is not an ARN never matches',
  },
  {
    op: 'ArnNotLike',
    values: 'arn:aws:sns:*:*:*',
    request: 'not:an:arn',
    want: false,
    doc: 'IAM-20: never matches, negated or not',
  },
  {
    op: 'ArnLike',
    values: `arn:aws:iam::123456789012:user/\${aws:username}`,
    request: 'arn:aws:iam::123456789012:user/bob',
    extra: { 'aws:username': 'bob' },
    want: true,
    doc: 'reference_policies_variables: variables with ARN operators',
  },
  {
    op: 'ArnLike',
    values: `arn:aws:iam::123456789012:user/\${aws:username}`,
    request: 'arn:aws:iam::123456789012:user/bob',
    want: false,
    doc: 'IAM-13: unresolvable variable matches nothing',
  },
  {
    op: 'ArnEquals',
    values: `\${aws:PrincipalArn}`,
    request: 'arn:aws:iam::123456789012:role/r',
    extra: { 'aws:principalarn': 'arn:aws:iam::123456789012:role/r' },
    want: true,
    doc: 'reference_policies_variables: a whole ARN from a variable',
  },
]

describe('ARN operators', () => {
  it.each(cases)('$op $values vs $request -> $want ($doc)', (c) => {
    expect(run(c.op, c.values, c.request, c.extra)).toBe(c.want)
  })
})
