import { childPath } from '../issues.js'
import type { PolicyDocument, StringOrList } from '../types.js'
import { finding } from './finding.js'
import type { LintFinding } from './types.js'
import { conditionsOf, entryPath, type StatementView, statementsOf, valuePath } from './walk.js'

/**
 * Policy variables exist only with `"Version": "2012-10-17"`: under `2008-10-17` or without a
 * Version, `${aws:username}` is literal text (reference_policies_elements_version, IAM-14).
 */

const VARIABLE = /\$\{[^}]+\}/

function versionText(doc: PolicyDocument): string {
  return doc.Version === undefined
    ? 'the policy has no Version'
    : `the policy Version is ${doc.Version}`
}

function variableFinding(doc: PolicyDocument, path: string, value: string): LintFinding {
  const variable = VARIABLE.exec(value)?.[0] ?? value
  return finding(
    'version.variables_literal',
    path,
    `The policy variable ${variable} is not replaced because ${versionText(doc)}: ${value} is compared as literal text and matches nothing useful. We recommend that you add "Version": "2012-10-17".`,
  )
}

function checkList(
  doc: PolicyDocument,
  value: StringOrList | undefined,
  path: string,
  out: LintFinding[],
): void {
  if (value === undefined) return
  const list = typeof value === 'string' ? [value] : value
  list.forEach((v, i) => {
    if (VARIABLE.test(v)) out.push(variableFinding(doc, entryPath(path, value, i), v))
  })
}

function checkStatementVariables(
  doc: PolicyDocument,
  view: StatementView,
  out: LintFinding[],
): void {
  const s = view.statement
  checkList(doc, s.Resource, childPath(view.path, 'Resource'), out)
  checkList(doc, s.NotResource, childPath(view.path, 'NotResource'), out)
  for (const c of conditionsOf(view)) {
    c.values.forEach((v, i) => {
      if (VARIABLE.test(v)) out.push(variableFinding(doc, valuePath(c, i), v))
    })
  }
}

/** Version checks of a document. */
export function checkVersion(doc: PolicyDocument, out: LintFinding[]): void {
  if (doc.Version === undefined) {
    out.push(
      finding(
        'version.missing',
        'Version',
        'The policy has no Version, so IAM reads it with the 2008-10-17 language: policy variables are not replaced. We recommend that you add "Version": "2012-10-17".',
      ),
    )
  }
  if (doc.Version === '2012-10-17') return
  for (const view of statementsOf(doc)) checkStatementVariables(doc, view, out)
}
