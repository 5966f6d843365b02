import { parseGoBool, parseGoInt64 } from './go-strconv.js'
import type { ServiceAccountInfo } from './types.js'
import { clampTokenExpiration, type WebhookConfig } from './webhook-config.js'

/** ServiceAccount annotation names, after the prefix (upstream `pkg/annotations.go`). */
export const SERVICE_ACCOUNT_ANNOTATIONS = {
  roleArn: 'role-arn',
  audience: 'audience',
  stsRegionalEndpoints: 'sts-regional-endpoints',
  tokenExpiration: 'token-expiration',
} as const

/** Pod annotation names, after the prefix. */
export const POD_ANNOTATIONS = {
  skipContainers: 'skip-containers',
  tokenExpiration: 'token-expiration',
} as const

/** What one ServiceAccount's annotations and the flags make of it (upstream cache `Entry`). */
export interface ServiceAccountSettings {
  /** The `role-arn` annotation as written; `undefined` or `''` means "do not mutate". */
  roleArn: string | undefined
  audience: string
  useRegionalSts: boolean
  tokenExpiration: number
  /**
   * Whether `roleArn` matches upstream's `^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w-\/.@+=,]+$`.
   * Upstream only logs a warning when it does not, and mutates anyway.
   */
  roleArnLooksValid: boolean
}

const ROLE_ARN = /^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w\-/.@+=,]+$/

/** An annotation's value, ignoring inherited properties of hostile objects. */
export function annotation(
  annotations: Readonly<Record<string, string>> | null | undefined,
  key: string,
): string | undefined {
  if (!annotations || !Object.hasOwn(annotations, key)) return undefined
  const value = annotations[key]
  return typeof value === 'string' ? value : undefined
}

/**
 * Reads a ServiceAccount as upstream's cache does (`addSA`): the audience and regional-STS
 * annotations override the flags (an unparsable boolean is ignored), the token-expiration
 * annotation overrides the flag when it parses as an int64 and is clamped to 600 … 2^32.
 */
export function readServiceAccountSettings(
  serviceAccount: ServiceAccountInfo,
  config: WebhookConfig,
): ServiceAccountSettings {
  const read = (name: string) =>
    annotation(serviceAccount.annotations, `${config.annotationPrefix}/${name}`)
  const roleArn = read(SERVICE_ACCOUNT_ANNOTATIONS.roleArn)
  const regional = read(SERVICE_ACCOUNT_ANNOTATIONS.stsRegionalEndpoints)
  const expiration = read(SERVICE_ACCOUNT_ANNOTATIONS.tokenExpiration)
  const parsedRegional = regional === undefined ? undefined : parseGoBool(regional)
  const parsedExpiration = expiration === undefined ? undefined : parseGoInt64(expiration)
  return {
    roleArn,
    audience: read(SERVICE_ACCOUNT_ANNOTATIONS.audience) ?? config.tokenAudience,
    useRegionalSts: parsedRegional ?? config.stsRegionalEndpoint,
    tokenExpiration:
      parsedExpiration === undefined
        ? config.tokenExpiration
        : clampTokenExpiration(parsedExpiration),
    roleArnLooksValid: roleArn !== undefined && ROLE_ARN.test(roleArn),
  }
}
