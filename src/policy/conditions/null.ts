/**
 * `Null` (reference_policies_elements_condition_operators, "Condition operator to check
 * existence of condition keys"): `true` means the key is absent, `false` that it is present
 * (IAM-10). Values are read case-insensitively; anything else never matches. No policy
 * variables, no `IfExists` (rejected at validation), set qualifiers are ignored.
 */

/** Reads the `Null` policy values: `true`/`false` in any case, `undefined` otherwise. */
export function compileNullValues(values: readonly string[]): readonly (boolean | undefined)[] {
  return values.map((v) => {
    const lower = v.toLowerCase()
    return lower === 'true' ? true : lower === 'false' ? false : undefined
  })
}

/** Whether a `Null` condition holds given whether the key is present. */
export function matchNull(values: readonly (boolean | undefined)[], present: boolean): boolean {
  for (const v of values) if (v === !present) return true
  return false
}
