import { describe, expect, it } from 'vitest'
import { isWriteAction } from './write-actions.js'

// The documented heuristic (docs/policy-lint.md): a write verb prefix, or a pattern that could
// match one. Actions are case-insensitive (reference_policies_elements_action).
const cases: [string, boolean][] = [
  ['*', true],
  ['s3:*', true],
  ['s3:PutObject', true],
  ['iam:PassRole', true],
  ['IAM:passrole', true],
  ['ec2:CreateTags', true],
  ['ec2:RunInstances', true],
  ['s3:P*', true],
  ['s3:Put*', true],
  ['s3:*Object', true],
  ['s3:?etObject', true],
  ['s3:GetObject', false],
  ['s3:Get*', false],
  ['ec2:Describe*', false],
  ['s3:ListBucket', false],
  ['sts:GetCallerIdentity', false],
  // `Add` followed by a lower-case letter is not the verb (PascalCase names).
  ['ses:AddressBookList', false],
  ['ses:addressbooklist', true],
  ['sts:AssumeRoleWithWebIdentity', false],
]

describe('isWriteAction', () => {
  it.each(cases)('%s -> %s', (action, want) => {
    expect(isWriteAction(action)).toBe(want)
  })
})
