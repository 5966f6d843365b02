import { CFN_MESSAGES, templateError } from './messages.js'

/** One piece of an `Fn::Sub` string: literal text or a `${Name}` variable. */
export type SubPart = { literal: string } | { variable: string }

const NAME = /^[A-Za-z0-9_.:]+$/

/**
 * Splits an `Fn::Sub` string into literals and variables (intrinsic-function-reference-sub):
 * `${Name}` is a variable, `${!Name}` is the literal text `${Name}`. A `$` not followed by `{`
 * is literal.
 */
export function parseSub(text: string): SubPart[] {
  const parts: SubPart[] = []
  let literal = ''
  let i = 0
  while (i < text.length) {
    const start = text.indexOf('${', i)
    if (start === -1) {
      literal += text.slice(i)
      break
    }
    literal += text.slice(i, start)
    const end = text.indexOf('}', start + 2)
    if (end === -1) {
      // An unclosed `${` is literal text, as CloudFormation leaves it.
      literal += text.slice(start)
      break
    }
    const inner = text.slice(start + 2, end)
    if (inner.startsWith('!')) {
      literal += `\${${inner.slice(1)}}`
    } else {
      if (!NAME.test(inner)) throw templateError(CFN_MESSAGES.subVariable(inner))
      if (literal !== '') parts.push({ literal })
      literal = ''
      parts.push({ variable: inner })
    }
    i = end + 1
  }
  if (literal !== '') parts.push({ literal })
  return parts
}

/** The variable names of an `Fn::Sub` string, in order. */
export function subVariables(text: string): string[] {
  return parseSub(text).flatMap((p) => ('variable' in p ? [p.variable] : []))
}
