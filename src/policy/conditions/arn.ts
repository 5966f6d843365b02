import {
  type ArnPattern,
  compileArnPattern,
  matchArnPattern,
  matchArnText,
  splitArn,
} from '../arn.js'
import type { RequestContext } from '../types.js'
import { parseTemplate, resolveTemplate, type Template } from '../variables.js'
import type { ValueMatcher } from './matcher.js'

/**
 * ARN operators (reference_policies_elements_condition_operators, ARN): "Case-sensitive
 * matching of the ARN. Each of the six colon-delimited components of the ARN is checked
 * separately and each can include * or ?"; `ArnEquals` and `ArnLike` behave identically. Policy
 * variables allowed. A request value that is not an ARN (`arn:` and six components) never
 * matches.
 */

type Entry = { readonly pattern: ArnPattern } | { readonly template: Template }

/** Compiles the values of one ARN-operator condition key. */
export function compileArnMatcher(values: readonly string[], variables: boolean): ValueMatcher {
  const entries: Entry[] = values.map((v) => {
    const template = variables ? parseTemplate(v) : undefined
    return template === undefined ? { pattern: compileArnPattern(v) } : { template }
  })
  const hasTemplates = entries.some((e) => 'template' in e)
  const matcher: ValueMatcher = {
    invalidPolicyValue: false,
    match(v: string, ctx: RequestContext) {
      if (!v.startsWith('arn:')) return undefined
      const split = splitArn(v)
      if (split.colonCount !== 5) return undefined
      for (const e of entries) {
        if ('pattern' in e) {
          if (matchArnPattern(e.pattern, split)) return true
          continue
        }
        const r = resolveTemplate(e.template, ctx, true)
        if (r !== null && matchArnText(r.text, r.mask, split)) return true
      }
      return false
    },
  }
  if (!hasTemplates) return matcher
  return {
    ...matcher,
    resolve(ctx) {
      return entries.map((e) =>
        'pattern' in e ? e.pattern.source : (resolveTemplate(e.template, ctx, false)?.text ?? null),
      )
    },
  }
}
