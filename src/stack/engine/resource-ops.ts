import { isLanyardError } from '../../errors.js'
import type { StackRecord } from '../../store/ports.js'
import { providerFor } from '../providers/index.js'
import type { ProviderContext, ResourceProvider } from '../providers/provider.js'
import {
  NO_VALUE,
  type PseudoParameters,
  type ResolveContext,
  resolveValue,
} from '../template/index.js'
import type { Actor, EngineDeps } from './deps.js'
import { physicalName, randomSuffix } from './names.js'

/** The text of a resource or stack status reason; unexpected errors say no more than AWS does. */
export function reasonOf(err: unknown): string {
  return isLanyardError(err) ? err.message : 'Internal Failure'
}

/** The pseudo parameters of a stack (pseudo-parameter-reference). */
export function pseudoOf(deps: EngineDeps, stack: StackRecord): PseudoParameters {
  return {
    accountId: deps.accountId,
    region: deps.region,
    stackName: stack.stackName,
    stackId: stack.stackId,
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
    notificationArns: stack.notificationArns,
  }
}

/** A resource's properties with every intrinsic function resolved. */
export function resolveProperties(
  properties: Readonly<Record<string, unknown>>,
  ctx: ResolveContext,
): Record<string, unknown> {
  const v = resolveValue(properties, ctx)
  return v === NO_VALUE ? {} : (v as Record<string, unknown>)
}

/** The provider of a type; `loadTemplate` already refused unknown types. */
export function providerOf(type: string): ResourceProvider {
  const p = providerFor(type)
  if (!p) throw new Error(`no provider for ${type}`)
  return p
}

/** What a provider gets for one resource of a running operation. */
export function providerContext(
  deps: EngineDeps,
  stack: StackRecord,
  actor: Actor,
  logicalId: string,
  resourceType: string,
): ProviderContext {
  const perform: ProviderContext['perform'] = (call, fn) => deps.perform(actor, call, fn)
  return {
    accountId: deps.accountId,
    region: deps.region,
    partition: 'aws',
    stackId: stack.stackId,
    stackName: stack.stackName,
    logicalId,
    resourceType,
    physicalName: (max) =>
      physicalName(stack.stackName, logicalId, max, (deps.randomSuffix ?? randomSuffix)()),
    perform,
    iam: deps.iam,
    eks: deps.eks,
    lambda: deps.lambda,
    invokeCustomResource: (request) => deps.invokeCustomResource(stack.stackId, perform, request),
  }
}

/** Every `Fn::ImportValue` argument in a template value. */
export function importArguments(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) importArguments(v, out)
  else if (value && typeof value === 'object') {
    const entries = Object.entries(value)
    if (entries.length === 1 && entries[0]?.[0] === 'Fn::ImportValue') out.push(entries[0][1])
    else for (const [, v] of entries) importArguments(v, out)
  }
  return out
}
