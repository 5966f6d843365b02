/** A version of the AWS CLI, as `aws --version` prints it (`aws-cli/2.9.19 Python/3.11.2 …`). */
export interface AwsCliVersion {
  major: number
  minor: number
  patch: number
  text: string
}

/**
 * The first releases whose clients honour `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`
 * ("service-specific endpoints": AWS CLI v2 2.13.0 and v1 1.29.0, July 2023, per their changelogs;
 * AWS SDKs and Tools reference guide, "Service-specific endpoints"). Older clients ignore the
 * variables and call real AWS.
 */
export const MIN_ENDPOINT_URL_VERSION = {
  1: { minor: 29, text: '1.29.0' },
  2: { minor: 13, text: '2.13.0' },
} as const

/** The version in `aws --version` output (v1 prints it on stderr, v2 on stdout: pass both). */
export function parseAwsCliVersion(output: string): AwsCliVersion | undefined {
  const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(output)
  if (!m) return undefined
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return { major, minor, patch, text: `${major}.${minor}.${patch}` }
}

/**
 * Why this AWS CLI must not run a pod's commands (a clause to follow "runs `aws`, but"), or
 * `undefined` when it honours `AWS_ENDPOINT_URL`. Names the problem and the fix.
 */
export function awsCliProblem(versionOutput: string): string | undefined {
  const version = parseAwsCliVersion(versionOutput)
  if (!version) {
    const shown = versionOutput.trim().split('\n')[0]?.slice(0, 80) ?? ''
    return `its version cannot be told from \`aws --version\` (\`${shown}\`) and a version that ignores AWS_ENDPOINT_URL would call real AWS: install AWS CLI v2 2.13.0 or later`
  }
  if (version.major !== 1 && version.major !== 2) return undefined
  const min = MIN_ENDPOINT_URL_VERSION[version.major]
  if (version.minor >= min.minor) return undefined
  const fix =
    version.major === 2
      ? 'install AWS CLI v2 2.13.0 or later (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)'
      : "upgrade it (`pip install --upgrade 'awscli>=1.29'`) or install AWS CLI v2 2.13.0 or later"
  return `it is AWS CLI ${version.text}, which ignores AWS_ENDPOINT_URL (honoured from ${min.text}) and would send the pod's calls to real AWS instead of Lanyard: ${fix}`
}
