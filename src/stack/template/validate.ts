import { CFN_MESSAGES, templateError } from './messages.js'
import type {
  DeletionPolicy,
  OutputDeclaration,
  ParameterDeclaration,
  ResourceDeclaration,
  Template,
  TemplateValue,
} from './types.js'

const TOP_LEVEL = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
])
const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'Version',
])
const PARAMETER_ATTRIBUTES = new Set([
  'Type',
  'Default',
  'AllowedValues',
  'AllowedPattern',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
  'Description',
  'ConstraintDescription',
])
const OUTPUT_ATTRIBUTES = new Set(['Value', 'Description', 'Export', 'Condition'])
const DELETION_POLICIES = new Set<DeletionPolicy>([
  'Delete',
  'Retain',
  'RetainExceptOnCreate',
  'Snapshot',
])
/** Logical ids are alphanumeric (resources-section-structure: "Logical ID"). */
const LOGICAL_ID = /^[A-Za-z0-9]+$/

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parameter types CloudFormation knows (parameters-section-structure, "Type"). */
export function isKnownParameterType(type: string): boolean {
  if (['String', 'Number', 'List<Number>', 'CommaDelimitedList'].includes(type)) return true
  if (type.startsWith('AWS::SSM::Parameter::')) return false
  if (/^AWS::[A-Za-z0-9]+(::[A-Za-z0-9]+)+$/.test(type)) return true
  return /^List<AWS::[A-Za-z0-9]+(::[A-Za-z0-9]+)+>$/.test(type)
}

/** True for parameter types whose value is a list of strings. */
export function isListParameterType(type: string): boolean {
  return type === 'CommaDelimitedList' || type.startsWith('List<')
}

const scalarText = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined

function section(raw: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = raw[name]
  if (v === undefined || v === null) return {}
  if (!isRecord(v)) throw templateError(CFN_MESSAGES.sectionNotObject(name))
  return v
}

function numberAttr(key: string, attr: string, v: unknown): number | undefined {
  if (v === undefined) return undefined
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
  if (!Number.isFinite(n))
    throw templateError(CFN_MESSAGES.invalidParameterAttribute(key, `${attr}: ${String(v)}`))
  return n
}

function parameter(key: string, raw: unknown): ParameterDeclaration {
  if (!isRecord(raw) || raw.Type === undefined)
    throw templateError(CFN_MESSAGES.parameterNeedsType(key))
  for (const attr of Object.keys(raw))
    if (!PARAMETER_ATTRIBUTES.has(attr))
      throw templateError(CFN_MESSAGES.invalidParameterAttribute(key, attr))
  const type = scalarText(raw.Type) ?? ''
  if (!isKnownParameterType(type)) throw templateError(CFN_MESSAGES.unrecognizedParameterType(type))
  const out: {
    -readonly [K in keyof ParameterDeclaration]: ParameterDeclaration[K]
  } = { key, type, noEcho: scalarText(raw.NoEcho)?.toLowerCase() === 'true' }
  const def = raw.Default
  if (def !== undefined && def !== null) {
    // A list default may be written as a YAML list; CloudFormation joins it with commas.
    out.default = Array.isArray(def)
      ? def.map((d) => scalarText(d) ?? '').join(',')
      : (scalarText(def) ?? '')
  }
  if (raw.AllowedValues !== undefined) {
    if (!Array.isArray(raw.AllowedValues))
      throw templateError(CFN_MESSAGES.invalidParameterAttribute(key, 'AllowedValues'))
    out.allowedValues = raw.AllowedValues.map((v) => scalarText(v) ?? '')
  }
  if (raw.AllowedPattern !== undefined) {
    const p = scalarText(raw.AllowedPattern) ?? ''
    try {
      new RegExp(`^(?:${p})$`, 'u')
    } catch {
      throw templateError(CFN_MESSAGES.invalidParameterAttribute(key, `AllowedPattern: ${p}`))
    }
    out.allowedPattern = p
  }
  const minLength = numberAttr(key, 'MinLength', raw.MinLength)
  if (minLength !== undefined) out.minLength = minLength
  const maxLength = numberAttr(key, 'MaxLength', raw.MaxLength)
  if (maxLength !== undefined) out.maxLength = maxLength
  const minValue = numberAttr(key, 'MinValue', raw.MinValue)
  if (minValue !== undefined) out.minValue = minValue
  const maxValue = numberAttr(key, 'MaxValue', raw.MaxValue)
  if (maxValue !== undefined) out.maxValue = maxValue
  const description = scalarText(raw.Description)
  if (description !== undefined) out.description = description
  const cd = scalarText(raw.ConstraintDescription)
  if (cd !== undefined) out.constraintDescription = cd
  return out
}

function dependsOnList(id: string, v: unknown): string[] {
  if (v === undefined || v === null) return []
  if (typeof v === 'string') return [v]
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[]
  throw templateError(CFN_MESSAGES.invalidDependsOn(id))
}

function policy(id: string, v: unknown): DeletionPolicy {
  if (v === undefined || v === null) return 'Delete'
  const text = scalarText(v) ?? JSON.stringify(v)
  if (!DELETION_POLICIES.has(text as DeletionPolicy))
    throw templateError(CFN_MESSAGES.invalidDeletionPolicy(id, text))
  return text as DeletionPolicy
}

function resource(id: string, raw: unknown): ResourceDeclaration {
  if (!LOGICAL_ID.test(id)) throw templateError(CFN_MESSAGES.badLogicalId(id))
  if (!isRecord(raw)) throw templateError(CFN_MESSAGES.resourceNotObject(id))
  for (const attr of Object.keys(raw))
    if (!RESOURCE_ATTRIBUTES.has(attr))
      throw templateError(CFN_MESSAGES.invalidResourceAttribute(attr))
  if (typeof raw.Type !== 'string' || raw.Type === '')
    throw templateError(CFN_MESSAGES.resourceNeedsType(id))
  const props = raw.Properties
  if (props !== undefined && props !== null && !isRecord(props))
    throw templateError(CFN_MESSAGES.invalidResourceAttribute('Properties'))
  const out: { -readonly [K in keyof ResourceDeclaration]: ResourceDeclaration[K] } = {
    logicalId: id,
    type: raw.Type,
    properties: (props as Record<string, TemplateValue> | undefined) ?? {},
    dependsOn: dependsOnList(id, raw.DependsOn),
    deletionPolicy: policy(id, raw.DeletionPolicy),
    updateReplacePolicy: policy(id, raw.UpdateReplacePolicy),
  }
  if (raw.Condition !== undefined) {
    if (typeof raw.Condition !== 'string')
      throw templateError(CFN_MESSAGES.invalidResourceAttribute('Condition'))
    out.condition = raw.Condition
  }
  if (raw.Metadata !== undefined) out.metadata = raw.Metadata
  return out
}

function output(key: string, raw: unknown): OutputDeclaration {
  if (!isRecord(raw) || raw.Value === undefined || raw.Value === null)
    throw templateError(CFN_MESSAGES.outputNeedsValue(key))
  for (const attr of Object.keys(raw))
    if (!OUTPUT_ATTRIBUTES.has(attr))
      throw templateError(CFN_MESSAGES.invalidOutputAttribute(key, attr))
  const out: { -readonly [K in keyof OutputDeclaration]: OutputDeclaration[K] } = {
    key,
    value: raw.Value,
  }
  if (raw.Description !== undefined) out.description = raw.Description
  if (raw.Export !== undefined) {
    if (!isRecord(raw.Export) || raw.Export.Name === undefined)
      throw templateError(CFN_MESSAGES.invalidOutputAttribute(key, 'Export'))
    out.exportName = raw.Export.Name
  }
  if (raw.Condition !== undefined) {
    if (typeof raw.Condition !== 'string')
      throw templateError(CFN_MESSAGES.invalidOutputAttribute(key, 'Condition'))
    out.condition = raw.Condition
  }
  return out
}

/**
 * Checks a parsed template's structure (template-anatomy) and returns it typed. References
 * between sections are checked separately (`checkReferences`), since which resources exist
 * depends on the conditions.
 */
export function validateTemplate(raw: unknown): Template {
  if (!isRecord(raw)) throw templateError(CFN_MESSAGES.notAnObject)
  const unknown = Object.keys(raw).filter((k) => !TOP_LEVEL.has(k))
  if (unknown.length > 0) throw templateError(CFN_MESSAGES.invalidTopLevel(unknown))
  if (raw.Transform !== undefined)
    throw templateError(
      'Template format error: Transform is not supported by Lanyard (no macros or AWS::Serverless)',
    )
  const version = raw.AWSTemplateFormatVersion
  // YAML 1.1 readers may turn the unquoted date into a Date; the 1.2 core schema keeps text.
  const versionText = scalarText(version)
  if (version !== undefined && versionText !== '2010-09-09')
    throw templateError(CFN_MESSAGES.unsupportedVersion(versionText ?? JSON.stringify(version)))
  if (raw.Description !== undefined && typeof raw.Description !== 'string')
    throw templateError(CFN_MESSAGES.descriptionNotString)

  const resourcesRaw = section(raw, 'Resources')
  if (Object.keys(resourcesRaw).length === 0) throw templateError(CFN_MESSAGES.noResources)

  const parameters = new Map<string, ParameterDeclaration>()
  for (const [k, v] of Object.entries(section(raw, 'Parameters')))
    parameters.set(k, parameter(k, v))
  const mappings: Record<string, Record<string, Record<string, TemplateValue>>> = {}
  for (const [name, m] of Object.entries(section(raw, 'Mappings'))) {
    if (!isRecord(m) || !Object.values(m).every(isRecord))
      throw templateError(CFN_MESSAGES.mappingNotObject(name))
    mappings[name] = m as Record<string, Record<string, TemplateValue>>
  }
  const conditions = new Map<string, TemplateValue>(Object.entries(section(raw, 'Conditions')))
  const resources = new Map<string, ResourceDeclaration>()
  for (const [id, r] of Object.entries(resourcesRaw)) resources.set(id, resource(id, r))
  const outputs = new Map<string, OutputDeclaration>()
  for (const [k, o] of Object.entries(section(raw, 'Outputs'))) outputs.set(k, output(k, o))

  const template: { -readonly [K in keyof Template]: Template[K] } = {
    parameters,
    mappings,
    conditions,
    resources,
    outputs,
  }
  if (versionText !== undefined) template.formatVersion = versionText
  if (typeof raw.Description === 'string') template.description = raw.Description
  if (raw.Metadata !== undefined) template.metadata = raw.Metadata
  return template
}
