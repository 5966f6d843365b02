import { type ParsedOperator, parseOperator } from '../conditions/operator.js'
import { childPath } from '../issues.js'
import type { PolicyDocument, PolicyStatement, StringOrList } from '../types.js'
import { matchWildcard } from '../wildcard.js'

/**
 * Read-only views over a valid policy document for the checks: statements with their paths,
 * conditions flattened to one entry per operator and key, OIDC providers of a principal.
 */

/** One statement and where it is. */
export interface StatementView {
  readonly statement: PolicyStatement
  /** `Statement[i]`, or `Statement` when the document has a single statement object. */
  readonly path: string
  readonly allow: boolean
}

/** One operator applied to one key. */
export interface ConditionView {
  /** Operator as written, e.g. `ForAllValues:StringLike`. */
  readonly operatorName: string
  readonly operator: ParsedOperator
  /** Key as written. */
  readonly key: string
  readonly lowerKey: string
  /** Values as strings (JSON numbers and booleans stringified). */
  readonly values: readonly string[]
  /** Path of the key: `Statement[0].Condition.StringEquals.<key>`. */
  readonly path: string
  /** Whether the values were written as a list (paths of single values then take an index). */
  readonly list: boolean
}

/** A list of strings from a string-or-list element. */
export function asList(v: StringOrList | undefined): readonly string[] {
  if (v === undefined) return []
  return typeof v === 'string' ? [v] : v
}

/** The statements of a document with their paths. */
export function statementsOf(doc: PolicyDocument): StatementView[] {
  const one = !Array.isArray(doc.Statement)
  const list: readonly PolicyStatement[] = one
    ? [doc.Statement as PolicyStatement]
    : (doc.Statement as readonly PolicyStatement[])
  return list.map((statement, i) => ({
    statement,
    path: one ? 'Statement' : childPath('Statement', i),
    allow: statement.Effect === 'Allow',
  }))
}

/** The conditions of a statement, one per operator and key, in document order. */
export function conditionsOf(view: StatementView): ConditionView[] {
  const out: ConditionView[] = []
  const condition = view.statement.Condition
  if (condition === undefined) return out
  const base = childPath(view.path, 'Condition')
  for (const [operatorName, block] of Object.entries(condition)) {
    const parsed = parseOperator(operatorName)
    // INVARIANT: the document passed validation, so every operator is known.
    if (!parsed.ok) continue
    for (const [key, raw] of Object.entries(block)) {
      const list = Array.isArray(raw)
      const values = (list ? (raw as readonly unknown[]) : [raw]).map((v) => String(v))
      out.push({
        operatorName,
        operator: parsed.operator,
        key,
        lowerKey: key.toLowerCase(),
        values,
        path: childPath(childPath(base, operatorName), key),
        list,
      })
    }
  }
  return out
}

/** Path of one value of a condition. */
export function valuePath(c: ConditionView, index: number): string {
  return c.list ? childPath(c.path, index) : c.path
}

/** Path of one entry of a string-or-list element. */
export function entryPath(path: string, value: StringOrList, index: number): string {
  return typeof value === 'string' ? path : childPath(path, index)
}

// reference_identifiers: arn:<partition>:iam::<account>:oidc-provider/<host and path>
const OIDC_PROVIDER = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/

/** The OIDC provider (condition-key prefix, e.g. `oidc.eks.…/id/X`) of a provider ARN. */
export function oidcProviderOf(federated: string): string | undefined {
  return OIDC_PROVIDER.exec(federated)?.[1]
}

/** The OIDC providers named in a statement's `Principal.Federated`. */
export function oidcProvidersOf(s: PolicyStatement): { arn: string; provider: string }[] {
  const p = s.Principal
  if (p === undefined || p === '*') return []
  const out: { arn: string; provider: string }[] = []
  for (const arn of asList(p.Federated)) {
    const provider = oidcProviderOf(arn)
    if (provider !== undefined) out.push({ arn, provider })
  }
  return out
}

/**
 * Whether the statement's `Action`/`NotAction` covers `action` (lower-case `service:name`):
 * actions are case-insensitive and take `*`/`?` wildcards (reference_policies_elements_action).
 */
export function coversAction(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined)
    return asList(s.Action).some((a) => matchWildcard(a.toLowerCase(), action))
  return !asList(s.NotAction).some((a) => matchWildcard(a.toLowerCase(), action))
}

/** The condition key of a claim of an OIDC provider, lower-cased: `<provider>:<claim>`. */
export function claimKey(provider: string, claim: string): string {
  return `${provider}:${claim}`.toLowerCase()
}

/**
 * Whether an operator restricts a key to its values: a positive (not negated) operator other
 * than `Null`. `IfExists` and set qualifiers still restrict a key that is present.
 */
export function isPositive(c: ConditionView): boolean {
  return !c.operator.base.negated && c.operator.base.family !== 'null'
}

/** A value with only `*` (a "match anything" pattern under a `…Like` operator). */
export function isStarOnly(v: string): boolean {
  return v.length > 0 && /^\*+$/.test(v)
}
