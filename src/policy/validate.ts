import { childPath, issue, SYNTAX_ERRORS } from './issues.js'
import type { PolicyIssue, PolicyKind } from './types.js'
import { validateCondition } from './validate-condition.js'
import { validatePrincipal } from './validate-principal.js'
import { validateSubjectRestriction } from './validate-trust.js'

/**
 * The policy grammar (reference_policies_grammar) plus the per-kind rules IAM enforces when a
 * policy is written. Works on a JSON value; reports every issue, never stops at the first.
 */

const DOCUMENT_FIELDS = ['Version', 'Id', 'Statement']
const STATEMENT_FIELDS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]
export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const

// IAM: "Statement IDs (SID) must be alpha-numeric" (access-analyzer: "Unsupported Sid").
const IAM_SID = /^[0-9A-Za-z]*$/

/** Kinds that are IAM's own policies (IAM's stricter Sid rules apply). */
function isIamKind(kind: PolicyKind | undefined): boolean {
  return kind !== undefined && kind !== 'resource'
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function both(a: string, b: string): string {
  return `The policy elements ${a} and ${b} can not both be used in the same statement.`
}

/** Each entry of a string-or-list element, with its path; wrong types reported. */
function stringEntries(
  value: unknown,
  path: string,
  code: 'action.invalid' | 'resource.invalid',
  issues: PolicyIssue[],
): [string, string][] {
  const out: [string, string][] = []
  if (typeof value === 'string') {
    out.push([value, path])
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v === 'string') out.push([v, childPath(path, i)])
      else issues.push(issue(code, childPath(path, i), SYNTAX_ERRORS))
    })
  } else {
    issues.push(issue(code, path, SYNTAX_ERRORS))
  }
  return out
}

function validateActions(
  value: unknown,
  path: string,
  kind: PolicyKind | undefined,
  checkSts: boolean,
  issues: PolicyIssue[],
): void {
  for (const [action, p] of stringEntries(value, path, 'action.invalid', issues)) {
    if (action === '*') continue
    const colon = action.indexOf(':')
    if (colon <= 0 || colon === action.length - 1) {
      issues.push(
        issue(
          'action.invalid',
          p,
          'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
        ),
      )
      continue
    }
    if (action.indexOf(':', colon + 1) >= 0) {
      issues.push(issue('action.invalid', p, 'Actions/Condition can contain only one colon.'))
      continue
    }
    if (checkSts && kind === 'trust' && action.slice(0, colon).toLowerCase() !== 'sts') {
      issues.push(
        issue('action.not_sts', p, 'AssumeRole policy may only specify STS AssumeRole actions.'),
      )
    }
  }
}

function validateResources(value: unknown, path: string, issues: PolicyIssue[]): void {
  for (const [resource, p] of stringEntries(value, path, 'resource.invalid', issues)) {
    if (resource === '*') continue
    if (!resource.startsWith('arn:') || resource.length <= 4) {
      issues.push(
        issue('resource.invalid', p, `Resource ${resource} must be in ARN format or "*".`),
      )
    }
  }
}

function validateStatement(
  stmt: unknown,
  path: string,
  kind: PolicyKind | undefined,
  issues: PolicyIssue[],
): void {
  if (!isPlainObject(stmt)) {
    issues.push(issue('statement.invalid', path, SYNTAX_ERRORS))
    return
  }
  for (const key of Object.keys(stmt)) {
    if (!STATEMENT_FIELDS.includes(key)) {
      issues.push(issue('statement.unknown_field', childPath(path, key), `Unknown field ${key}`))
    }
  }
  const has = (k: string): boolean => Object.hasOwn(stmt, k)

  if (has('Sid')) {
    const sid = stmt.Sid
    if (typeof sid !== 'string') {
      issues.push(issue('sid.invalid', childPath(path, 'Sid'), SYNTAX_ERRORS))
    } else if (isIamKind(kind) && !IAM_SID.test(sid)) {
      issues.push(
        issue(
          'sid.invalid',
          childPath(path, 'Sid'),
          'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
        ),
      )
    }
  }

  if (!has('Effect')) {
    issues.push(issue('effect.missing', childPath(path, 'Effect'), 'Missing required field Effect'))
  } else if (stmt.Effect !== 'Allow' && stmt.Effect !== 'Deny') {
    // Effect values are case-sensitive: "allow" is rejected (IAM-21).
    issues.push(
      issue(
        'effect.invalid',
        childPath(path, 'Effect'),
        `The effect ${String(stmt.Effect)} is not valid. Use Allow or Deny.`,
      ),
    )
  }

  // Action / NotAction: exactly one (reference_policies_elements_action, _notaction).
  if (has('Action') && has('NotAction')) {
    issues.push(issue('action.conflict', path, both('Action', 'NotAction')))
  } else if (!has('Action') && !has('NotAction')) {
    issues.push(
      issue('action.missing', childPath(path, 'Action'), 'Policy statement must contain actions.'),
    )
  }
  if (has('Action')) validateActions(stmt.Action, childPath(path, 'Action'), kind, true, issues)
  if (has('NotAction')) {
    validateActions(stmt.NotAction, childPath(path, 'NotAction'), kind, false, issues)
  }

  // Resource / NotResource: required except in trust policies, where they are prohibited.
  if (kind === 'trust') {
    for (const k of ['Resource', 'NotResource']) {
      if (has(k))
        issues.push(issue('resource.forbidden', childPath(path, k), `Has prohibited field ${k}`))
    }
  } else {
    if (has('Resource') && has('NotResource')) {
      issues.push(issue('resource.conflict', path, both('Resource', 'NotResource')))
    } else if (kind !== undefined && !has('Resource') && !has('NotResource')) {
      issues.push(
        issue(
          'resource.missing',
          childPath(path, 'Resource'),
          'Policy statement must contain resources.',
        ),
      )
    }
    if (has('Resource')) validateResources(stmt.Resource, childPath(path, 'Resource'), issues)
    if (has('NotResource'))
      validateResources(stmt.NotResource, childPath(path, 'NotResource'), issues)
  }

  // Principal / NotPrincipal (reference_policies_elements_principal, _notprincipal).
  const principalAllowed = kind === undefined || kind === 'resource' || kind === 'trust'
  if (!principalAllowed) {
    for (const k of ['Principal', 'NotPrincipal']) {
      if (has(k)) {
        issues.push(
          issue(
            'principal.forbidden',
            childPath(path, k),
            'Policy document should not specify a principal.',
          ),
        )
      }
    }
  } else {
    if (kind === 'trust' && has('NotPrincipal')) {
      // "NotPrincipal … not allowed in … role trust policies"
      issues.push(
        issue(
          'principal.forbidden',
          childPath(path, 'NotPrincipal'),
          'Has prohibited field NotPrincipal',
        ),
      )
    } else if (has('Principal') && has('NotPrincipal')) {
      issues.push(issue('principal.conflict', path, both('Principal', 'NotPrincipal')))
    }
    const needsPrincipal =
      kind === 'trust'
        ? !has('Principal')
        : kind === 'resource' && !has('Principal') && !has('NotPrincipal')
    if (needsPrincipal) {
      issues.push(
        issue(
          'principal.missing',
          childPath(path, 'Principal'),
          'Missing required field Principal',
        ),
      )
    }
    if (has('Principal'))
      issues.push(...validatePrincipal(stmt.Principal, childPath(path, 'Principal')))
    if (has('NotPrincipal') && kind !== 'trust') {
      issues.push(...validatePrincipal(stmt.NotPrincipal, childPath(path, 'NotPrincipal')))
    }
  }

  if (has('Condition'))
    issues.push(...validateCondition(stmt.Condition, childPath(path, 'Condition')))
}

/** Extra, opt-in checks of {@link validateDocument}. */
export interface ValidateOptions {
  /**
   * OIDC provider hosts (e.g. `token.actions.githubusercontent.com`) whose trust statements must
   * restrict the subject (IAM-18, AWS-compatible; trust policies only).
   */
  readonly oidcSubjectRequired?: readonly string[]
}

/**
 * Validates a JSON value as a policy document of the given kind (no kind: grammar only).
 * Returns every issue found; an empty list means the document is valid.
 */
export function validateDocument(
  value: unknown,
  kind?: PolicyKind,
  options: ValidateOptions = {},
): PolicyIssue[] {
  const issues: PolicyIssue[] = []
  if (!isPlainObject(value)) {
    issues.push(issue('policy.not_object', '', SYNTAX_ERRORS))
    return issues
  }
  for (const key of Object.keys(value)) {
    if (!DOCUMENT_FIELDS.includes(key)) {
      issues.push(issue('policy.unknown_field', key, `Unknown field ${key}`))
    }
  }
  if (Object.hasOwn(value, 'Version')) {
    const v = value.Version
    if (typeof v !== 'string' || !(POLICY_VERSIONS as readonly string[]).includes(v)) {
      issues.push(
        issue(
          'version.invalid',
          'Version',
          `The version ${String(v)} is not valid. Use one of the following versions: ${POLICY_VERSIONS.join(', ')}`,
        ),
      )
    }
  }
  if (Object.hasOwn(value, 'Id') && typeof value.Id !== 'string') {
    issues.push(issue('id.invalid', 'Id', SYNTAX_ERRORS))
  }
  if (!Object.hasOwn(value, 'Statement')) {
    issues.push(issue('statement.missing', 'Statement', 'Missing required field Statement'))
    return issues
  }
  const statements = value.Statement
  if (Array.isArray(statements)) {
    if (statements.length === 0) issues.push(issue('statement.missing', 'Statement', SYNTAX_ERRORS))
    statements.forEach((s, i) => {
      validateStatement(s, childPath('Statement', i), kind, issues)
    })
  } else if (isPlainObject(statements)) {
    validateStatement(statements, 'Statement', kind, issues)
  } else {
    issues.push(issue('statement.invalid', 'Statement', SYNTAX_ERRORS))
  }

  const hosts = options.oidcSubjectRequired
  if (kind === 'trust' && hosts !== undefined && hosts.length > 0) {
    issues.push(...validateSubjectRestriction(statements, hosts))
  }

  // "Statement IDs (SID) in a single policy must be unique." (IAM policies)
  if (isIamKind(kind)) {
    const list = Array.isArray(statements) ? statements : [statements]
    const seen = new Set<string>()
    list.forEach((s, i) => {
      const sid = isPlainObject(s) ? s.Sid : undefined
      if (typeof sid !== 'string' || sid === '') return
      if (seen.has(sid)) {
        issues.push(
          issue(
            'sid.duplicate',
            childPath(childPath('Statement', i), 'Sid'),
            'Statement IDs (SID) in a single policy must be unique.',
          ),
        )
      }
      seen.add(sid)
    })
  }
  return issues
}
