import {
  type ArnPattern,
  compileArnPattern,
  findArnColons,
  matchArnPattern,
  matchArnText,
  type SplitArn,
} from './arn.js'
import type { RequestContext } from './types.js'
import { parseTemplate, resolveTemplate, type Template } from './variables.js'

/**
 * `Resource` / `NotResource` matching (reference_policies_elements_resource): `*`, or an ARN
 * pattern matched component by component, case-sensitively. Policy variables are substituted
 * only "in the resource portion of the ARN … after the fifth colon"; a variable without a value
 * makes that entry match no resource (IAM-13).
 */
export type ResourceMatcher =
  | { readonly kind: 'any'; readonly source: string }
  | { readonly kind: 'arn'; readonly source: string; readonly pattern: ArnPattern }
  | { readonly kind: 'template'; readonly source: string; readonly template: Template }

/** Compiles one resource pattern; `variables` is true for `Version: 2012-10-17`. */
export function compileResource(source: string, variables: boolean): ResourceMatcher {
  if (source === '*') return { kind: 'any', source }
  if (variables) {
    const colons = new Int32Array(5)
    if (findArnColons(source, colons) === 5) {
      const cut = (colons[4] as number) + 1
      const tail = parseTemplate(source.slice(cut))
      if (tail !== undefined) {
        const template: Template = {
          source,
          parts: [{ kind: 'text', text: source.slice(0, cut) }, ...tail.parts],
        }
        return { kind: 'template', source, template }
      }
    }
  }
  return { kind: 'arn', source, pattern: compileArnPattern(source) }
}

/** Whether a split request resource matches one compiled pattern. */
export function matchResource(
  r: ResourceMatcher,
  resource: SplitArn,
  ctx: RequestContext,
): boolean {
  switch (r.kind) {
    case 'any':
      return true
    case 'arn':
      return matchArnPattern(r.pattern, resource)
    default: {
      const resolved = resolveTemplate(r.template, ctx, true)
      return resolved !== null && matchArnText(resolved.text, resolved.mask, resource)
    }
  }
}

/** Whether a request resource matches any of the patterns. */
export function matchResources(
  list: readonly ResourceMatcher[],
  resource: SplitArn,
  ctx: RequestContext,
): boolean {
  for (let i = 0; i < list.length; i++) {
    if (matchResource(list[i] as ResourceMatcher, resource, ctx)) return true
  }
  return false
}
