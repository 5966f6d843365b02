import { lookupContext } from './context.js'
import type { RequestContext } from './types.js'
import type { LiteralMask } from './wildcard.js'

/**
 * Policy variables (reference_policies_variables): `${key}` is replaced by the value of a
 * single-valued context key, `${key, 'default'}` falls back to the default, `${*}`, `${?}` and
 * `${$}` stand for the literal characters. Only policies with `"Version": "2012-10-17"` have
 * variables; under `2008-10-17` or without `Version` the text is literal (IAM-14).
 */

/** A `${…}` reference to a context key. */
export interface VariableRef {
  readonly key: string
  readonly lowerKey: string
  readonly defaultValue?: string
}

/** Text from the policy (wildcards active), a variable, or a literal special character. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'var'; readonly ref: VariableRef }
  | { readonly kind: 'char'; readonly char: '*' | '?' | '$' }

/** A value containing at least one variable or special character. */
export interface Template {
  readonly source: string
  readonly parts: readonly TemplatePart[]
}

// Name: no spaces, no braces, no commas (access-analyzer: "Unsupported space in variable");
// default: ", '…'" with a comma and one space.
const VARIABLE = /^([^\s{},']+)(?:, '([^']*)')?$/

/**
 * Parses `${…}` references in `value`. Returns `undefined` when there are none, so the caller
 * keeps the plain string. Malformed references (`${}`, `${a b}`, no closing brace) stay literal.
 */
export function parseTemplate(value: string): Template | undefined {
  if (!value.includes('${')) return undefined
  const parts: TemplatePart[] = []
  let text = ''
  let i = 0
  let found = false
  while (i < value.length) {
    const start = value.indexOf('${', i)
    if (start < 0) break
    const end = value.indexOf('}', start + 2)
    if (end < 0) break
    const inner = value.slice(start + 2, end)
    let part: TemplatePart | undefined
    if (inner === '*' || inner === '?' || inner === '$') {
      part = { kind: 'char', char: inner }
    } else {
      const m = VARIABLE.exec(inner)
      if (m !== null) {
        const key = m[1] as string
        const ref: VariableRef =
          m[2] === undefined
            ? { key, lowerKey: key.toLowerCase() }
            : { key, lowerKey: key.toLowerCase(), defaultValue: m[2] }
        part = { kind: 'var', ref }
      }
    }
    if (part === undefined) {
      text += value.slice(i, start + 2)
      i = start + 2
      continue
    }
    text += value.slice(i, start)
    if (text !== '') parts.push({ kind: 'text', text })
    text = ''
    parts.push(part)
    found = true
    i = end + 1
  }
  text += value.slice(i)
  if (!found) return undefined
  if (text !== '') parts.push({ kind: 'text', text })
  return { source: value, parts }
}

/**
 * Value of a variable, or `undefined` when it has none: absent key without default, or a
 * multivalued key ("You can't use a multivalued condition key as a variable"; UNCONFIRMED: a
 * default then applies, as for an absent key).
 */
export function resolveVariable(ref: VariableRef, ctx: RequestContext): string | undefined {
  const v = lookupContext(ctx, ref.lowerKey, ref.key)
  if (typeof v === 'string') return v
  return ref.defaultValue
}

/** A template resolved against one request. */
export interface ResolvedTemplate {
  readonly text: string
  /** Characters that must not act as wildcards (from variables and `${*}`/`${?}`). */
  readonly mask: LiteralMask | undefined
}

/**
 * Resolves a template to plain text. Returns `null` when a variable has no value: "the value is
 * effectively null. There is no equal or like value" (IAM-13). With `withMask`, also marks the
 * substituted characters as literal so a `*` in a user's tag cannot act as a wildcard.
 */
export function resolveTemplate(
  t: Template,
  ctx: RequestContext,
  withMask: boolean,
): ResolvedTemplate | null {
  let text = ''
  let literalRanges: number[] | undefined
  for (const part of t.parts) {
    if (part.kind === 'text') {
      text += part.text
      continue
    }
    const start = text.length
    if (part.kind === 'char') {
      text += part.char
    } else {
      const v = resolveVariable(part.ref, ctx)
      if (v === undefined) return null
      text += v
    }
    if (withMask) {
      literalRanges ??= []
      literalRanges.push(start, text.length)
    }
  }
  if (literalRanges === undefined) return { text, mask: undefined }
  const mask = new Uint8Array(text.length)
  for (let i = 0; i < literalRanges.length; i += 2) {
    mask.fill(1, literalRanges[i] as number, literalRanges[i + 1] as number)
  }
  return { text, mask }
}
