import { describe, expect, it } from 'vitest'
import { awsCliProblem, parseAwsCliVersion } from './aws-cli-version.js'

// `aws --version` outputs as the CLIs print them.
const DEBIAN_V2 =
  'aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off'
const CURRENT_V2 = 'aws-cli/2.27.50 Python/3.13.4 Linux/6.8.0 exe/x86_64.ubuntu.24'
const FIRST_V2 = 'aws-cli/2.13.0 Python/3.11.4 Darwin/22.5.0 exe/x86_64 prompt/off'
const LAST_OLD_V2 = 'aws-cli/2.12.7 Python/3.11.4 Linux/5.15 exe/x86_64.amzn.2 prompt/off'
const OLD_V1 = 'aws-cli/1.22.34 Python/3.10.12 Linux/5.15.0-91-generic botocore/1.23.34'
const FIRST_V1 = 'aws-cli/1.29.0 Python/3.11.4 Linux/6.2.0 botocore/1.31.0'
const NEW_V1 = 'aws-cli/1.45.11 Python/3.11.7 Linux/6.18.44 botocore/1.43.11'

describe('parseAwsCliVersion', () => {
  it('reads v1 and v2 outputs', () => {
    expect(parseAwsCliVersion(DEBIAN_V2)).toEqual({ major: 2, minor: 9, patch: 19, text: '2.9.19' })
    expect(parseAwsCliVersion(`\n${OLD_V1}\n`)).toMatchObject({ major: 1, minor: 22 })
    expect(parseAwsCliVersion('command not found')).toBeUndefined()
  })
})

describe('awsCliProblem', () => {
  it.each([CURRENT_V2, FIRST_V2, FIRST_V1, NEW_V1])('accepts %s', (output) => {
    expect(awsCliProblem(output)).toBeUndefined()
  })

  it("refuses Debian's 2.9.19 naming the problem and the fix", () => {
    expect(awsCliProblem(DEBIAN_V2)).toBe(
      "it is AWS CLI 2.9.19, which ignores AWS_ENDPOINT_URL (honoured from 2.13.0) and would send the pod's calls to real AWS instead of Lanyard: install AWS CLI v2 2.13.0 or later (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)",
    )
  })

  it.each([
    [
      'the last v2 before 2.13',
      LAST_OLD_V2,
      /2\.12\.7, which ignores AWS_ENDPOINT_URL \(honoured from 2\.13\.0\)/,
    ],
    [
      'an old v1',
      OLD_V1,
      /1\.22\.34, which ignores AWS_ENDPOINT_URL \(honoured from 1\.29\.0\).*awscli>=1\.29/,
    ],
    [
      'unreadable output',
      'Segmentation fault',
      /cannot be told from `aws --version` \(`Segmentation fault`\)/,
    ],
  ])('refuses %s', (_name, output, message) => {
    expect(awsCliProblem(output)).toMatch(message)
  })
})
