import { describe, expect, it } from 'vitest'
import { containerArgv, describeArgv, usesAwsCli } from './command-line.js'

describe('containerArgv', () => {
  const env = new Map([['NAME', 'my-cluster']])
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['command alone', { command: ['sh', '-c', 'echo hi'] }, ['sh', '-c', 'echo hi']],
    [
      'command then args',
      { command: ['aws'], args: ['eks', 'list-clusters'] },
      ['aws', 'eks', 'list-clusters'],
    ],
    [
      '$(VAR) in args',
      { command: ['echo'], args: ['$(NAME)', '$$(NAME)'] },
      ['echo', 'my-cluster', '$(NAME)'],
    ],
  ]
  it.each(cases)('%s', (_name, fields, argv) => {
    expect(containerArgv({ name: 'c', image: 'i', ...fields }, env)).toEqual(argv)
  })

  it.each([
    ['no command', {}],
    [
      'args without command (args override CMD, the ENTRYPOINT is still the image’s)',
      { args: ['x'] },
    ],
    ['an empty command', { command: [] }],
  ])('refuses %s: the image entrypoint is unknown', (_name, fields) => {
    expect(() => containerArgv({ name: 'c', image: 'amazon/aws-cli', ...fields }, env)).toThrow(
      'container `c` has no command and the entrypoint of image `amazon/aws-cli` is unknown without pulling it: set `command` in the manifest',
    )
  })

  it('refuses a command that is not a list of strings', () => {
    expect(() => containerArgv({ name: 'c', command: 'sh -c x' }, env)).toThrow(/list of strings/)
  })
})

describe('describeArgv', () => {
  it('quotes what a shell would split', () => {
    expect(describeArgv(['sh', '-c', "aws eks describe-cluster --name it's"])).toBe(
      `sh -c 'aws eks describe-cluster --name it'\\''s'`,
    )
    expect(describeArgv(['node', '/app/x.mjs', '--a=b'])).toBe('node /app/x.mjs --a=b')
  })
})

describe('usesAwsCli', () => {
  const cases: Array<[string[], boolean]> = [
    [['aws', 'sts', 'get-caller-identity'], true],
    [['/usr/local/bin/aws', '--version'], true],
    [['sh', '-c', 'aws eks describe-cluster --name my-cluster'], true],
    [['bash', '-ec', 'set -x; aws s3 ls'], true],
    [['sh', '-c', 'echo start && aws sts get-caller-identity | jq .'], true],
    [['sh', '-c', 'echo $(aws --version)'], true],
    [['sh', '-c', 'echo hello'], false],
    [['sh', '-c', 'awsume foo; ./aws-thing'], false],
    [['node', 'aws.js'], false],
    [['python', '-c', 'aws'], false],
  ]
  it.each(cases)('%j → %s', (argv, expected) => {
    expect(usesAwsCli(argv)).toBe(expected)
  })
})
