/**
 * The policy analyzer: findings for risky but valid policies (like IAM Access Analyzer's policy
 * checks and beyond), and a plain-English list of who can assume a role.
 */

export type { LintCheckCode, LintCode } from './codes.js'
export { LINT_CHECKS } from './codes.js'
export { describeTrustedSubjects } from './describe.js'
export { lintPolicy } from './lint.js'
export type { LintFinding, LintOptions, LintSeverity } from './types.js'
export { isWriteAction, WRITE_VERBS } from './write-actions.js'
