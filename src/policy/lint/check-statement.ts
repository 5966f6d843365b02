import { childPath } from '../issues.js'
import type { PolicyKind } from '../types.js'
import { finding, orList } from './finding.js'
import type { LintFinding } from './types.js'
import { asList, entryPath, type StatementView } from './walk.js'
import { isWriteAction } from './write-actions.js'

/** Checks of one statement's elements, for every kind of policy. */

function checkNotElements(view: StatementView, out: LintFinding[]): void {
  const s = view.statement
  if (s.NotAction !== undefined) {
    // reference_policies_elements_notaction: Allow + NotAction allows every action not listed.
    out.push(
      finding(
        'statement.allow_not_action',
        childPath(view.path, 'NotAction'),
        `Using NotAction with "Effect": "Allow" allows every action except ${orList(asList(s.NotAction))}, including actions of every other service and actions AWS adds later. We recommend that you list the allowed actions in Action instead.`,
      ),
    )
  }
  if (s.NotResource !== undefined) {
    // reference_policies_elements_notresource: Allow + NotResource allows every other resource.
    out.push(
      finding(
        'statement.allow_not_resource',
        childPath(view.path, 'NotResource'),
        `Using NotResource with "Effect": "Allow" allows the actions on every resource except ${orList(asList(s.NotResource))}, including resources created later. We recommend that you list the resources in Resource instead.`,
      ),
    )
  }
  if (s.NotPrincipal !== undefined) {
    // reference_policies_elements_notprincipal: "we strongly recommend that you do not use
    // NotPrincipal in the same policy statement as "Effect": "Allow"".
    out.push(
      finding(
        'statement.allow_not_principal',
        childPath(view.path, 'NotPrincipal'),
        'Using NotPrincipal with "Effect": "Allow" grants access to every principal except the ones listed, including anonymous users. We recommend that you list the principals in Principal instead.',
      ),
    )
  }
}

function checkStarWrite(view: StatementView, out: LintFinding[]): void {
  const s = view.statement
  if (s.Resource === undefined || s.Action === undefined) return
  const star = asList(s.Resource).indexOf('*')
  if (star < 0) return
  const writes = asList(s.Action).filter(isWriteAction)
  if (writes.length === 0) return
  const passRole = writes.some((a) => a.toLowerCase() === 'iam:passrole')
  out.push(
    finding(
      'resource.star_write',
      entryPath(childPath(view.path, 'Resource'), s.Resource, star),
      `The statement allows write actions (${writes.join(', ')}) on every resource ("Resource": "*")${passRole ? '; iam:PassRole with "*" lets the principal pass any role, including more privileged ones, to a service' : ''}. We recommend that you name the resources (ARNs) the actions need in Resource.`,
    ),
  )
}

function checkPublicPrincipal(
  view: StatementView,
  kind: PolicyKind | undefined,
  out: LintFinding[],
): void {
  const p = view.statement.Principal
  if (p === undefined || view.statement.Condition !== undefined) return
  const star = p === '*' || asList(p.AWS).includes('*')
  if (!star) return
  const what = kind === 'trust' ? 'assume this role' : 'use this statement'
  out.push(
    finding(
      'trust.principal_public',
      childPath(view.path, 'Principal'),
      `"Principal": "*" without a condition lets anyone, in any AWS account, ${what}. We recommend that you name the principals, or add a condition such as aws:PrincipalOrgID or aws:PrincipalAccount.`,
    ),
  )
}

/** Element checks of one Allow statement. */
export function checkStatement(
  view: StatementView,
  kind: PolicyKind | undefined,
  out: LintFinding[],
): void {
  if (!view.allow) return
  checkNotElements(view, out)
  checkStarWrite(view, out)
  checkPublicPrincipal(view, kind, out)
}
