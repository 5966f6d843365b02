import { LanyardError } from '../../errors.js'
import { CFN_MESSAGES } from './messages.js'
import type { Template } from './types.js'

export type Capability = 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | 'CAPABILITY_AUTO_EXPAND'

/**
 * The IAM resource types that need an acknowledged capability, and the property that gives
 * each a custom name (CreateStack `Capabilities`: "If you have IAM resources with custom names,
 * you must specify CAPABILITY_NAMED_IAM").
 */
const IAM_TYPES: Readonly<Record<string, string | undefined>> = {
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::UserToGroupAddition': undefined,
}

export interface RequiredCapabilities {
  /** Empty, `[CAPABILITY_IAM]` or `[CAPABILITY_NAMED_IAM]`. */
  capabilities: Capability[]
  /** The resource types that need them, for `CapabilitiesReason`. */
  resourceTypes: string[]
}

/** What a template needs acknowledged (ValidateTemplate's Capabilities/CapabilitiesReason). */
export function requiredCapabilities(template: Template): RequiredCapabilities {
  let named = false
  const types = new Set<string>()
  for (const r of template.resources.values()) {
    if (!(r.type in IAM_TYPES)) continue
    types.add(r.type)
    const nameProperty = IAM_TYPES[r.type]
    if (nameProperty !== undefined && r.properties[nameProperty] !== undefined) named = true
  }
  if (types.size === 0) return { capabilities: [], resourceTypes: [] }
  return {
    capabilities: [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'],
    resourceTypes: [...types],
  }
}

/** `CapabilitiesReason` as ValidateTemplate words it. */
export function capabilitiesReason(required: RequiredCapabilities): string | undefined {
  return required.resourceTypes.length === 0
    ? undefined
    : `The following resource(s) require capabilities: [${required.resourceTypes.join(', ')}]`
}

/**
 * Refuses a template whose IAM resources were not acknowledged:
 * InsufficientCapabilitiesException "Requires capabilities : [CAPABILITY_NAMED_IAM]".
 * CAPABILITY_NAMED_IAM also covers unnamed IAM resources.
 */
export function checkCapabilities(template: Template, given: readonly string[]): void {
  const [needed] = requiredCapabilities(template).capabilities
  if (needed === undefined) return
  const ok =
    needed === 'CAPABILITY_IAM'
      ? given.includes('CAPABILITY_IAM') || given.includes('CAPABILITY_NAMED_IAM')
      : given.includes('CAPABILITY_NAMED_IAM')
  if (!ok)
    throw new LanyardError(
      'stack.insufficient_capabilities',
      CFN_MESSAGES.requiresCapabilities([needed]),
    )
}
