import { CFN_MESSAGES, templateError } from './messages.js'
import type { ParameterDeclaration, ParameterValue, Template } from './types.js'
import { isListParameterType } from './validate.js'

/** A parameter as a request gives it (`Parameters.member.N`). */
export interface GivenParameter {
  key: string
  value?: string | undefined
  /** UpdateStack: keep the stack's current value. */
  usePreviousValue?: boolean | undefined
}

function isNumber(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text))
}

function check(p: ParameterDeclaration, value: string): void {
  const fail = (message: string): never => {
    throw templateError(
      p.constraintDescription !== undefined
        ? CFN_MESSAGES.parameterConstraint(p.key, p.constraintDescription)
        : message,
    )
  }
  const items = isListParameterType(p.type) ? value.split(',') : [value]
  const numeric = p.type === 'Number' || p.type === 'List<Number>'
  for (const item of items) {
    if (numeric && !isNumber(item)) throw templateError(CFN_MESSAGES.parameterNotNumber(p.key))
    if (p.allowedValues && !p.allowedValues.includes(item))
      fail(CFN_MESSAGES.parameterNotAllowed(p.key))
    if (numeric) {
      const n = Number(item)
      if (p.minValue !== undefined && n < p.minValue)
        fail(CFN_MESSAGES.parameterMinValue(p.key, p.minValue))
      if (p.maxValue !== undefined && n > p.maxValue)
        fail(CFN_MESSAGES.parameterMaxValue(p.key, p.maxValue))
    }
  }
  // Length and pattern apply to the whole value of String-like parameters.
  if (!numeric) {
    const length = [...value].length
    if (p.minLength !== undefined && length < p.minLength)
      fail(CFN_MESSAGES.parameterMinLength(p.key, p.minLength))
    if (p.maxLength !== undefined && length > p.maxLength)
      fail(CFN_MESSAGES.parameterMaxLength(p.key, p.maxLength))
    if (p.allowedPattern !== undefined && !new RegExp(`^(?:${p.allowedPattern})$`, 'u').test(value))
      fail(CFN_MESSAGES.parameterPattern(p.key, p.allowedPattern))
  }
}

/**
 * The stack's parameter values (parameters-section-structure): given values, else the stack's
 * previous ones (`UsePreviousValue`), else defaults. Errors in CloudFormation's words and order:
 * unknown keys first, then missing values (listed in template order), then constraints.
 */
export function resolveParameters(
  template: Template,
  given: readonly GivenParameter[],
  previous: ReadonlyMap<string, string> = new Map(),
): { values: Map<string, ParameterValue>; raw: Map<string, string> } {
  if (template.parameters.size === 0 && given.length > 0)
    throw templateError('Parameter values specified for a template which does not require them.')
  const unknown = given.filter((g) => !template.parameters.has(g.key)).map((g) => g.key)
  if (unknown.length > 0) throw templateError(CFN_MESSAGES.parametersDoNotExist(unknown))
  const byKey = new Map(given.map((g) => [g.key, g]))
  const raw = new Map<string, string>()
  const missing: string[] = []
  for (const p of template.parameters.values()) {
    const g = byKey.get(p.key)
    const value = g?.usePreviousValue ? previous.get(p.key) : (g?.value ?? p.default)
    if (value === undefined) missing.push(p.key)
    else raw.set(p.key, value)
  }
  if (missing.length > 0) throw templateError(CFN_MESSAGES.parametersMustHaveValues(missing))
  const values = new Map<string, ParameterValue>()
  for (const p of template.parameters.values()) {
    const value = raw.get(p.key) as string
    check(p, value)
    values.set(p.key, isListParameterType(p.type) ? (value === '' ? [] : value.split(',')) : value)
  }
  return { values, raw }
}
