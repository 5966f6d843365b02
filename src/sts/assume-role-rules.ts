import type { Caller } from '../call-context.js'
import { mfaFailure } from './mfa.js'
import type { AssumeRoleInput } from './types.js'

/** AWS's answer to AssumeRole called with the account's root credentials. */
export const ROOT_CANNOT_ASSUME = 'Roles may not be assumed by root accounts.'

/** Why AssumeRole refuses a caller before any policy is read: the wire message and the reason. */
export interface Refusal {
  code: 'trust.denied' | 'mfa.failed'
  message: string
  reason: string
}

/**
 * The refusals of AssumeRole that depend only on the caller and the request, in AWS's order:
 * the account's root user cannot assume a role; MFA parameters are checked (sts/mfa.ts); a
 * source identity, once set, stays with every session chained from it and may be repeated,
 * never changed (id_credentials_temp_control-access_monitor). `notAuthorized` is the message of
 * an authorization refusal for this request.
 */
export function callerRefusal(
  caller: Caller,
  input: Pick<AssumeRoleInput, 'serialNumber' | 'tokenCode' | 'sourceIdentity'>,
  notAuthorized: string,
): Refusal | undefined {
  if (caller.kind === 'root')
    return {
      code: 'trust.denied',
      message: ROOT_CANNOT_ASSUME,
      reason: "the account's root user cannot assume roles (AWS refuses it too)",
    }
  const mfa = mfaFailure(input.serialNumber, input.tokenCode)
  if (mfa) return { code: 'mfa.failed', ...mfa }
  const inherited = caller.session?.sourceIdentity
  if (
    inherited !== undefined &&
    input.sourceIdentity !== undefined &&
    input.sourceIdentity !== inherited
  )
    return {
      code: 'trust.denied',
      message: notAuthorized,
      reason: `the calling session's source identity \`${inherited}\` cannot be changed to \`${input.sourceIdentity}\``,
    }
  return undefined
}

/** The calling session's transitive tags, which carry over into a chained session (id_session-tags). */
export function transitiveTags(caller: Caller): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const k of caller.session?.transitiveTagKeys ?? []) {
    const v = caller.session?.tags?.[k]
    if (v !== undefined) tags[k] = v
  }
  return tags
}
