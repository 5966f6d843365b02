import type { PolicyKind } from '../types.js'
import type { LintCode } from './codes.js'

/**
 * How bad a finding is:
 * - `error`: the document is invalid (IAM would reject it), or the policy grants far more than
 *   it can mean to (e.g. every service account of a cluster may assume the role)
 * - `warning`: valid and often intended, but a known way to over-grant or to fail open
 * - `info`: worth a look, rarely wrong
 */
export type LintSeverity = 'error' | 'warning' | 'info'

/** One finding of {@link lintPolicy}, in the shape of an IAM Access Analyzer finding. */
export interface LintFinding {
  /** Stable code, e.g. `oidc.sub_missing` (see `LINT_CHECKS`), or a validation issue code. */
  readonly code: LintCode
  readonly severity: LintSeverity
  /** Where, in the path syntax of validation issues, e.g. `Statement[0].Condition.StringLike`. */
  readonly path: string
  /** What is risky and the fix, in the style of Access Analyzer messages. */
  readonly message: string
}

/** Options of {@link lintPolicy}. */
export interface LintOptions {
  /** Kind of policy: applies its grammar rules (a `trust` policy gets the trust checks). */
  readonly kind?: PolicyKind
  /**
   * Extra condition keys that are multivalued in your requests (case-insensitive), on top of
   * the built-in list (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `<provider>:amr`, …).
   */
  readonly multivaluedKeys?: readonly string[]
  /** Maximum policy size for text input (see `parsePolicy`); default: AWS's quota of the kind. */
  readonly maxLength?: number
}
