import { describe, expect, it } from 'vitest'
import { functionNameOf } from '../lambda/lambda-host.js'
import { physicalName, randomSuffix, STACK_NAME, stackNameOfArn } from './names.js'

describe('generated names', () => {
  it.each([
    ['short', 'app', 'Role', 64, 'app-Role-ABCDEFGHIJKLM'],
    [
      'shortened to fit',
      'a-very-long-stack-name-for-testing',
      'AVeryLongLogicalIdForTesting',
      40,
      'a-very-long--AVeryLongLogi-ABCDEFGHIJKLM',
    ],
  ])('%s', (_n, stack, logical, max, expected) => {
    const name = physicalName(stack, logical, max, 'ABCDEFGHIJKLM')
    expect(name).toBe(expected)
    expect(name.length).toBeLessThanOrEqual(max)
  })

  it('random suffixes are 13 upper-case letters and digits', () => {
    expect(randomSuffix()).toMatch(/^[A-Z0-9]{13}$/)
  })

  it.each([
    ['arn:aws:lambda:us-east-1:123456789012:function:fn', 'fn'],
    ['arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST', 'fn'],
    ['fn', 'fn'],
    ['arn:aws:sns:us-east-1:123456789012:topic', undefined],
  ])('ServiceToken %s names function %s', (token, name) => {
    expect(functionNameOf(token)).toBe(name)
  })

  it.each([
    ['my-stack', true],
    ['a', true],
    ['1stack', false],
    ['my_stack', false],
    ['x'.repeat(129), false],
  ])('stack name %s valid: %s', (name, ok) => {
    expect(STACK_NAME.test(name)).toBe(ok)
  })

  it('reads the name of a StackId', () => {
    expect(
      stackNameOfArn(
        'arn:aws:cloudformation:us-east-1:123456789012:stack/app/0e8d6d10-1111-4000-8000-000000000000',
      ),
    ).toBe('app')
  })
})
