/**
 * Lanyard's IAM policy engine (`lanyard/policy`): parse and validate policy documents as IAM
 * does, compile them once, evaluate requests against identity, resource (trust), boundary and
 * session policies, and explain the decision. Pure: no I/O, no clock, no global state beyond
 * caches.
 *
 * @example
 * import { parsePolicy, evaluatePolicies, createRequestContext, explainDecision } from 'lanyard/policy'
 *
 * const parsed = parsePolicy(trustPolicyText, { kind: 'trust', label: 'trust' })
 * if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '))
 * const decision = evaluatePolicies(
 *   {
 *     principal: { federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/ABC' },
 *     action: 'sts:AssumeRoleWithWebIdentity',
 *     resource: 'arn:aws:iam::111122223333:role/app',
 *     context: createRequestContext({ 'oidc.example.com/id/ABC:sub': 'system:serviceaccount:ns:sa' }),
 *   },
 *   { resource: [parsed.policy] },
 *   { trace: true },
 * )
 * explainDecision(decision)
 */

export type { CompiledPolicy, CompiledStatement, CompileOptions } from './compile.js'
export { compilePolicy } from './compile.js'
export { createRequestContext } from './context.js'
export type { EvaluateOptions, PolicySet } from './evaluate.js'
export { evaluatePolicies } from './evaluate.js'
export { explainDecision } from './explain.js'
export type { PolicyIssueCode } from './issues.js'
export { POLICY_ISSUE_CODES } from './issues.js'
export type { PolicyLimits } from './limits.js'
export { AWS_POLICY_LIMITS } from './limits.js'
export type {
  LintCheckCode,
  LintCode,
  LintFinding,
  LintOptions,
  LintSeverity,
} from './lint/index.js'
export {
  describeTrustedSubjects,
  isWriteAction,
  LINT_CHECKS,
  lintPolicy,
  WRITE_VERBS,
} from './lint/index.js'
export type { ParseOptions, ParseResult } from './parse.js'
export { parsePolicy } from './parse.js'
export type {
  AuthzRequest,
  ConditionScalar,
  ConditionTrace,
  Decision,
  DecisionKind,
  DecisionReason,
  PolicyCondition,
  PolicyDocument,
  PolicyIssue,
  PolicyKind,
  PolicyPrincipal,
  PolicySource,
  PolicyStatement,
  PrincipalMatchKind,
  RequestContext,
  RequestPrincipal,
  StatementRef,
  StringOrList,
  TraceEntry,
} from './types.js'
