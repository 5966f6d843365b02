import { randomBytes, randomUUID } from 'node:crypto'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** 13 random upper-case letters and digits, the suffix CloudFormation gives generated names. */
export function randomSuffix(length = 13): string {
  const bytes = randomBytes(length)
  let out = ''
  for (let i = 0; i < length; i++) out += ALNUM[(bytes[i] as number) % ALNUM.length]
  return out
}

/**
 * A generated physical name (aws-properties-name): `<stack>-<logicalId>-<RANDOM>`, the stack and
 * logical id parts shortened so the whole fits in `max` characters.
 */
export function physicalName(
  stackName: string,
  logicalId: string,
  max: number,
  suffix = randomSuffix(),
): string {
  const room = max - suffix.length - 2
  if (room <= 1) return suffix.slice(0, max)
  let stack = stackName
  let logical = logicalId
  while (stack.length + logical.length > room) {
    if (stack.length >= logical.length) stack = stack.slice(0, -1)
    else logical = logical.slice(0, -1)
  }
  return `${stack}-${logical}-${suffix}`
}

/** `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>` (the StackId). */
export const stackArn = (region: string, accountId: string, stackName: string): string =>
  `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`

/** `arn:aws:cloudformation:<region>:<account>:changeSet/<name>/<uuid>`. */
export const changeSetArn = (region: string, accountId: string, name: string): string =>
  `arn:aws:cloudformation:${region}:${accountId}:changeSet/${name}/${randomUUID()}`

/** The stack name inside a StackId ARN. */
export const stackNameOfArn = (arn: string): string | undefined =>
  /^arn:aws[\w-]*:cloudformation:[\w-]+:\d{12}:stack\/([^/]+)\/[\w-]+$/.exec(arn)?.[1]

/** Stack names: `[a-zA-Z][-a-zA-Z0-9]*`, at most 128 characters (CreateStack, StackName). */
export const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/
