/**
 * Condition operator names: `[ForAllValues:|ForAnyValue:]<Base>[IfExists]`
 * (reference_policies_elements_condition_operators; reference_policies_multi-value-conditions).
 */

/** Operator family: one file each under `conditions/`. */
export type OperatorFamily =
  | 'string'
  | 'numeric'
  | 'date'
  | 'bool'
  | 'binary'
  | 'ip'
  | 'arn'
  | 'null'

/**
 * The comparison a base operator makes before negation: `eq` equality, `ieq` case-insensitive
 * equality, `like` wildcard match, `lt`/`le`/`gt`/`ge` ordering, `in` CIDR membership, `null`
 * presence test.
 */
export type OperatorTest = 'eq' | 'ieq' | 'like' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'null'

export interface BaseOperator {
  readonly name: string
  readonly family: OperatorFamily
  readonly test: OperatorTest
  /** Negated operators (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, …). */
  readonly negated: boolean
}

const op = (
  name: string,
  family: OperatorFamily,
  test: OperatorTest,
  negated = false,
): BaseOperator => ({ name, family, test, negated })

/** Every base operator AWS documents. */
export const BASE_OPERATORS: readonly BaseOperator[] = [
  op('StringEquals', 'string', 'eq'),
  op('StringNotEquals', 'string', 'eq', true),
  op('StringEqualsIgnoreCase', 'string', 'ieq'),
  op('StringNotEqualsIgnoreCase', 'string', 'ieq', true),
  op('StringLike', 'string', 'like'),
  op('StringNotLike', 'string', 'like', true),
  op('NumericEquals', 'numeric', 'eq'),
  op('NumericNotEquals', 'numeric', 'eq', true),
  op('NumericLessThan', 'numeric', 'lt'),
  op('NumericLessThanEquals', 'numeric', 'le'),
  op('NumericGreaterThan', 'numeric', 'gt'),
  op('NumericGreaterThanEquals', 'numeric', 'ge'),
  op('DateEquals', 'date', 'eq'),
  op('DateNotEquals', 'date', 'eq', true),
  op('DateLessThan', 'date', 'lt'),
  op('DateLessThanEquals', 'date', 'le'),
  op('DateGreaterThan', 'date', 'gt'),
  op('DateGreaterThanEquals', 'date', 'ge'),
  op('Bool', 'bool', 'eq'),
  op('BinaryEquals', 'binary', 'eq'),
  op('IpAddress', 'ip', 'in'),
  op('NotIpAddress', 'ip', 'in', true),
  // "The ArnEquals and ArnLike condition operators behave identically."
  op('ArnEquals', 'arn', 'like'),
  op('ArnLike', 'arn', 'like'),
  op('ArnNotEquals', 'arn', 'like', true),
  op('ArnNotLike', 'arn', 'like', true),
  op('Null', 'null', 'null'),
]

const BY_LOWER_NAME = new Map(BASE_OPERATORS.map((b) => [b.name.toLowerCase(), b]))

export type SetQualifier = 'ForAllValues' | 'ForAnyValue'

export interface ParsedOperator {
  readonly name: string
  readonly base: BaseOperator
  readonly qualifier?: SetQualifier
  readonly ifExists: boolean
}

export type OperatorParseResult =
  | { readonly ok: true; readonly operator: ParsedOperator }
  | { readonly ok: false; readonly reason: 'unknown' | 'null_if_exists' }

/**
 * Parses an operator name. Matching is case-insensitive (UNCONFIRMED: AWS documents the names
 * in one spelling only; accepting other spellings can only make us more permissive).
 */
export function parseOperator(name: string): OperatorParseResult {
  let rest = name.toLowerCase()
  let qualifier: SetQualifier | undefined
  if (rest.startsWith('forallvalues:')) {
    qualifier = 'ForAllValues'
    rest = rest.slice('forallvalues:'.length)
  } else if (rest.startsWith('foranyvalue:')) {
    qualifier = 'ForAnyValue'
    rest = rest.slice('foranyvalue:'.length)
  }
  let ifExists = false
  let base = BY_LOWER_NAME.get(rest)
  if (base === undefined && rest.endsWith('ifexists')) {
    base = BY_LOWER_NAME.get(rest.slice(0, -'ifexists'.length))
    ifExists = base !== undefined
  }
  if (base === undefined) return { ok: false, reason: 'unknown' }
  // "You can add IfExists to the end of any condition operator name except the Null condition"
  if (ifExists && base.family === 'null') return { ok: false, reason: 'null_if_exists' }
  const operator: ParsedOperator =
    qualifier === undefined ? { name, base, ifExists } : { name, base, qualifier, ifExists }
  return { ok: true, operator }
}
