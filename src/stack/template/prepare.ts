import { checkCapabilities } from './capabilities.js'
import { checkConditionReferences, evaluateConditions } from './conditions.js'
import { checkResourceReferences, dependencyGraph, topologicalOrder } from './graph.js'
import { CFN_MESSAGES, templateError } from './messages.js'
import { type GivenParameter, resolveParameters } from './parameters.js'
import { parseTemplateBody } from './parse-body.js'
import type {
  OutputDeclaration,
  ParameterValue,
  PseudoParameters,
  ResourceDeclaration,
  Template,
} from './types.js'
import { validateTemplate } from './validate.js'

/** A template checked on its own, before any parameter value is known. */
export interface LoadedTemplate {
  body: string
  template: Template
}

/** Custom resources need no registration (template-custom-resources). */
export const isCustomResourceType = (type: string): boolean =>
  type === 'AWS::CloudFormation::CustomResource' || /^Custom::[A-Za-z0-9_@-]{1,60}$/.test(type)

/**
 * Parses and checks a template body the way CloudFormation does before it looks at parameters:
 * syntax, structure, references between sections (every resource counted, whatever its
 * condition), circular dependencies, then resource types.
 */
export function loadTemplate(
  body: string,
  options: { isKnownType: (type: string) => boolean },
): LoadedTemplate {
  const template = validateTemplate(parseTemplateBody(body))
  checkConditionReferences(template)
  checkResourceReferences(template, template.resources)
  topologicalOrder(dependencyGraph(template.resources))
  const unknown = [...new Set([...template.resources.values()].map((r) => r.type))].filter(
    (t) => !isCustomResourceType(t) && !options.isKnownType(t),
  )
  if (unknown.length > 0) throw templateError(CFN_MESSAGES.unrecognizedTypes(unknown))
  return { body, template }
}

/** A template with a stack's parameter values: what a create or update deploys. */
export interface StackInstance {
  template: Template
  parameters: Map<string, ParameterValue>
  /** Parameter values as text, as DescribeStacks reports them (before NoEcho masking). */
  rawParameters: Map<string, string>
  conditions: Map<string, boolean>
  /** The resources whose condition holds, in template order. */
  resources: Map<string, ResourceDeclaration>
  /** Each resource's dependencies among `resources`. */
  dependencies: Map<string, string[]>
  /** A creation order (dependencies first). */
  order: string[]
  /** The outputs whose condition holds. */
  outputs: OutputDeclaration[]
}

/**
 * Binds parameter values to a loaded template: parameters, capabilities, conditions, then the
 * references of the resources and outputs that remain (a resource whose condition is false can
 * no longer be referenced).
 */
export function instantiate(
  loaded: LoadedTemplate,
  options: {
    parameters: readonly GivenParameter[]
    previousParameters?: ReadonlyMap<string, string>
    capabilities: readonly string[]
    pseudo: PseudoParameters
  },
): StackInstance {
  const { template } = loaded
  const { values, raw } = resolveParameters(
    template,
    options.parameters,
    options.previousParameters,
  )
  checkCapabilities(template, options.capabilities)
  const conditions = evaluateConditions(template, values, options.pseudo)
  const active = new Map<string, ResourceDeclaration>()
  for (const [id, r] of template.resources)
    if (r.condition === undefined || conditions.get(r.condition)) active.set(id, r)
  const outputs = [...template.outputs.values()].filter(
    (o) => o.condition === undefined || conditions.get(o.condition),
  )
  checkResourceReferences(template, active, outputs)
  const dependencies = dependencyGraph(active)
  return {
    template,
    parameters: values,
    rawParameters: raw,
    conditions,
    resources: active,
    dependencies,
    order: topologicalOrder(dependencies),
    outputs,
  }
}
