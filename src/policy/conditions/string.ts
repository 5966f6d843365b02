import type { RequestContext } from '../types.js'
import { parseTemplate, resolveTemplate, type Template } from '../variables.js'
import { compileWildcard, matchWildcard, testWildcard, type WildcardPattern } from '../wildcard.js'
import type { ValueMatcher } from './matcher.js'
import type { OperatorTest } from './operator.js'

/**
 * String operators (reference_policies_elements_condition_operators, String): `StringEquals`
 * exact and case-sensitive (a `*` is literal, IAM-07), `…IgnoreCase` case-insensitive,
 * `StringLike` with `*`/`?` wildcards, case-sensitive. Policy variables allowed.
 */

/** Case-insensitive equality against an already lower-cased `lower`, allocation-free for ASCII. */
export function equalsIgnoreCase(v: string, lower: string): boolean {
  const n = v.length
  for (let i = 0; i < n; i++) {
    if (v.charCodeAt(i) >= 128) return v.toLowerCase() === lower
  }
  // `v` is ASCII, so its lower-case form is ASCII of the same length.
  if (n !== lower.length) return false
  for (let i = 0; i < n; i++) {
    let c = v.charCodeAt(i)
    if (c >= 65 && c <= 90) c += 32
    if (c !== lower.charCodeAt(i)) return false
  }
  return true
}

function matchPlain(test: OperatorTest, values: readonly string[]): ValueMatcher {
  if (test === 'like') {
    const patterns: readonly WildcardPattern[] = values.map(compileWildcard)
    return {
      invalidPolicyValue: false,
      match(v) {
        for (let i = 0; i < patterns.length; i++) {
          if (testWildcard(patterns[i] as WildcardPattern, v, 0, v.length)) return true
        }
        return false
      },
    }
  }
  if (test === 'ieq') {
    const lowered = values.map((x) => x.toLowerCase())
    return {
      invalidPolicyValue: false,
      match(v) {
        for (let i = 0; i < lowered.length; i++) {
          if (equalsIgnoreCase(v, lowered[i] as string)) return true
        }
        return false
      },
    }
  }
  if (values.length === 1) {
    const only = values[0] as string
    return { invalidPolicyValue: false, match: (v) => v === only }
  }
  return {
    invalidPolicyValue: false,
    match(v) {
      for (let i = 0; i < values.length; i++) if (v === values[i]) return true
      return false
    },
  }
}

type Entry = { readonly plain: string } | { readonly template: Template }

function matchEntry(test: OperatorTest, e: Entry, v: string, ctx: RequestContext): boolean {
  if ('plain' in e) {
    if (test === 'like') return matchWildcard(e.plain, v)
    if (test === 'ieq') return equalsIgnoreCase(v, e.plain.toLowerCase())
    return v === e.plain
  }
  // A variable with no value matches nothing (reference_policies_variables, "no value").
  const r = resolveTemplate(e.template, ctx, test === 'like')
  if (r === null) return false
  if (test === 'like') return matchWildcard(r.text, v, r.mask)
  if (test === 'ieq') return equalsIgnoreCase(v, r.text.toLowerCase())
  return v === r.text
}

/** Compiles the values of one string-operator condition key. */
export function compileStringMatcher(
  test: OperatorTest,
  values: readonly string[],
  variables: boolean,
): ValueMatcher {
  const templates = variables ? values.map(parseTemplate) : []
  if (!templates.some((t) => t !== undefined)) return matchPlain(test, values)
  const entries: Entry[] = values.map((plain, i) => {
    const template = templates[i]
    return template === undefined ? { plain } : { template }
  })
  return {
    invalidPolicyValue: false,
    match(v, ctx) {
      for (const e of entries) if (matchEntry(test, e, v, ctx)) return true
      return false
    },
    resolve(ctx) {
      return entries.map((e) =>
        'plain' in e ? e.plain : (resolveTemplate(e.template, ctx, false)?.text ?? null),
      )
    },
  }
}
