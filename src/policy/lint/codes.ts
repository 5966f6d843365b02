import type { PolicyIssueCode } from '../issues.js'
import type { LintSeverity } from './types.js'

/**
 * Every check of the analyzer: its stable code, its severity and the rule it encodes. Codes are
 * part of the public API: never rename one, add new ones instead.
 */
export const LINT_CHECKS = [
  {
    code: 'oidc.sub_missing',
    severity: 'error',
    rule: 'IAM-18; access-analyzer-reference-policy-checks "Missing condition key for OIDC principal"; id_roles_create_for-idp_oidc',
  },
  {
    code: 'oidc.aud_missing',
    severity: 'warning',
    rule: 'access-analyzer-reference-policy-checks "Missing condition key for OIDC principal"; id_roles_create_for-idp_oidc',
  },
  {
    code: 'oidc.aud_unexpected',
    severity: 'info',
    rule: 'EKS iam-roles-for-service-accounts: the token audience is sts.amazonaws.com',
  },
  {
    code: 'oidc.sub_wildcard_all',
    severity: 'error',
    rule: 'IAM-16; id_roles_create_for-idp_oidc (restrict sub)',
  },
  {
    code: 'oidc.sub_wildcard_any_namespace',
    severity: 'warning',
    rule: 'IAM-16; EKS associate-service-account-role (one namespace, one service account)',
  },
  {
    code: 'oidc.sub_wildcard_namespace',
    severity: 'warning',
    rule: 'IAM-16; EKS associate-service-account-role (StringLike system:serviceaccount:ns:*)',
  },
  {
    code: 'oidc.sub_wildcard_owner',
    severity: 'warning',
    rule: 'IAM-16; GitHub OIDC subject claims (repo:<owner>/<repo>:…)',
  },
  {
    code: 'trust.federated_action_mismatch',
    severity: 'warning',
    rule: 'IAM-17; access-analyzer-reference-policy-checks "Mismatched action for principal"',
  },
  {
    code: 'trust.principal_public',
    severity: 'error',
    rule: 'reference_policies_elements_principal (anonymous principal "*")',
  },
  {
    code: 'statement.allow_not_action',
    severity: 'warning',
    rule: 'IAM-01; reference_policies_elements_notaction',
  },
  {
    code: 'statement.allow_not_resource',
    severity: 'warning',
    rule: 'IAM-03; reference_policies_elements_notresource',
  },
  {
    code: 'statement.allow_not_principal',
    severity: 'warning',
    rule: 'reference_policies_elements_notprincipal',
  },
  {
    code: 'resource.star_write',
    severity: 'warning',
    rule: 'access-analyzer-reference-policy-checks "Pass role with star in resource"; best-practices (least privilege)',
  },
  {
    code: 'condition.equals_wildcard',
    severity: 'warning',
    rule: 'IAM-07; reference_policies_elements_condition_operators (String)',
  },
  {
    code: 'condition.lookalike_prefix',
    severity: 'warning',
    rule: 'IAM-16; reference_policies_elements_condition_operators (StringLike)',
  },
  {
    code: 'condition.negated_absent_key',
    severity: 'warning',
    rule: 'IAM-08; reference_policies_elements_condition_operators ("Important": negated operators on a missing key)',
  },
  {
    code: 'condition.forallvalues_single_valued',
    severity: 'warning',
    rule: 'access-analyzer-reference-policy-checks "ForAllValues with single valued key"; reference_policies_condition-single-vs-multi-valued-context-keys',
  },
  {
    code: 'condition.forallvalues_absent_key',
    severity: 'warning',
    rule: 'IAM-11; reference_policies_condition-single-vs-multi-valued-context-keys (ForAllValues is true with no key)',
  },
  {
    code: 'condition.foranyvalue_single_valued',
    severity: 'info',
    rule: 'reference_policies_condition-single-vs-multi-valued-context-keys ("Do not use a condition set operator with a single-valued context key")',
  },
  {
    code: 'version.variables_literal',
    severity: 'warning',
    rule: 'IAM-14; reference_policies_elements_version, reference_policies_variables',
  },
  {
    code: 'version.missing',
    severity: 'info',
    rule: 'reference_policies_elements_version; access-analyzer-reference-policy-checks "Missing version"',
  },
] as const satisfies readonly { code: string; severity: LintSeverity; rule: string }[]

/** Code of one analyzer check. */
export type LintCheckCode = (typeof LINT_CHECKS)[number]['code']

/**
 * Code of a finding: an analyzer check, or a validation issue (severity `error`) when the
 * document is not a valid policy.
 */
export type LintCode = LintCheckCode | PolicyIssueCode

const SEVERITY = new Map<string, LintSeverity>(LINT_CHECKS.map((c) => [c.code, c.severity]))

/** Severity of a check. */
export function severityOf(code: LintCheckCode): LintSeverity {
  return SEVERITY.get(code) as LintSeverity
}
