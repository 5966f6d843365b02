import { childPath } from '../issues.js'
import { hasWildcard } from '../wildcard.js'
import { finding } from './finding.js'
import { classifySubject } from './subject.js'
import type { LintFinding } from './types.js'
import {
  asList,
  type ConditionView,
  claimKey,
  conditionsOf,
  coversAction,
  entryPath,
  isPositive,
  isStarOnly,
  oidcProvidersOf,
  type StatementView,
  valuePath,
} from './walk.js'

/**
 * Checks of trust statements that let an OIDC provider (`Principal.Federated` =
 * `arn:…:oidc-provider/<provider>`) assume the role: the `sub` and `aud` claims must be
 * restricted (id_roles_create_for-idp_oidc; EKS IRSA: "StringEquals" on both), and `sub`
 * patterns must not admit more workloads than meant (IAM-16).
 */

const WEB_IDENTITY = 'sts:assumerolewithwebidentity'
/** Actions a web identity session may also need in the trust policy (session tags etc.). */
const WEB_IDENTITY_COMPANIONS = [
  WEB_IDENTITY,
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
]
// IAM-18: for GitHub, AWS accepts `job_workflow_ref` in place of `sub`.
const SUBJECT_CLAIMS = ['sub', 'job_workflow_ref']
const STS_AUDIENCE = 'sts.amazonaws.com'
/** Issuers whose tokens for AWS carry `aud: sts.amazonaws.com` (EKS IRSA, GitHub Actions). */
const STS_AUDIENCE_ISSUERS = [
  /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[^/]+\/?$/,
  /^token\.actions\.githubusercontent\.com\/?$/,
]

/** A positive condition that restricts the key to something narrower than "anything". */
function restricts(c: ConditionView): boolean {
  if (!isPositive(c)) return false
  const like = c.operator.base.test === 'like'
  return c.values.some((v) => !(like && isStarOnly(v)))
}

function checkSubjectPatterns(c: ConditionView, provider: string, out: LintFinding[]): void {
  const like = c.operator.base.test === 'like'
  c.values.forEach((value, i) => {
    const scope = classifySubject(value, like)
    const path = valuePath(c, i)
    const subject = `${provider}:sub`
    switch (scope.kind) {
      case 'any':
      case 'allServiceAccounts':
      case 'allRepositories': {
        const who =
          scope.kind === 'any'
            ? 'every identity the issuer signs a token for'
            : scope.kind === 'allServiceAccounts'
              ? 'every service account in every namespace of the cluster'
              : 'every GitHub repository'
        out.push(
          finding(
            'oidc.sub_wildcard_all',
            path,
            `The ${subject} pattern ${value} admits ${who}, so any of them can assume this role. We recommend that you list the exact subjects with StringEquals, e.g. system:serviceaccount:<namespace>:<name>.`,
          ),
        )
        break
      }
      case 'anyNamespace':
        out.push(
          finding(
            'oidc.sub_wildcard_any_namespace',
            path,
            `The ${subject} pattern ${value} has a wildcard in the namespace, so a service account named ${scope.name} in any matching namespace can assume this role, including namespaces created later by anyone allowed to create one. We recommend that you name the namespace: system:serviceaccount:<namespace>:${scope.name}.`,
          ),
        )
        break
      case 'namespace':
        out.push(
          finding(
            'oidc.sub_wildcard_namespace',
            path,
            `The ${subject} pattern ${value} admits every service account in namespace ${scope.namespace}, including ones created later. We recommend that you name the service account with StringEquals: system:serviceaccount:${scope.namespace}:<name>.`,
          ),
        )
        break
      case 'owner':
        out.push(
          finding(
            'oidc.sub_wildcard_owner',
            path,
            `The ${subject} pattern ${value} admits every repository of ${scope.owner}, and every branch, pull request and environment in them. We recommend that you name the repository and the ref or environment, e.g. repo:${scope.owner}/<repo>:ref:refs/heads/main.`,
          ),
        )
        break
      default:
    }
  })
}

function checkProvider(
  view: StatementView,
  provider: string,
  conditions: readonly ConditionView[],
  out: LintFinding[],
): void {
  const conditionPath =
    view.statement.Condition === undefined ? view.path : childPath(view.path, 'Condition')
  const subjectKeys = SUBJECT_CLAIMS.map((claim) => claimKey(provider, claim))
  const subKey = claimKey(provider, 'sub')
  const audKey = claimKey(provider, 'aud')
  const onSubject = conditions.filter((c) => subjectKeys.includes(c.lowerKey))
  if (!onSubject.some(restricts)) {
    // A `sub` pattern of only `*` is reported by the pattern check, more precisely.
    const wildcardOnly = onSubject.some((c) => c.lowerKey === subKey && isPositive(c))
    if (!wildcardOnly) {
      out.push(
        finding(
          'oidc.sub_missing',
          conditionPath,
          `The statement trusts the OIDC provider ${provider} without a condition on ${provider}:sub, so every identity the issuer signs a token for can assume this role (in EKS, every service account of the cluster). We recommend that you add "StringEquals": {"${provider}:sub": "system:serviceaccount:<namespace>:<name>"}.`,
        ),
      )
    }
  }
  for (const c of conditions) {
    if (c.lowerKey === subKey && isPositive(c)) checkSubjectPatterns(c, provider, out)
  }
  const onAudience = conditions.filter((c) => c.lowerKey === audKey)
  if (!onAudience.some(restricts)) {
    out.push(
      finding(
        'oidc.aud_missing',
        conditionPath,
        `The statement trusts the OIDC provider ${provider} without a condition on ${provider}:aud, so tokens the issuer signs for any audience can assume this role. We recommend that you add "StringEquals": {"${provider}:aud": "${STS_AUDIENCE}"}.`,
      ),
    )
    return
  }
  if (!STS_AUDIENCE_ISSUERS.some((r) => r.test(provider))) return
  for (const c of onAudience) {
    if (!isPositive(c) || c.values.some((v) => v === STS_AUDIENCE)) continue
    out.push(
      finding(
        'oidc.aud_unexpected',
        c.path,
        `The ${provider}:aud condition does not accept ${STS_AUDIENCE}, the audience this issuer's tokens for AWS carry, so the role may never be assumed. We recommend that you use "${provider}:aud": "${STS_AUDIENCE}".`,
      ),
    )
  }
}

function checkActions(view: StatementView, providers: readonly string[], out: LintFinding[]): void {
  const s = view.statement
  const names = providers.join(', ')
  if (!coversAction(s, WEB_IDENTITY)) {
    const path = childPath(view.path, s.Action !== undefined ? 'Action' : 'NotAction')
    out.push(
      finding(
        'trust.federated_action_mismatch',
        path,
        `The statement trusts the OIDC provider ${names} but does not allow sts:AssumeRoleWithWebIdentity, the only way a web identity can assume a role, so it never applies to it. We recommend that you use "Action": "sts:AssumeRoleWithWebIdentity".`,
      ),
    )
    return
  }
  if (s.Action === undefined) return
  asList(s.Action).forEach((a, i) => {
    const lower = a.toLowerCase()
    if (hasWildcard(lower) || WEB_IDENTITY_COMPANIONS.includes(lower)) return
    out.push(
      finding(
        'trust.federated_action_mismatch',
        entryPath(childPath(view.path, 'Action'), s.Action as string | readonly string[], i),
        `The action ${a} does not apply to the OIDC provider ${names}: a web identity assumes a role with sts:AssumeRoleWithWebIdentity only. We recommend that you remove ${a} from this statement.`,
      ),
    )
  })
}

/** OIDC trust checks of one statement. */
export function checkOidcStatement(view: StatementView, out: LintFinding[]): void {
  if (!view.allow) return
  const providers = oidcProvidersOf(view.statement).map((p) => p.provider)
  if (providers.length === 0) return
  checkActions(view, providers, out)
  const conditions = conditionsOf(view)
  for (const provider of providers) checkProvider(view, provider, conditions, out)
}
