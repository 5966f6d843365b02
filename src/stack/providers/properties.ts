import { LanyardError } from '../../errors.js'
import type { PropertySpec, ResourceProvider } from './provider.js'

/** A resource failure: its message becomes the resource's status reason. */
export function resourceError(message: string): LanyardError {
  return new LanyardError('request.invalid', message)
}

/**
 * A failure after which a physical resource may exist (a custom resource answered FAILED with a
 * PhysicalResourceId): rolling back deletes it.
 */
export class ResourceFailure extends LanyardError {
  readonly physicalId: string | undefined
  constructor(message: string, physicalId: string | undefined) {
    super('request.invalid', message)
    this.name = 'ResourceFailure'
    this.physicalId = physicalId
  }
}

const typeOf = (v: unknown): PropertySpec['type'] => {
  if (Array.isArray(v)) return 'List'
  if (typeof v === 'object' && v !== null) return 'Object'
  if (typeof v === 'boolean') return 'Boolean'
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'String'
  return 'String'
}

/**
 * Checks resolved properties against the provider's (resource status reasons CloudFormation
 * gives): "Encountered unsupported property Foo", "Property X cannot be empty.", "Value of
 * property X must be of type List".
 */
export function checkProperties(
  provider: ResourceProvider,
  properties: Record<string, unknown>,
): void {
  const specs = provider.properties
  if (!specs) return
  for (const name of Object.keys(properties))
    if (!(name in specs)) throw resourceError(`Encountered unsupported property ${name}`)
  for (const [name, spec] of Object.entries(specs)) {
    const v = properties[name]
    if (v === undefined || v === null || v === '') {
      if (spec.required) throw resourceError(`Property ${name} cannot be empty.`)
      continue
    }
    if (!spec.type || spec.type === 'Json') continue
    const actual = typeOf(v)
    const ok =
      actual === spec.type ||
      // Scalars convert: numbers and booleans may be given as text and the other way round.
      (spec.type === 'String' && (actual === 'Integer' || actual === 'Boolean')) ||
      (spec.type === 'Integer' && actual === 'String' && /^-?\d+$/.test(String(v))) ||
      (spec.type === 'Boolean' && (v === 'true' || v === 'false'))
    if (!ok) throw resourceError(`Value of property ${name} must be of type ${spec.type}`)
  }
}

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  )

/** Whether two property values are the same (key order aside). */
export function sameValue(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b)
}

/** Names of the properties whose values differ. */
export function changedProperties(
  next: Record<string, unknown>,
  previous: Record<string, unknown>,
): string[] {
  const names = new Set([...Object.keys(next), ...Object.keys(previous)])
  return [...names].filter((n) => !sameValue(next[n], previous[n]))
}

/** The default replacement rule: a changed property marked `replace`. */
export function needsReplacement(
  provider: ResourceProvider,
  next: Record<string, unknown>,
  previous: Record<string, unknown>,
): boolean {
  if (provider.requiresReplacement) return provider.requiresReplacement(next, previous)
  const specs = provider.properties
  if (!specs) return false
  return changedProperties(next, previous).some((n) => specs[n]?.update === 'replace')
}

export const str = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v)

export const int = (v: unknown): number | undefined =>
  v === undefined || v === null || v === '' ? undefined : Number(v)

export const strList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String(x))) : []

/** A policy document given as an object (YAML/JSON) or as JSON text. */
export const policyText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/** `[{ Key, Value }]` → IAM's tag shape. */
export const tagList = (v: unknown): { key: string; value: string }[] =>
  Array.isArray(v)
    ? v.map((t) => ({
        key: String((t as Record<string, unknown>).Key ?? ''),
        value: String((t as Record<string, unknown>).Value ?? ''),
      }))
    : []
