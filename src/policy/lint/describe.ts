import { parsePolicy } from '../parse.js'
import type { PolicyDocument, PolicyStatement } from '../types.js'
import { validateDocument } from '../validate.js'
import { hasWildcard } from '../wildcard.js'
import { orList } from './finding.js'
import { classifySubject } from './subject.js'
import {
  asList,
  type ConditionView,
  claimKey,
  conditionsOf,
  coversAction,
  isPositive,
  oidcProviderOf,
  type StatementView,
  statementsOf,
} from './walk.js'

/**
 * Plain-English lines saying who can assume a role, from its trust policy: one line per trusted
 * principal (and per `sub` value for OIDC providers), e.g. "any service account in namespace
 * test of issuer oidc.example.com/id/ABC can assume this role". Deny statements give "cannot"
 * lines. Conditions other than the OIDC `sub`/`aud` are appended as "if …".
 */

const STS_AUDIENCE = 'sts.amazonaws.com'
const ROLE_ARN = /^arn:[^:]+:iam::\d{12}:role\//
const USER_ARN = /^arn:[^:]+:iam::\d{12}:user\//
const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/
const ACCOUNT = /^\d{12}$/
const SAML_PROVIDER = /^arn:[^:]+:iam::\d{12}:saml-provider\//

const VERBS: Readonly<Record<string, string>> = {
  StringEquals: 'is',
  StringEqualsIgnoreCase: 'is (any case)',
  StringNotEquals: 'is not',
  StringNotEqualsIgnoreCase: 'is not (any case)',
  StringLike: 'matches',
  StringNotLike: 'does not match',
  ArnEquals: 'matches',
  ArnLike: 'matches',
  ArnNotEquals: 'does not match',
  ArnNotLike: 'does not match',
  IpAddress: 'is in',
  NotIpAddress: 'is not in',
  Bool: 'is',
  NumericEquals: '=',
  NumericNotEquals: '≠',
  NumericLessThan: '<',
  NumericLessThanEquals: '≤',
  NumericGreaterThan: '>',
  NumericGreaterThanEquals: '≥',
  DateEquals: 'is',
  DateNotEquals: 'is not',
  DateLessThan: 'is before',
  DateLessThanEquals: 'is at or before',
  DateGreaterThan: 'is after',
  DateGreaterThanEquals: 'is at or after',
}

function describeCondition(c: ConditionView): string {
  const op = c.operator
  if (op.base.family === 'null') {
    const absent = c.values.every((v) => v.toLowerCase() === 'true')
    return `${c.key} is ${absent ? 'absent' : 'present'}`
  }
  const verb = VERBS[op.base.name] ?? op.base.name
  const set = op.qualifier === undefined ? '' : op.qualifier === 'ForAllValues' ? 'every ' : 'any '
  const ifExists = op.ifExists ? ' (when present)' : ''
  return `${set}${c.key}${ifExists} ${verb} ${orList(c.values)}`
}

function ifClause(conditions: readonly ConditionView[]): string {
  return conditions.length === 0 ? '' : ` if ${conditions.map(describeCondition).join(' and ')}`
}

function subjectPhrase(value: string, like: boolean, issuer: string): string {
  if (!like && hasWildcard(value)) {
    return `only the literal subject ${value} of issuer ${issuer} (StringEquals does not expand wildcards)`
  }
  const scope = classifySubject(value, like)
  switch (scope.kind) {
    case 'serviceAccount':
      return `service account ${scope.name} in namespace ${scope.namespace} of issuer ${issuer}`
    case 'namespace':
      return `any service account in namespace ${scope.namespace} of issuer ${issuer}`
    case 'anyNamespace':
      return scope.namespace === '*'
        ? `a service account named ${scope.name} in any namespace of issuer ${issuer}`
        : `a service account named ${scope.name} in any namespace matching ${scope.namespace} of issuer ${issuer}`
    case 'allServiceAccounts':
      return `any service account in any namespace of issuer ${issuer}`
    case 'owner':
      return `any repository of ${scope.owner} (any branch, pull request or environment) of issuer ${issuer}`
    case 'allRepositories':
      return `any repository of issuer ${issuer}`
    case 'any':
      return `any subject of issuer ${issuer}`
    case 'literal':
      return `subject ${scope.subject} of issuer ${issuer}`
    default:
      return `any subject matching ${scope.pattern} of issuer ${issuer}`
  }
}

function audiencePhrase(positive: readonly ConditionView[]): string {
  if (positive.length === 0) return ', with any audience,'
  const values = positive.flatMap((c) => c.values)
  if (values.every((v) => v === STS_AUDIENCE)) return ''
  return `, with audience ${orList(values)},`
}

function verbOf(view: StatementView): string {
  return view.allow ? 'can assume this role' : 'cannot assume this role (explicit Deny)'
}

function describeOidc(
  view: StatementView,
  provider: string,
  all: readonly ConditionView[],
): string[] {
  const subKey = claimKey(provider, 'sub')
  const audKey = claimKey(provider, 'aud')
  const onSubject = all.filter((c) => c.lowerKey === subKey)
  const onAudience = all.filter((c) => c.lowerKey === audKey)
  const first = onSubject.find(isPositive)
  const positiveAudience = onAudience.filter(isPositive)
  // Negated audience conditions read better as "if aud is not …" than as an audience phrase.
  const audience =
    positiveAudience.length === 0 && onAudience.length > 0 ? '' : audiencePhrase(positiveAudience)
  const extra = all.filter((c) => c !== first && !positiveAudience.includes(c))
  const tail = `${audience} ${verbOf(view)}${ifClause(extra)}`
  if (first === undefined) {
    return [`any identity issued by ${provider} (no sub condition)${tail}`]
  }
  const like = first.operator.base.test === 'like'
  return first.values.map((v) => `${subjectPhrase(v, like, provider)}${tail}`)
}

function describeAws(value: string): string {
  if (value === '*') return 'any principal in any AWS account'
  const root = ROOT_ARN.exec(value)?.[1] ?? (ACCOUNT.test(value) ? value : undefined)
  if (root !== undefined) {
    return `any IAM user or role of account ${root} whose own policies allow sts:AssumeRole`
  }
  if (ROLE_ARN.test(value)) return `role ${value}`
  if (USER_ARN.test(value)) return `user ${value}`
  return `principal ${value}`
}

function describeStatement(view: StatementView): string[] {
  const s: PolicyStatement = view.statement
  const all = conditionsOf(view)
  const tail = ` ${verbOf(view)}${ifClause(all)}`
  if (s.NotPrincipal !== undefined) {
    if (!coversAction(s, 'sts:assumerole')) return []
    return [`any principal except the ones listed in NotPrincipal${tail}`]
  }
  const p = s.Principal
  if (p === undefined) return []
  const lines: string[] = []
  const assumeRole = coversAction(s, 'sts:assumerole')
  if (p === '*') return assumeRole ? [`${describeAws('*')}${tail}`] : []
  if (assumeRole) {
    for (const a of asList(p.AWS)) lines.push(`${describeAws(a)}${tail}`)
    for (const svc of asList(p.Service)) lines.push(`the AWS service ${svc}${tail}`)
  }
  for (const f of asList(p.Federated)) {
    const provider = oidcProviderOf(f)
    if (provider !== undefined) {
      if (coversAction(s, 'sts:assumerolewithwebidentity'))
        lines.push(...describeOidc(view, provider, all))
    } else if (SAML_PROVIDER.test(f)) {
      if (coversAction(s, 'sts:assumerolewithsaml'))
        lines.push(`users of SAML provider ${f}${tail}`)
    } else if (coversAction(s, 'sts:assumerolewithwebidentity')) {
      lines.push(`identities from ${f}${tail}`)
    }
  }
  return lines
}

/**
 * Who can assume a role, in plain English, one line per trusted principal (per `sub` value for
 * OIDC providers), in document order. Returns `[]` for a document that is not a valid policy.
 *
 * @example
 * describeTrustedSubjects(trust)
 * // ['any service account in namespace test of issuer oidc.example.com/id/ABC can assume this role']
 */
export function describeTrustedSubjects(input: string | PolicyDocument): string[] {
  let doc: PolicyDocument
  if (typeof input === 'string') {
    const parsed = parsePolicy(input, { maxLength: 0 })
    if (!parsed.ok) return []
    doc = parsed.document
  } else {
    if (validateDocument(input).length > 0) return []
    doc = input
  }
  return statementsOf(doc).flatMap(describeStatement)
}
