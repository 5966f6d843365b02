import { lookupContext } from '../context.js'
import type { ConditionScalar, ConditionTrace, RequestContext } from '../types.js'
import { compileArnMatcher } from './arn.js'
import { compileBinaryMatcher } from './binary.js'
import { compileBoolMatcher } from './bool.js'
import { compileDateMatcher } from './date.js'
import { compileIpMatcher } from './ip.js'
import type { ValueMatcher } from './matcher.js'
import { compileNullValues, matchNull } from './null.js'
import { compileNumericMatcher } from './numeric.js'
import { type ParsedOperator, parseOperator } from './operator.js'
import { compileStringMatcher } from './string.js'

/**
 * One condition: an operator applied to one key with its values. A statement's conditions are
 * AND-ed across operators and keys, its values OR-ed (reference_policies_multi-value-conditions).
 */
export interface CompiledCondition {
  readonly operator: ParsedOperator
  readonly key: string
  readonly lowerKey: string
  readonly values: readonly string[]
  readonly matcher: ValueMatcher | undefined
  readonly nullValues: readonly (boolean | undefined)[] | undefined
  /** 0 none, 1 ForAllValues, 2 ForAnyValue. */
  readonly qualifier: 0 | 1 | 2
}

/** Condition values as strings: JSON numbers and booleans are allowed in policies. */
export function conditionValueStrings(raw: ConditionScalar | readonly ConditionScalar[]): string[] {
  const list: readonly ConditionScalar[] = Array.isArray(raw) ? raw : [raw as ConditionScalar]
  return list.map((v) => String(v))
}

/**
 * Compiles one condition. `variables` is true for `Version: 2012-10-17` policies. Throws on an
 * unknown operator: callers compile validated documents only.
 */
export function compileCondition(
  operatorName: string,
  key: string,
  raw: ConditionScalar | readonly ConditionScalar[],
  variables: boolean,
): CompiledCondition {
  const parsed = parseOperator(operatorName)
  // INVARIANT: the document passed validation, so the operator is known.
  if (!parsed.ok) throw new Error(`unknown condition operator ${operatorName}`)
  const operator = parsed.operator
  const values = conditionValueStrings(raw)
  const { family, test } = operator.base
  let matcher: ValueMatcher | undefined
  let nullValues: readonly (boolean | undefined)[] | undefined
  switch (family) {
    case 'string':
      matcher = compileStringMatcher(test, values, variables)
      break
    case 'numeric':
      matcher = compileNumericMatcher(test, values)
      break
    case 'date':
      matcher = compileDateMatcher(test, values)
      break
    case 'bool':
      matcher = compileBoolMatcher(values)
      break
    case 'binary':
      matcher = compileBinaryMatcher(values)
      break
    case 'ip':
      matcher = compileIpMatcher(values)
      break
    case 'arn':
      matcher = compileArnMatcher(values, variables)
      break
    case 'null':
      nullValues = compileNullValues(values)
      break
  }
  const qualifier =
    operator.qualifier === 'ForAllValues' ? 1 : operator.qualifier === 'ForAnyValue' ? 2 : 0
  return { operator, key, lowerKey: key.toLowerCase(), values, matcher, nullValues, qualifier }
}

/** Result for one request value: the base operator, negated if needed, type errors false. */
function valueResult(
  c: CompiledCondition,
  m: ValueMatcher,
  v: string,
  ctx: RequestContext,
): boolean {
  const r = m.match(v, ctx)
  if (r === undefined) return false
  if (!c.operator.base.negated) return r
  // Negated operators are NOT(any policy value matches); an unreadable policy value makes the
  // comparison unreliable, so it fails closed (IAM-20).
  return m.invalidPolicyValue ? false : !r
}

/** An empty list counts as absent ("a null data set", reference_policies_multi-value-conditions). */
function isPresent(raw: string | readonly string[] | undefined): boolean {
  return raw !== undefined && (typeof raw === 'string' || raw.length > 0)
}

/** Evaluates a condition against the request value of its key. */
export function testCondition(
  c: CompiledCondition,
  raw: string | readonly string[] | undefined,
  ctx: RequestContext,
): boolean {
  const present = isPresent(raw)
  if (c.nullValues !== undefined) return matchNull(c.nullValues, present)
  if (!present) {
    // reference_policies_elements_condition_operators, "Important": an absent key is false,
    // except negated operators (true); …IfExists is true; ForAllValues is true, ForAnyValue
    // false (reference_policies_multi-value-conditions).
    if (c.operator.ifExists) return true
    if (c.qualifier === 1) return true
    if (c.qualifier === 2) return false
    return c.operator.base.negated
  }
  const m = c.matcher as ValueMatcher
  if (c.qualifier === 0) {
    // A multivalued key needs a set operator (UNCONFIRMED, as observed by iam-simulate):
    // without one the condition does not match, negated or not.
    if (typeof raw !== 'string') return false
    return valueResult(c, m, raw, ctx)
  }
  if (typeof raw === 'string') return valueResult(c, m, raw, ctx)
  const list = raw as readonly string[]
  if (c.qualifier === 1) {
    for (let i = 0; i < list.length; i++)
      if (!valueResult(c, m, list[i] as string, ctx)) return false
    return true
  }
  for (let i = 0; i < list.length; i++) if (valueResult(c, m, list[i] as string, ctx)) return true
  return false
}

/** Evaluates a condition, looking its key up in the context. */
export function evaluateCondition(c: CompiledCondition, ctx: RequestContext): boolean {
  return testCondition(c, lookupContext(ctx, c.lowerKey, c.key), ctx)
}

/** Evaluates a condition and records what it saw. */
export function traceCondition(c: CompiledCondition, ctx: RequestContext): ConditionTrace {
  const raw = lookupContext(ctx, c.lowerKey, c.key)
  const result = testCondition(c, raw, ctx)
  const present = isPresent(raw)
  const op = c.operator
  const resolved = c.matcher?.resolve?.(ctx)
  return {
    operator: op.name,
    baseOperator: op.base.name,
    ...(op.qualifier === undefined ? {} : { qualifier: op.qualifier }),
    ifExists: op.ifExists,
    key: c.key,
    values: c.values,
    ...(resolved === undefined ? {} : { resolvedValues: resolved }),
    present,
    ...(raw === undefined ? {} : { requestValue: raw }),
    result,
  }
}
