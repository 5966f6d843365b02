import { type ResolveContext, resolveValue } from './intrinsics.js'
import { CFN_MESSAGES, templateError } from './messages.js'
import { collectReferences } from './references.js'
import type { ParameterValue, PseudoParameters, Template } from './types.js'
import { isRecord } from './validate.js'

/**
 * Checks the Conditions section's references (conditions-section-structure): conditions may
 * reference parameters, pseudo parameters, mappings and other conditions, never resources.
 */
export function checkConditionReferences(template: Template): void {
  const resources: string[] = []
  const unknown: string[] = []
  const conditions: string[] = []
  for (const def of template.conditions.values()) {
    const refs = collectReferences(def, undefined, { conditionFunction: true })
    for (const r of [...refs.refs, ...refs.getAtts]) {
      if (template.parameters.has(r)) continue
      if (template.resources.has(r)) resources.push(r)
      else unknown.push(r)
    }
    for (const c of refs.conditions) if (!template.conditions.has(c)) conditions.push(c)
  }
  if (resources.length > 0)
    throw templateError(CFN_MESSAGES.conditionReferencesResource([...new Set(resources)]))
  if (unknown.length > 0)
    throw templateError(CFN_MESSAGES.unresolvedResources([...new Set(unknown)], 'Resources'))
  if (conditions.length > 0)
    throw templateError(CFN_MESSAGES.unresolvedConditions([...new Set(conditions)], 'Conditions'))
}

/**
 * Evaluates every condition of the template with the stack's parameter values
 * (intrinsic-function-reference-conditions). A condition may use another by `{ Condition: name }`;
 * a cycle between conditions is a template error.
 */
export function evaluateConditions(
  template: Template,
  parameters: ReadonlyMap<string, ParameterValue>,
  pseudo: PseudoParameters,
): Map<string, boolean> {
  const values = new Map<string, boolean>()
  const visiting = new Set<string>()

  const named = (name: string): boolean => {
    const known = values.get(name)
    if (known !== undefined) return known
    const def = template.conditions.get(name)
    if (def === undefined) throw templateError(CFN_MESSAGES.conditionUndefined(name))
    if (visiting.has(name))
      throw templateError(`Circular dependency between conditions: [${[...visiting].join(', ')}]`)
    visiting.add(name)
    const v = evaluate(def)
    visiting.delete(name)
    values.set(name, v)
    return v
  }

  const ctx: ResolveContext = {
    parameters,
    pseudo,
    mappings: template.mappings,
    condition: named,
  }

  const evaluate = (def: unknown): boolean => {
    if (isRecord(def) && Object.keys(def).length === 1) {
      const [fn, arg] = Object.entries(def)[0] as [string, unknown]
      if (fn === 'Condition' && typeof arg === 'string') return named(arg)
      if (fn === 'Fn::And' || fn === 'Fn::Or') {
        if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10)
          throw templateError(CFN_MESSAGES.logicShape(fn))
        const vs = arg.map(evaluate)
        return fn === 'Fn::And' ? vs.every(Boolean) : vs.some(Boolean)
      }
      if (fn === 'Fn::Not') {
        if (!Array.isArray(arg) || arg.length !== 1) throw templateError(CFN_MESSAGES.notShape)
        return !evaluate(arg[0])
      }
      if (fn === 'Fn::Equals') return resolveValue(def, ctx) as boolean
    }
    if (def === true || def === 'true') return true
    if (def === false || def === 'false') return false
    throw templateError(CFN_MESSAGES.conditionNotBoolean('Conditions member'))
  }

  for (const name of template.conditions.keys()) named(name)
  return values
}
