import { LanyardError } from '../errors.js'

/** Role chaining caps sessions at one hour (id_roles_terms-and-concepts: role chaining). */
export const CHAINED_MAX_SECONDS = 3600
/** Session policies share one packed budget with session tags (STS model: PackedPolicySize). */
const PACKED_BUDGET = 2048

/**
 * A session's length in seconds: `requested` (default one hour) within the role's maximum, and
 * within one hour when the caller is itself a role session (chaining). The range 900..43200 is
 * checked with the request's other parameters.
 */
export function sessionSeconds(
  requested: number | undefined,
  maxSessionDuration: number,
  chained: boolean,
): number {
  const seconds = requested ?? 3600
  if (chained && seconds > CHAINED_MAX_SECONDS) {
    throw new LanyardError(
      'request.validation',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    )
  }
  if (seconds > maxSessionDuration) {
    throw new LanyardError(
      'request.validation',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    )
  }
  return seconds
}

/**
 * `PackedPolicySize`: the share, in percent rounded up, of the packed budget that the session
 * policies and tags take (`chars`: their length without whitespace, ARNs and tag text
 * included). AWS's packed format is not documented: this is an approximation. Above 100 the
 * request fails with PackedPolicyTooLarge.
 */
export function packedPercent(chars: number): number {
  const percent = Math.ceil((100 * chars) / PACKED_BUDGET)
  if (percent > 100) {
    throw new LanyardError(
      'policy.too_large',
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
    )
  }
  return percent
}
