import type { PolicyKind } from './types.js'

/**
 * AWS's default policy size quotas, in characters without white space (reference_iam-quotas;
 * reference_policies_grammar "do not include white space"): role trust policy 2,048 (adjustable
 * up to 4,096), inline policies of a role 10,240 (aggregate per role, AWS counts all inline
 * policies together; the caller enforces the aggregate), managed policy 6,144, session policy
 * 2,048 (STS `Policy` parameter).
 */
export const AWS_POLICY_LIMITS = {
  trust: 2048,
  inline: 10240,
  managed: 6144,
  session: 2048,
} as const

/** Options for size checks. */
export interface PolicyLimits {
  /** Maximum characters after removing white space, as AWS counts. */
  readonly maxLength?: number
}

/**
 * Default limit for a kind when the caller gives none: trust and session policies have their own
 * quota; identity policies and boundaries are managed or inline, so the larger inline quota is
 * the safe default (pass `maxLength: AWS_POLICY_LIMITS.managed` for a managed policy); resource
 * policies are not IAM's and get no default.
 */
export function defaultMaxLength(kind: PolicyKind | undefined): number | undefined {
  switch (kind) {
    case 'trust':
      return AWS_POLICY_LIMITS.trust
    case 'session':
      return AWS_POLICY_LIMITS.session
    case 'identity':
    case 'boundary':
      return AWS_POLICY_LIMITS.inline
    default:
      return undefined
  }
}

/** AWS's quota name in the `LimitExceeded` message for a kind. */
export function quotaName(kind: PolicyKind | undefined): string {
  return kind === 'trust' ? 'ACLSizePerRole' : 'PolicySize'
}
