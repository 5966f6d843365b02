import { parsePolicy } from '../parse.js'
import type { PolicyDocument, PolicyIssue } from '../types.js'
import { validateDocument } from '../validate.js'
import { checkConditions } from './check-condition.js'
import { checkOidcStatement } from './check-oidc.js'
import { checkStatement } from './check-statement.js'
import { checkVersion } from './check-version.js'
import type { LintFinding, LintOptions } from './types.js'
import { statementsOf } from './walk.js'

function invalid(issues: readonly PolicyIssue[]): LintFinding[] {
  return issues.map((i) => ({
    code: i.code as LintFinding['code'],
    severity: 'error',
    path: i.path,
    message: i.message,
  }))
}

/**
 * Analyses a policy for risky but valid constructs, like IAM Access Analyzer's policy checks
 * and beyond (see `LINT_CHECKS` and docs/policy-lint.md). The document is validated first: an
 * invalid one yields only its validation issues, as `error` findings with the issue codes.
 * Findings come in document order per check family; an empty list means nothing to report.
 *
 * @example
 * lintPolicy(trustPolicyText, { kind: 'trust' })
 * // [{ code: 'oidc.sub_missing', severity: 'error', path: 'Statement[0].Condition',
 * //    message: 'The statement trusts the OIDC provider … We recommend that you add …' }]
 */
export function lintPolicy(
  input: string | PolicyDocument,
  options: LintOptions = {},
): LintFinding[] {
  let doc: PolicyDocument
  if (typeof input === 'string') {
    const parsed = parsePolicy(input, {
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
    })
    if (!parsed.ok) return invalid(parsed.issues)
    doc = parsed.document
  } else {
    const issues = validateDocument(input, options.kind)
    if (issues.length > 0) return invalid(issues)
    doc = input
  }
  const multivalued = new Set((options.multivaluedKeys ?? []).map((k) => k.toLowerCase()))
  const out: LintFinding[] = []
  checkVersion(doc, out)
  for (const view of statementsOf(doc)) {
    checkOidcStatement(view, out)
    checkStatement(view, options.kind, out)
    checkConditions(view, multivalued, out)
  }
  return out
}
