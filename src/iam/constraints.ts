import { LanyardError } from '../errors.js'

/** A string constraint of the botocore IAM model (`min`, `max`, `pattern`: a full match). */
export interface ModelRule {
  readonly min?: number
  readonly max?: number
  readonly pattern?: RegExp
  /** The pattern as AWS prints it in a ValidationError. */
  readonly patternText?: string
  /** Never echo the value in a message (policy documents). */
  readonly sensitive?: boolean
  /**
   * IAM's own message when the value breaks `pattern` (but not the length bounds). IAM answers
   * these instead of the generic constraint text, e.g. "The specified value for roleName is
   * invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-".
   */
  readonly patternMessage?: string
}

const NAME_CHARS = 'It must contain only alphanumeric characters and/or the following: +=,.@_-'
const PATH_MESSAGE =
  'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.'

/**
 * The IAM model's string shapes (botocore `data/iam/2010-05-08/service-2.json`), shared by the
 * wire layer (which reports every violation at once) and the service (defence in depth for
 * callers that are not the wire, e.g. the stack engine or the CLI).
 */
export const IAM_RULES = {
  roleName: {
    min: 1,
    max: 64,
    pattern: /^[\w+=,.@-]+$/,
    patternText: '[\\w+=,.@-]+',
    patternMessage: `The specified value for roleName is invalid. ${NAME_CHARS}`,
  },
  policyName: {
    min: 1,
    max: 128,
    pattern: /^[\w+=,.@-]+$/,
    patternText: '[\\w+=,.@-]+',
    patternMessage: `The specified value for policyName is invalid. ${NAME_CHARS}`,
  },
  path: {
    min: 1,
    max: 512,
    pattern: /^(?:\/|\/[\x21-\x7e]+\/)$/,
    patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
    patternMessage: PATH_MESSAGE,
  },
  /** ListEntitiesForPolicy's PathPrefix: the path shape, reported with the model's words. */
  entityPathPrefix: {
    min: 1,
    max: 512,
    pattern: /^(?:\/|\/[\x21-\x7e]+\/)$/,
    patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
  },
  pathPrefix: {
    min: 1,
    max: 512,
    pattern: /^\/[\x21-\x7f]*$/,
    patternText: '\\u002F[\\u0021-\\u007F]*',
  },
  policyPath: {
    min: 1,
    max: 512,
    pattern: /^(?:\/[A-Za-z0-9.,+@=_-]+)*\/$/,
    patternText: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
  },
  policyDocument: {
    min: 1,
    max: 131072,
    pattern: /^[\t\n\r\x20-\xff]+$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
    sensitive: true,
  },
  roleDescription: {
    max: 1000,
    pattern: /^[\t\n\r\x20-\x7e\xa1-\xff]*$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
  },
  policyDescription: { max: 1000 },
  arn: { min: 20, max: 2048 },
  marker: { min: 1, max: 320, pattern: /^[\x20-\xff]+$/, patternText: '[\\u0020-\\u00FF]+' },
  policyVersionId: {
    pattern: /^v[1-9][0-9]*(?:\.[A-Za-z0-9-]*)?$/,
    patternText: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
  },
  /** `ActionNameType` (SimulatePrincipalPolicy, SimulateCustomPolicy). */
  actionName: { min: 3, max: 128 },
  /** `ResourceNameType`: ResourceArns, ResourceOwner, CallerArn. */
  resourceName: { min: 1, max: 2048 },
  contextKeyName: { min: 5, max: 256 },
  resourceHandlingOption: { min: 1, max: 64 },
  oidcUrl: { min: 1, max: 255 },
  clientId: { min: 1, max: 255 },
  thumbprint: { min: 40, max: 40 },
  tagKey: {
    min: 1,
    max: 128,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
    patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
  },
  tagValue: {
    min: 0,
    max: 256,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
  },
} as const satisfies Record<string, ModelRule>

/** Integer ranges of the model. */
export const IAM_INT_RULES = {
  maxSessionDuration: { min: 3600, max: 43200 },
  maxItems: { min: 1, max: 1000 },
} as const

/**
 * The model checks of `rule` that come before IAM's own message: all of them, or only the
 * length bounds when IAM has its own message for the pattern.
 */
export function lengthOnly(rule: ModelRule): ModelRule {
  if (rule.patternMessage === undefined) return rule
  return {
    ...(rule.min !== undefined && { min: rule.min }),
    ...(rule.max !== undefined && { max: rule.max }),
    ...(rule.sensitive === true && { sensitive: true }),
  }
}

/** The violated constraint of `value`, in AWS's words ("must have length …"), or undefined. */
export function violation(value: string, rule: ModelRule): string | undefined {
  const length = [...value].length
  if (rule.min !== undefined && length < rule.min) {
    return `must have length greater than or equal to ${rule.min}`
  }
  if (rule.max !== undefined && length > rule.max) {
    return `must have length less than or equal to ${rule.max}`
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    return `must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`
  }
  return undefined
}

/**
 * Throws AWS's ValidationError for the first of `checks` that fails, e.g. "1 validation error
 * detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular
 * expression pattern: [\w+=,.@-]+".
 */
export function assertModel(
  checks: readonly [member: string, value: string | undefined, rule: ModelRule][],
): void {
  const problems: string[] = []
  let iamMessage: string | undefined
  for (const [member, value, rule] of checks) {
    if (value === undefined) continue
    const generic = rule.patternMessage === undefined ? rule : lengthOnly(rule)
    const broken = violation(value, generic)
    if (broken === undefined) {
      if (rule.patternMessage !== undefined && rule.pattern && !rule.pattern.test(value)) {
        iamMessage ??= rule.patternMessage
      }
      continue
    }
    const shown = rule.sensitive ? 'Value' : `Value '${value.slice(0, 256)}'`
    problems.push(`${shown} at '${member}' failed to satisfy constraint: Member ${broken}`)
  }
  // The model's constraints are checked first; IAM's own name and path rules after them.
  if (problems.length === 0 && iamMessage !== undefined) {
    throw new LanyardError('request.validation', iamMessage)
  }
  if (problems.length === 0) return
  const n = problems.length
  throw new LanyardError(
    'request.validation',
    `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  )
}

/** The same for an integer range. */
export function assertIntRange(
  member: string,
  value: number | undefined,
  range: { min: number; max: number },
): void {
  if (value === undefined) return
  let broken: string | undefined
  if (!Number.isInteger(value)) broken = 'must be a number'
  else if (value < range.min) broken = `must have value greater than or equal to ${range.min}`
  else if (value > range.max) broken = `must have value less than or equal to ${range.max}`
  if (broken === undefined) return
  throw new LanyardError(
    'request.validation',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member ${broken}`,
  )
}
