import { describeTrustedSubjects, type PolicyDocument } from '../policy/index.js'
import { checkPolicyDocument, type PolicyCheckKind } from './policy-check.js'
import { strictTrustViolation } from './strict-trust.js'
import type { PolicyFinding } from './types.js'

/** A document IAM would refuse: AWS's MalformedPolicyDocument message. */
export interface PolicyLintRefusal {
  ok: false
  message: string
}

/** What IAM would say about a policy document, without writing it. */
export type PolicyLint = PolicyLintRefusal | { ok: true; findings: PolicyFinding[] }

/** {@link PolicyLint} for a trust policy, with who it lets in. */
export type RoleTrustLint =
  | PolicyLintRefusal
  | {
      ok: true
      findings: PolicyFinding[]
      /** One plain-English line per trusted principal (and `sub` value), "… can assume this role". */
      trustedSubjects: string[]
      /** Why a server run with `--strict-trust` would refuse the policy; absent when it would not. */
      strictTrustViolation?: string
    }

/**
 * Lints a policy document exactly as CreateRole/UpdateAssumeRolePolicy (`trust`) and
 * PutRolePolicy/CreatePolicy/CreatePolicyVersion (`identity`) do before they write it: the
 * MalformedPolicyDocument message IAM would answer, or the findings it would log as warnings.
 * Pure; sizes are not checked (IAM's quotas are configurable).
 *
 * @example
 * const r = lintPolicyDocument(text, 'identity')
 * if (r.ok) for (const f of r.findings) console.log(`${f.severity} ${f.path}: ${f.message}`)
 */
export function lintPolicyDocument(text: string, kind: PolicyCheckKind): PolicyLint {
  const checked = checkPolicyDocument(text, kind)
  return checked.ok
    ? { ok: true, findings: checked.findings }
    : { ok: false, message: checked.message }
}

/**
 * Lints a role trust policy for `lanyard role lint`: the findings CreateRole and
 * UpdateAssumeRolePolicy log as warnings, who the policy lets assume the role, and whether a
 * `--strict-trust` server would refuse it (that setting refuses, it does not warn).
 *
 * @example
 * const r = lintRoleTrust(trustPolicyText)
 * // { ok: true, findings: [{ code: 'oidc.aud_missing', severity: 'warning', … }],
 * //   trustedSubjects: ['service account ns/sa of issuer … can assume this role'],
 * //   strictTrustViolation: 'Statement 0 trusts … without a condition on …:aud; …' }
 */
export function lintRoleTrust(text: string): RoleTrustLint {
  const checked = checkPolicyDocument(text, 'trust')
  if (!checked.ok) return { ok: false, message: checked.message }
  const violation = strictTrustViolation(checked.document)
  return {
    ok: true,
    findings: checked.findings,
    // INVARIANT: the document passed validation, so it has the PolicyDocument shape.
    trustedSubjects: describeTrustedSubjects(checked.document as PolicyDocument),
    ...(violation !== undefined && { strictTrustViolation: violation }),
  }
}
