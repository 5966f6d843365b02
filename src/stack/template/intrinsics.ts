import { cidrSubnets } from './cidr.js'
import { CFN_MESSAGES, templateError } from './messages.js'
import { isPseudo } from './references.js'
import { parseSub } from './sub.js'
import type { ParameterValue, PseudoParameters, Template } from './types.js'
import { isRecord } from './validate.js'

/** `Ref: AWS::NoValue`: the property (or list element) it stands for is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue')

/** What intrinsic functions read while resolving a value. */
export interface ResolveContext {
  readonly parameters: ReadonlyMap<string, ParameterValue>
  readonly pseudo: PseudoParameters
  readonly mappings: Template['mappings']
  /** The value of a named condition; throws for an unknown one. */
  condition(name: string): boolean
  /** `Ref` of a resource (its physical id); absent where resources may not be referenced. */
  resourceRef?(logicalId: string): string
  /** `Fn::GetAtt` of a resource. */
  getAtt?(logicalId: string, attribute: string): unknown
  /** `Fn::ImportValue`: the value of another stack's export. */
  importValue?(name: string): string
}

/** The availability zones Lanyard reports for a region: `<region>a`, `b` and `c`. */
export function availabilityZones(region: string): string[] {
  return ['a', 'b', 'c'].map((z) => `${region}${z}`)
}

/** The value of a pseudo parameter (pseudo-parameter-reference). */
export function pseudoValue(
  name: string,
  p: PseudoParameters,
): string | readonly string[] | typeof NO_VALUE {
  switch (name) {
    case 'AWS::AccountId':
      return p.accountId
    case 'AWS::Region':
      return p.region
    case 'AWS::StackName':
      return p.stackName
    case 'AWS::StackId':
      return p.stackId
    case 'AWS::Partition':
      return p.partition
    case 'AWS::URLSuffix':
      return p.urlSuffix
    case 'AWS::NotificationARNs':
      return p.notificationArns
    case 'AWS::NoValue':
      return NO_VALUE
    default:
      throw templateError(CFN_MESSAGES.unresolvedResources([name], 'Resources'))
  }
}

/** Scalars as CloudFormation passes them to string contexts. */
function asString(v: unknown, what: string): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw templateError(CFN_MESSAGES.valueNotString(what))
}

function asList(v: unknown, shapeError: string): unknown[] {
  if (!Array.isArray(v)) throw templateError(shapeError)
  return v
}

const KNOWN_FUNCTIONS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::GetAZs',
  'Fn::ImportValue',
])

/**
 * Resolves every intrinsic function in `value` (intrinsic-function-reference). Properties and
 * list elements that resolve to `AWS::NoValue` are removed; a top-level `AWS::NoValue` is
 * returned as {@link NO_VALUE}.
 */
export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const item of value) {
      const r = resolveValue(item, ctx)
      if (r !== NO_VALUE) out.push(r)
    }
    return out
  }
  if (!isRecord(value)) return value
  const keys = Object.keys(value)
  if (keys.length === 1) {
    const key = keys[0] as string
    if (KNOWN_FUNCTIONS.has(key)) return callFunction(key, value[key], ctx)
    if (key.startsWith('Fn::')) throw templateError(CFN_MESSAGES.unsupportedFunction(key))
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const r = resolveValue(v, ctx)
    if (r !== NO_VALUE) out[k] = r
  }
  return out
}

/** Resolves a value that must be a string. */
export function resolveString(value: unknown, ctx: ResolveContext, what: string): string {
  return asString(resolveValue(value, ctx), what)
}

function ref(name: string, ctx: ResolveContext): unknown {
  if (isPseudo(name)) return pseudoValue(name, ctx.pseudo)
  const p = ctx.parameters.get(name)
  if (p !== undefined) return p
  if (ctx.resourceRef) return ctx.resourceRef(name)
  throw templateError(CFN_MESSAGES.unresolvedResources([name], 'Resources'))
}

function getAtt(arg: unknown, ctx: ResolveContext): unknown {
  let parts: unknown[]
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.')
    parts = dot === -1 ? [arg] : [arg.slice(0, dot), arg.slice(dot + 1)]
  } else parts = asList(arg, CFN_MESSAGES.getAttShape)
  if (parts.length !== 2 || typeof parts[0] !== 'string' || parts[0] === '')
    throw templateError(CFN_MESSAGES.getAttShape)
  const attribute = resolveString(parts[1], ctx, 'Fn::GetAtt attribute')
  if (attribute === '') throw templateError(CFN_MESSAGES.getAttShape)
  if (!ctx.getAtt) throw templateError(CFN_MESSAGES.getAttUndefined(parts[0]))
  return ctx.getAtt(parts[0], attribute)
}

function sub(arg: unknown, ctx: ResolveContext): string {
  let text: unknown = arg
  const locals = new Map<string, string>()
  if (Array.isArray(arg)) {
    if (arg.length !== 2 || !isRecord(arg[1])) throw templateError(CFN_MESSAGES.subShape)
    text = arg[0]
    for (const [k, v] of Object.entries(arg[1]))
      locals.set(k, resolveString(v, ctx, `Fn::Sub variable ${k}`))
  }
  if (typeof text !== 'string') throw templateError(CFN_MESSAGES.subShape)
  let out = ''
  for (const part of parseSub(text)) {
    if ('literal' in part) {
      out += part.literal
      continue
    }
    const name = part.variable
    const local = locals.get(name)
    if (local !== undefined) out += local
    else if (isPseudo(name) || !name.includes('.')) out += asString(ref(name, ctx), `\${${name}}`)
    else {
      const dot = name.indexOf('.')
      out += asString(getAtt([name.slice(0, dot), name.slice(dot + 1)], ctx), `\${${name}}`)
    }
  }
  return out
}

function resolveList(arg: unknown, ctx: ResolveContext, shapeError: string): unknown[] {
  const v = resolveValue(arg, ctx)
  return asList(v, shapeError)
}

function condition(arg: unknown, ctx: ResolveContext, fn: string): boolean {
  const v = resolveValue(arg, ctx)
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'false') return v === 'true'
  throw templateError(CFN_MESSAGES.conditionNotBoolean(fn))
}

function callFunction(fn: string, arg: unknown, ctx: ResolveContext): unknown {
  switch (fn) {
    case 'Ref':
      if (typeof arg !== 'string') throw templateError(CFN_MESSAGES.refShape)
      return ref(arg, ctx)
    case 'Fn::GetAtt':
      return getAtt(arg, ctx)
    case 'Fn::Sub':
      return sub(arg, ctx)
    case 'Fn::Join': {
      const a = asList(arg, CFN_MESSAGES.joinShape)
      if (a.length !== 2) throw templateError(CFN_MESSAGES.joinShape)
      const delimiter = resolveValue(a[0], ctx)
      if (typeof delimiter !== 'string') throw templateError(CFN_MESSAGES.joinShape)
      return resolveList(a[1], ctx, CFN_MESSAGES.joinShape)
        .map((x) => asString(x, 'every Fn::Join element'))
        .join(delimiter)
    }
    case 'Fn::Select': {
      const a = asList(arg, CFN_MESSAGES.selectShape)
      if (a.length !== 2) throw templateError(CFN_MESSAGES.selectShape)
      const indexText = asString(resolveValue(a[0], ctx), 'Fn::Select index')
      if (!/^\d+$/.test(indexText)) throw templateError(CFN_MESSAGES.selectShape)
      const index = Number(indexText)
      const list = resolveList(a[1], ctx, CFN_MESSAGES.selectShape)
      if (index >= list.length) throw templateError(CFN_MESSAGES.selectIndex(index))
      return list[index]
    }
    case 'Fn::Split': {
      const a = asList(arg, CFN_MESSAGES.splitShape)
      if (a.length !== 2) throw templateError(CFN_MESSAGES.splitShape)
      const delimiter = resolveValue(a[0], ctx)
      if (typeof delimiter !== 'string' || delimiter === '')
        throw templateError(CFN_MESSAGES.splitShape)
      return asString(resolveValue(a[1], ctx), 'Fn::Split source').split(delimiter)
    }
    case 'Fn::If': {
      const a = asList(arg, CFN_MESSAGES.ifShape)
      if (a.length !== 3 || typeof a[0] !== 'string') throw templateError(CFN_MESSAGES.ifShape)
      return resolveValue(ctx.condition(a[0]) ? a[1] : a[2], ctx)
    }
    case 'Fn::Equals': {
      const a = asList(arg, CFN_MESSAGES.equalsShape)
      if (a.length !== 2) throw templateError(CFN_MESSAGES.equalsShape)
      const [x, y] = a.map((v) => resolveValue(v, ctx))
      // Scalars compare as text (`!Equals [!Ref Count, 3]` with Count "3" is true).
      const text = (v: unknown) =>
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(v)
      return text(x) === text(y)
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const a = asList(arg, CFN_MESSAGES.logicShape(fn))
      if (a.length < 2 || a.length > 10) throw templateError(CFN_MESSAGES.logicShape(fn))
      const values = a.map((c) => condition(c, ctx, fn))
      return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean)
    }
    case 'Fn::Not': {
      const a = asList(arg, CFN_MESSAGES.notShape)
      if (a.length !== 1) throw templateError(CFN_MESSAGES.notShape)
      return !condition(a[0], ctx, fn)
    }
    case 'Fn::FindInMap': {
      const a = asList(arg, CFN_MESSAGES.findInMapShape)
      if (a.length !== 3) throw templateError(CFN_MESSAGES.findInMapShape)
      const [map, top, second] = a.map((x) => resolveString(x, ctx, 'Fn::FindInMap key')) as [
        string,
        string,
        string,
      ]
      const m = ctx.mappings[map]
      if (!m) throw templateError(CFN_MESSAGES.findInMapNoMap(map))
      const found = m[top]?.[second]
      if (found === undefined) throw templateError(CFN_MESSAGES.findInMapMissing(map, top, second))
      return found
    }
    case 'Fn::Base64': {
      const v = resolveValue(arg, ctx)
      if (typeof v !== 'string') throw templateError(CFN_MESSAGES.base64Shape)
      return Buffer.from(v, 'utf8').toString('base64')
    }
    case 'Fn::Cidr': {
      const a = asList(arg, CFN_MESSAGES.cidrShape)
      if (a.length !== 3) throw templateError(CFN_MESSAGES.cidrShape)
      const [block, count, bits] = a.map((x) => resolveString(x, ctx, 'Fn::Cidr parameter')) as [
        string,
        string,
        string,
      ]
      if (!/^\d+$/.test(count) || !/^\d+$/.test(bits)) throw templateError(CFN_MESSAGES.cidrShape)
      return cidrSubnets(block, Number(count), Number(bits))
    }
    case 'Fn::GetAZs': {
      const v = resolveValue(arg ?? '', ctx)
      if (typeof v !== 'string') throw templateError(CFN_MESSAGES.getAzsShape)
      return availabilityZones(v === '' ? ctx.pseudo.region : v)
    }
    case 'Fn::ImportValue': {
      const name = resolveValue(arg, ctx)
      if (typeof name !== 'string') throw templateError(CFN_MESSAGES.importShape)
      if (!ctx.importValue) throw templateError(CFN_MESSAGES.noExport(name))
      return ctx.importValue(name)
    }
    default:
      throw templateError(CFN_MESSAGES.unsupportedFunction(fn))
  }
}
