import { describe, expect, it } from 'vitest'
import { createRequestContext } from '../context.js'
import type { ConditionScalar } from '../types.js'
import { compileCondition, evaluateCondition } from './condition.js'
import { equalsIgnoreCase } from './string.js'

const OPS = 'reference_policies_elements_condition_operators'
const VARS = 'reference_policies_variables'

function run(
  op: string,
  values: ConditionScalar | ConditionScalar[],
  request: string | string[] | undefined,
  extra: Record<string, string | string[]> = {},
  variables = true,
): boolean {
  const c = compileCondition(op, 'svc:Key', values, variables)
  return evaluateCondition(c, createRequestContext({ 'svc:key': request, ...extra }))
}

interface Case {
  op: string
  values: ConditionScalar | ConditionScalar[]
  request: string | string[] | undefined
  extra?: Record<string, string | string[]>
  variables?: boolean
  want: boolean
  doc: string
}

const cases: Case[] = [
  {
    op: 'StringEquals',
    values: 'johndoe',
    request: 'johndoe',
    want: true,
    doc: `${OPS}: exact matching`,
  },
  {
    op: 'StringEquals',
    values: 'johndoe',
    request: 'JohnDoe',
    want: false,
    doc: 'reference_policies_elements_condition: StringEquals is case-sensitive',
  },
  {
    op: 'StringEquals',
    values: 'a*',
    request: 'abc',
    want: false,
    doc: 'IAM-07: StringEquals treats * literally',
  },
  {
    op: 'StringEquals',
    values: 'a*',
    request: 'a*',
    want: true,
    doc: 'IAM-07: a literal * equals itself',
  },
  {
    op: 'StringEquals',
    values: ['x', 'y'],
    request: 'y',
    want: true,
    doc: 'reference_policies_multi-value-conditions: values OR-ed',
  },
  {
    op: 'StringEquals',
    values: 10,
    request: '10',
    want: true,
    doc: 'JSON numbers compare as their text',
  },
  {
    op: 'StringEquals',
    values: true,
    request: 'true',
    want: true,
    doc: 'JSON booleans compare as their text',
  },
  { op: 'StringNotEquals', values: 'a', request: 'b', want: true, doc: `${OPS}: negated matching` },
  {
    op: 'StringNotEquals',
    values: ['a', 'b'],
    request: 'b',
    want: false,
    doc: 'reference_policies_multi-value-conditions: negated values work like AND',
  },
  {
    op: 'StringEqualsIgnoreCase',
    values: 'johndoe',
    request: 'JohnDoe',
    want: true,
    doc: 'reference_policies_elements_condition: IgnoreCase',
  },
  {
    op: 'StringEqualsIgnoreCase',
    values: 'ÉCOLE',
    request: 'école',
    want: true,
    doc: `${OPS}: ignoring case beyond ASCII`,
  },
  {
    op: 'StringEqualsIgnoreCase',
    values: 'abc',
    request: 'abcd',
    want: false,
    doc: `${OPS}: exact length`,
  },
  {
    op: 'StringNotEqualsIgnoreCase',
    values: 'JohnDoe',
    request: 'johndoe',
    want: false,
    doc: `${OPS}: negated, ignoring case`,
  },
  {
    op: 'StringNotEqualsIgnoreCase',
    values: 'a',
    request: 'b',
    want: true,
    doc: `${OPS}: negated, ignoring case`,
  },
  {
    op: 'StringLike',
    values: 'janedoe/*',
    request: 'janedoe/x/y',
    want: true,
    doc: `${OPS}: * multi-character wildcard`,
  },
  {
    op: 'StringLike',
    values: 'mai?',
    request: 'main',
    want: true,
    doc: `${OPS}: ? single-character wildcard`,
  },
  {
    op: 'StringLike',
    values: 'Main*',
    request: 'main',
    want: false,
    doc: 'IAM-05: StringLike is case-sensitive',
  },
  {
    op: 'StringLike',
    values: 'repo:org/repo:*',
    request: 'repo:org/repo:ref:refs/heads/x',
    want: true,
    doc: 'IAM-16: * spans colons',
  },
  { op: 'StringLike', values: 'a.c', request: 'abc', want: false, doc: 'IAM-06: . is literal' },
  {
    op: 'StringLike',
    values: ['x', 'repo:org/*'],
    request: 'repo:org/other',
    want: true,
    doc: 'subvectors gh-aws-multivalue-loose-value-poisons-list',
  },
  { op: 'StringNotLike', values: 'a*', request: 'abc', want: false, doc: `${OPS}: negated like` },
  { op: 'StringNotLike', values: 'a*', request: 'bcd', want: true, doc: `${OPS}: negated like` },
  {
    op: 'StringEquals',
    values: `\${aws:username}`,
    request: 'bob',
    extra: { 'aws:username': 'bob' },
    want: true,
    doc: `${VARS}: variable substituted`,
  },
  {
    op: 'StringEquals',
    values: `\${AWS:UserName}`,
    request: 'bob',
    extra: { 'aws:username': 'bob' },
    want: true,
    doc: `${VARS}: variable key names are case-insensitive`,
  },
  {
    op: 'StringEquals',
    values: `\${aws:username}`,
    request: `\${aws:username}`,
    extra: { 'aws:username': 'bob' },
    variables: false,
    want: true,
    doc: 'IAM-14: no substitution under 2008-10-17',
  },
  {
    op: 'StringEquals',
    values: `\${aws:username}`,
    request: '',
    want: false,
    doc: 'IAM-13: unresolvable variable is not ""',
  },
  {
    op: 'StringNotEquals',
    values: `\${aws:PrincipalTag/Team}`,
    request: 'red',
    want: true,
    doc: 'IAM-13: negated operators match a variable with no value',
  },
  {
    op: 'StringEquals',
    values: `\${aws:PrincipalTag/team, 'company-wide'}`,
    request: 'company-wide',
    want: true,
    doc: `${VARS}: default value`,
  },
  {
    op: 'StringEquals',
    values: `\${aws:PrincipalTag/team, 'company-wide'}`,
    request: 'yellow',
    extra: { 'aws:principaltag/team': 'yellow' },
    want: true,
    doc: `${VARS}: default only when absent`,
  },
  {
    op: 'StringLike',
    values: `home/\${aws:username}/*`,
    request: 'home/bob/x',
    extra: { 'aws:username': 'bob' },
    want: true,
    doc: `${OPS}: StringLike with a variable`,
  },
  {
    op: 'StringLike',
    values: `home/\${aws:username}/x`,
    request: 'home/anything/x',
    extra: { 'aws:username': '*' },
    want: false,
    doc: `${VARS}: a substituted * is literal (UNCONFIRMED)`,
  },
  {
    op: 'StringLike',
    values: `a\${*}b`,
    request: 'a*b',
    want: true,
    doc: `${VARS}: \${*} is a literal asterisk`,
  },
  {
    op: 'StringLike',
    values: `a\${*}b`,
    request: 'axxb',
    want: false,
    doc: `${VARS}: \${*} is not a wildcard`,
  },
  {
    op: 'StringLike',
    values: `a\${?}`,
    request: 'a?',
    want: true,
    doc: `${VARS}: \${?} is a literal question mark`,
  },
  {
    op: 'StringEquals',
    values: `\${$}x`,
    request: '$x',
    want: true,
    doc: `${VARS}: \${$} is a literal dollar`,
  },
  {
    op: 'StringEquals',
    values: `\${aws:TagKeys}`,
    request: 'a',
    extra: { 'aws:tagkeys': ['a'] },
    want: false,
    doc: 'IAM-15: a multivalued key is not a variable',
  },
  {
    op: 'StringEquals',
    values: `\${aws:username`,
    request: `\${aws:username`,
    want: true,
    doc: `${VARS}: malformed variable stays literal`,
  },
]

describe('string operators', () => {
  it.each(cases)('$op $values vs $request -> $want ($doc)', (c) => {
    expect(run(c.op, c.values, c.request, c.extra, c.variables)).toBe(c.want)
  })
})

describe('equalsIgnoreCase', () => {
  it.each([
    ['ABC', 'abc', true],
    ['abc', 'abc', true],
    ['abd', 'abc', false],
    ['ab', 'abc', false],
    ['Ä', 'ä', true],
    ['İ', 'i̇', true],
    ['K', 'k', true],
  ])('%s vs %s -> %s', (v, lower, want) => {
    expect(equalsIgnoreCase(v, lower)).toBe(want)
  })
})
