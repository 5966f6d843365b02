import { compileWildcard, testWildcard, type WildcardPattern } from './wildcard.js'

/**
 * `Action` / `NotAction` matching (reference_policies_elements_action): `service:Action`, both
 * parts case-insensitive ("iam:ListAccessKeys" == "IAM:listaccesskeys"), `*` and `?` wildcards.
 * Patterns are lower-cased once at compile time; the request action once per evaluation.
 */

/** Compiles the action patterns of a statement. */
export function compileActions(actions: readonly string[]): readonly WildcardPattern[] {
  return actions.map((a) => compileWildcard(a.toLowerCase()))
}

/** Whether the lower-cased request action matches any pattern. */
export function matchActions(patterns: readonly WildcardPattern[], lowerAction: string): boolean {
  for (let i = 0; i < patterns.length; i++) {
    if (testWildcard(patterns[i] as WildcardPattern, lowerAction, 0, lowerAction.length))
      return true
  }
  return false
}

let lastAction = ''
let lastLower = ''

/** Lower-cases a request action, remembering the last one (requests repeat their action). */
export function lowerAction(action: string): string {
  if (typeof action !== 'string') return ''
  if (action !== lastAction) {
    lastAction = action
    lastLower = action.toLowerCase()
  }
  return lastLower
}
