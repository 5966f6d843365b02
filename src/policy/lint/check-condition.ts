import { ALWAYS_PRESENT_KEYS, isMultivaluedKey } from './context-keys.js'
import { finding } from './finding.js'
import type { LintFinding } from './types.js'
import { type ConditionView, conditionsOf, type StatementView, valuePath } from './walk.js'

/** Checks of a statement's `Condition` element, for every kind of policy. */

/** The value without its `${…}` references (their `*`/`?` are not wildcards, IAM-06). */
function withoutVariables(v: string): string {
  return v.replace(/\$\{[^}]*\}/g, '')
}

/**
 * Whether another condition on the same key is false when the key is absent, which closes the
 * fail-open path: `Null` = `false` (key present), or a positive operator without `IfExists`
 * and without `ForAllValues:` (reference_policies_elements_condition_operators, "Important").
 */
function hasPresenceCheck(c: ConditionView, all: readonly ConditionView[]): boolean {
  return all.some((d) => {
    if (d === c || d.lowerKey !== c.lowerKey) return false
    if (d.operator.base.family === 'null') {
      return d.values.length > 0 && d.values.every((v) => v.toLowerCase() === 'false')
    }
    return (
      !d.operator.base.negated && !d.operator.ifExists && d.operator.qualifier !== 'ForAllValues'
    )
  })
}

function nullCheck(c: ConditionView): string {
  return `"Null": {"${c.key}": "false"}`
}

function checkEqualsWildcard(c: ConditionView, out: LintFinding[]): void {
  const b = c.operator.base
  if (b.family !== 'string' || (b.test !== 'eq' && b.test !== 'ieq')) return
  c.values.forEach((v, i) => {
    if (!/[*?]/.test(withoutVariables(v))) return
    const like = b.negated ? 'StringNotLike' : 'StringLike'
    out.push(
      finding(
        'condition.equals_wildcard',
        valuePath(c, i),
        `${c.operatorName} compares ${v} literally: * and ? are not wildcards with ${b.name}, so ${c.key} only matches that exact text. We recommend that you use ${like} if you meant a pattern.`,
      ),
    )
  })
}

const NAME_CHAR = /[A-Za-z0-9]/

/** Index of a `*` that directly follows a name character and ends a segment, or -1. */
function lookalikeStar(v: string): number {
  for (let i = 1; i < v.length; i++) {
    if (v[i] !== '*' || !NAME_CHAR.test(v[i - 1] as string)) continue
    const next = v[i + 1]
    if (next === undefined || next === ':' || next === '/') return i
  }
  return -1
}

function checkLookalike(c: ConditionView, out: LintFinding[]): void {
  const b = c.operator.base
  if (b.test !== 'like' || b.negated) return
  c.values.forEach((v, i) => {
    const at = lookalikeStar(v)
    if (at < 0) return
    const name = /[A-Za-z0-9._-]*$/.exec(v.slice(0, at))?.[0] ?? ''
    const prefix = v.slice(0, at)
    out.push(
      finding(
        'condition.lookalike_prefix',
        valuePath(c, i),
        `The ${c.operatorName} value ${v} matches every value that starts with ${prefix}, so it also admits look-alike names such as ${name}-evil, not only ${name}. We recommend that you write the exact name without a wildcard, or end the prefix with a separator (e.g. ${prefix}-*) if a family of names is meant.`,
      ),
    )
  })
}

function checkNegated(c: ConditionView, all: readonly ConditionView[], out: LintFinding[]): void {
  const op = c.operator
  if (!op.base.negated || op.ifExists || op.qualifier !== undefined) return
  if (ALWAYS_PRESENT_KEYS.includes(c.lowerKey) || hasPresenceCheck(c, all)) return
  out.push(
    finding(
      'condition.negated_absent_key',
      c.path,
      `${c.operatorName} is true when the request has no ${c.key}, so this Allow also applies to every request without that key (it fails open). We recommend that you add ${nullCheck(c)} to this statement, or use a positive operator that lists what is allowed.`,
    ),
  )
}

function checkSetOperators(
  c: ConditionView,
  all: readonly ConditionView[],
  allow: boolean,
  multivalued: ReadonlySet<string>,
  out: LintFinding[],
): void {
  const q = c.operator.qualifier
  if (q === undefined) return
  const single = !isMultivaluedKey(c.lowerKey, multivalued)
  if (q === 'ForAllValues' && single) {
    out.push(
      finding(
        'condition.forallvalues_single_valued',
        c.path,
        `Using ForAllValues qualifier with the single-valued condition key ${c.key} can be overly permissive: it is also true when the request has no ${c.key}. We recommend that you remove ForAllValues: (use ${c.operatorName.slice('ForAllValues:'.length)}).`,
      ),
    )
  }
  if (q === 'ForAllValues' && allow && !c.operator.ifExists && !hasPresenceCheck(c, all)) {
    out.push(
      finding(
        'condition.forallvalues_absent_key',
        c.path,
        `${c.operatorName} is true when the request has no ${c.key} (or an empty list), so this Allow also applies to requests without it. We recommend that you add ${nullCheck(c)} to this statement.`,
      ),
    )
  }
  if (q === 'ForAnyValue' && single) {
    out.push(
      finding(
        'condition.foranyvalue_single_valued',
        c.path,
        `ForAnyValue is meant for multivalued keys; ${c.key} is single-valued. We recommend that you remove ForAnyValue: (use ${c.operatorName.slice('ForAnyValue:'.length)}), which behaves the same on a single value and says what it means.`,
      ),
    )
  }
}

/** Condition checks of one statement. */
export function checkConditions(
  view: StatementView,
  multivalued: ReadonlySet<string>,
  out: LintFinding[],
): void {
  const all = conditionsOf(view)
  for (const c of all) {
    checkEqualsWildcard(c, out)
    checkSetOperators(c, all, view.allow, multivalued, out)
    if (!view.allow) continue
    checkLookalike(c, out)
    checkNegated(c, all, out)
  }
}
