import type { RequestContext } from '../types.js'
import type { OperatorTest } from './operator.js'

/**
 * What each operator family compiles its policy values into. The generic condition logic
 * (absent keys, negation, `IfExists`, set qualifiers) lives in `condition.ts`; a matcher only
 * answers "does this one request value match any of the policy values" (values of one key are
 * OR-ed, reference_policies_multi-value-conditions).
 */
export interface ValueMatcher {
  /**
   * Whether request value `v` matches at least one policy value; `undefined` when `v` cannot be
   * read as this family's type (such a value never matches, IAM-20).
   */
  match(v: string, ctx: RequestContext): boolean | undefined
  /** Some policy value cannot be read as this family's type (negated operators then fail). */
  readonly invalidPolicyValue: boolean
  /** Policy values after variable substitution (`null` = no value), for traces. */
  resolve?(ctx: RequestContext): (string | null)[]
}

/** Compiles the policy values of one condition key. */
export type MatcherFactory = (
  test: OperatorTest,
  values: readonly string[],
  variables: boolean,
) => ValueMatcher
