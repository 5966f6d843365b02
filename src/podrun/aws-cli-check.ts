import { LanyardError } from '../errors.js'
import { awsCliProblem } from './aws-cli-version.js'
import { type SpawnFn, startProcess } from './start-process.js'

/**
 * Runs `aws --version` with the container's env and refuses (`client.outdated`) an AWS CLI too
 * old to honour `AWS_ENDPOINT_URL`, one that is missing, or one whose version cannot be told:
 * any of them would send the pod's calls somewhere other than Lanyard.
 */
export async function checkAwsCli(
  container: string,
  env: Record<string, string>,
  cwd: string,
  spawn?: SpawnFn,
): Promise<void> {
  let output = ''
  let startError: string | undefined
  const status = await startProcess(['aws', '--version'], {
    env,
    cwd,
    onStdout: (t) => {
      output += t
    },
    onStderr: (t) => {
      output += t
    },
    onStartError: (m) => {
      startError = m
    },
    ...(spawn ? { spawn } : {}),
  }).done
  if (startError !== undefined || status === 127) {
    throw new LanyardError(
      'client.outdated',
      `container \`${container}\` runs \`aws\`, but no aws cli is on PATH here: install AWS CLI v2 2.13.0 or later`,
    )
  }
  const problem = awsCliProblem(output)
  if (problem !== undefined) {
    throw new LanyardError(
      'client.outdated',
      `container \`${container}\` runs \`aws\`, but ${problem}`,
    )
  }
}
