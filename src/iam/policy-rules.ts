import { LanyardError } from '../errors.js'
import type { ManagedPolicyRecord, StoreTx } from '../store/ports.js'
import { parsePolicyArn } from './arns.js'
import { assertModel, IAM_RULES } from './constraints.js'
import type { IamContext } from './context.js'
import { IAM_MESSAGES, IAM_QUOTA_NAMES } from './messages.js'
import { assertPolicyDocument } from './policy-check.js'
import { policySize } from './policy-size.js'
import { strictTrustViolation } from './strict-trust.js'
import type { PolicyFinding } from './types.js'

/**
 * Checks a role trust policy: grammar (MalformedPolicyDocument), size (`ACLSizePerRole`,
 * LimitExceeded) and, with `strictTrust`, the OIDC `sub`/`aud` rule.
 */
export function checkTrustPolicy(ctx: IamContext, member: string, text: string): PolicyFinding[] {
  assertModel([[member, text, IAM_RULES.policyDocument]])
  const { document, findings } = assertPolicyDocument(text, 'trust')
  const limit = ctx.config.limits.trustPolicySize
  if (policySize(text) > limit) {
    throw new LanyardError(
      'policy.too_large',
      IAM_MESSAGES.quota(IAM_QUOTA_NAMES.trustPolicySize, limit),
    )
  }
  if (ctx.config.strictTrust) {
    const violation = strictTrustViolation(document)
    if (violation !== undefined) throw new LanyardError('policy.malformed', violation)
  }
  return findings
}

/** Checks an identity policy (inline or managed) for grammar; sizes are checked by the caller. */
export function checkIdentityPolicy(member: string, text: string): PolicyFinding[] {
  assertModel([[member, text, IAM_RULES.policyDocument]])
  return assertPolicyDocument(text, 'identity').findings
}

/** InvalidInput unless `arn` is a managed policy ARN. */
export function assertPolicyArn(member: string, arn: string): void {
  assertModel([[member, arn, IAM_RULES.arn]])
  if (!parsePolicyArn(arn)) throw new LanyardError('request.invalid', IAM_MESSAGES.invalidArn(arn))
}

/** The managed policy `arn` names, or NoSuchEntity with `notFound`'s message. */
export async function loadPolicy(
  tx: StoreTx,
  arn: string,
  notFound: (arn: string) => string = IAM_MESSAGES.policyNotFound,
): Promise<ManagedPolicyRecord> {
  const record = await tx.managedPolicies.get(arn)
  if (!record) throw new LanyardError('entity.not_found', notFound(arn))
  return record
}
