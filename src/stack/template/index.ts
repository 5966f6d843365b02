/**
 * CloudFormation templates (pure): YAML (every short-form tag) and JSON parsing, structural
 * validation, parameters, conditions, intrinsic functions, the dependency graph and the
 * capabilities a template needs — with CloudFormation's own error messages (ValidationError
 * `request.validation`, InsufficientCapabilitiesException `stack.insufficient_capabilities`).
 *
 * @example
 * const loaded = loadTemplate(body, { isKnownType: (t) => t.startsWith('AWS::IAM::') })
 * const stack = instantiate(loaded, { parameters: [{ key: 'ClusterName', value: 'c' }], capabilities: [], pseudo })
 * for (const id of stack.order) resolveValue(stack.resources.get(id)?.properties, ctx)
 */

export type { Capability, RequiredCapabilities } from './capabilities.js'
export { capabilitiesReason, checkCapabilities, requiredCapabilities } from './capabilities.js'
export { cidrSubnets } from './cidr.js'
export { evaluateConditions } from './conditions.js'
export { checkResourceReferences, dependencyGraph, topologicalOrder } from './graph.js'
export type { ResolveContext } from './intrinsics.js'
export { availabilityZones, NO_VALUE, resolveString, resolveValue } from './intrinsics.js'
export { CFN_MESSAGES, templateError } from './messages.js'
export type { GivenParameter } from './parameters.js'
export { resolveParameters } from './parameters.js'
export { isJsonBody, parseTemplateBody } from './parse-body.js'
export type { LoadedTemplate, StackInstance } from './prepare.js'
export { instantiate, isCustomResourceType, loadTemplate } from './prepare.js'
export type { References } from './references.js'
export { collectReferences, isPseudo } from './references.js'
export type { SubPart } from './sub.js'
export { parseSub } from './sub.js'
export type * from './types.js'
export {
  isKnownParameterType,
  isListParameterType,
  isRecord,
  validateTemplate,
} from './validate.js'
