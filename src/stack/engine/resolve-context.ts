import { providerFor } from '../providers/index.js'
import {
  CFN_MESSAGES,
  isRecord,
  type PseudoParameters,
  parseSub,
  type ResolveContext,
  type StackInstance,
  templateError,
} from '../template/index.js'

/** What a run knows of its resources so far: `Ref` values and `Fn::GetAtt` attributes. */
export interface KnownResources {
  physical: Map<string, string>
  attributes: Map<string, Record<string, unknown>>
}

export const unsupportedAttribute = (id: string, attr: string) =>
  `Template error: resource ${id} does not support attribute type ${attr} in Fn::GetAtt`

/** Confirmed wording (aws/aws-cdk #29949): a custom resource's Data lacks the attribute. */
export const vendorResponseMissing = (attr: string, stackId: string, id: string) =>
  `CustomResource attribute error: Vendor response doesn't contain ${attr} attribute in object ${stackId}|${id}`

/** The resolution context of a running stack operation. */
export function runResolveContext(
  instance: StackInstance,
  pseudo: PseudoParameters,
  known: KnownResources,
  imports: ReadonlyMap<string, string>,
): ResolveContext {
  return {
    parameters: instance.parameters,
    pseudo,
    mappings: instance.template.mappings,
    condition: (name) => {
      const v = instance.conditions.get(name)
      if (v === undefined) throw templateError(CFN_MESSAGES.conditionUndefined(name))
      return v
    },
    resourceRef: (id) => {
      const p = known.physical.get(id)
      if (p === undefined) throw templateError(CFN_MESSAGES.unresolvedResources([id], 'Resources'))
      return p
    },
    getAtt: (id, attr) => {
      const r = instance.resources.get(id)
      const attrs = known.attributes.get(id)
      if (!r || !attrs) throw templateError(CFN_MESSAGES.getAttUndefined(id))
      const provider = providerFor(r.type)
      if (provider?.attributes && !provider.attributes.includes(attr))
        throw templateError(unsupportedAttribute(id, attr))
      const v = attrs[attr]
      if (v === undefined) {
        if (!provider?.attributes)
          throw templateError(vendorResponseMissing(attr, pseudo.stackId, id))
        throw templateError(unsupportedAttribute(id, attr))
      }
      return v
    },
    importValue: (name) => {
      const v = imports.get(name)
      if (v === undefined) throw templateError(CFN_MESSAGES.noExport(name))
      return v
    },
  }
}

/** Every `Fn::GetAtt` (and `${Res.Attr}`) with a literal attribute name in a template value. */
export function literalGetAtts(value: unknown, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) {
    for (const v of value) literalGetAtts(v, out)
    return out
  }
  if (!isRecord(value)) return out
  const keys = Object.keys(value)
  if (keys.length === 1) {
    const arg = value[keys[0] as string]
    if (keys[0] === 'Fn::GetAtt') {
      const parts =
        typeof arg === 'string'
          ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)]
          : arg
      if (Array.isArray(parts) && typeof parts[0] === 'string' && typeof parts[1] === 'string')
        out.push([parts[0], parts[1]])
      return out
    }
    if (keys[0] === 'Fn::Sub') {
      const text = Array.isArray(arg) ? arg[0] : arg
      const locals = Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : {}
      if (typeof text === 'string')
        for (const p of parseSub(text))
          if ('variable' in p && !(p.variable in locals) && !p.variable.startsWith('AWS::')) {
            const dot = p.variable.indexOf('.')
            if (dot !== -1) out.push([p.variable.slice(0, dot), p.variable.slice(dot + 1)])
          }
      if (Array.isArray(arg)) literalGetAtts(arg[1], out)
      return out
    }
  }
  for (const v of Object.values(value)) literalGetAtts(v, out)
  return out
}

/** Refuses attributes a resource type does not have, before anything is created. */
export function checkAttributes(instance: StackInstance): void {
  const values = [
    ...[...instance.resources.values()].map((r) => r.properties),
    ...instance.outputs.map((o) => [o.value, o.exportName]),
  ]
  for (const [id, attr] of literalGetAtts(values)) {
    const r = instance.resources.get(id)
    const attrs = r && providerFor(r.type)?.attributes
    if (attrs && !attrs.includes(attr)) throw templateError(unsupportedAttribute(id, attr))
  }
}
