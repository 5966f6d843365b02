import { describe, expect, it } from 'vitest'
import { classifySubject, type SubjectScope } from './subject.js'

// IAM-16 (security catalog): StringLike `*` spans `:` and `/`, so a pattern admits every name
// in the position of its wildcard. EKS subjects: system:serviceaccount:<namespace>:<name>;
// GitHub: repo:<owner>/<repo>:<context>.
const cases: [string, boolean, SubjectScope][] = [
  ['system:serviceaccount:ns:app', true, { kind: 'serviceAccount', namespace: 'ns', name: 'app' }],
  ['system:serviceaccount:ns:*', true, { kind: 'namespace', namespace: 'ns' }],
  ['system:serviceaccount:ns:*', false, { kind: 'serviceAccount', namespace: 'ns', name: '*' }],
  ['system:serviceaccount:*:app', true, { kind: 'anyNamespace', namespace: '*', name: 'app' }],
  [
    'system:serviceaccount:team-*:app',
    true,
    { kind: 'anyNamespace', namespace: 'team-*', name: 'app' },
  ],
  ['system:serviceaccount:*', true, { kind: 'allServiceAccounts' }],
  ['system:serviceaccount:*:*', true, { kind: 'allServiceAccounts' }],
  ['system:*', true, { kind: 'allServiceAccounts' }],
  ['*', true, { kind: 'any' }],
  ['*:*', true, { kind: 'any' }],
  [
    'system:serviceaccount:ns:app-*',
    true,
    { kind: 'pattern', pattern: 'system:serviceaccount:ns:app-*' },
  ],
  [
    'system:serviceaccount:default*',
    true,
    { kind: 'pattern', pattern: 'system:serviceaccount:default*' },
  ],
  ['repo:org/*', true, { kind: 'owner', owner: 'org' }],
  ['repo:*', true, { kind: 'allRepositories' }],
  ['repo:org/repo:*', true, { kind: 'pattern', pattern: 'repo:org/repo:*' }],
  [
    'repo:org/repo:ref:refs/heads/main',
    true,
    { kind: 'literal', subject: 'repo:org/repo:ref:refs/heads/main' },
  ],
  ['user-1234', true, { kind: 'literal', subject: 'user-1234' }],
]

describe('classifySubject', () => {
  it.each(cases)('%s (wildcards %s)', (value, wildcards, want) => {
    expect(classifySubject(value, wildcards)).toEqual(want)
  })
})
