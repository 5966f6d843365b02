/**
 * A CloudFormation template after parsing and structural validation (template-anatomy). Values
 * inside properties stay in the long form (`{ "Fn::GetAtt": [...] }`, `{ "Ref": ... }`): they
 * are resolved when a stack operation runs.
 */

/** Any JSON-like value of a template. */
export type TemplateValue = unknown

/** A `Parameters` entry (parameters-section-structure). */
export interface ParameterDeclaration {
  readonly key: string
  readonly type: string
  readonly default?: string
  readonly allowedValues?: readonly string[]
  readonly allowedPattern?: string
  readonly minLength?: number
  readonly maxLength?: number
  readonly minValue?: number
  readonly maxValue?: number
  readonly noEcho: boolean
  readonly description?: string
  readonly constraintDescription?: string
}

export type DeletionPolicy = 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot'

/** A `Resources` entry (resources-section-structure). */
export interface ResourceDeclaration {
  readonly logicalId: string
  readonly type: string
  readonly properties: Readonly<Record<string, TemplateValue>>
  readonly dependsOn: readonly string[]
  readonly condition?: string
  readonly deletionPolicy: DeletionPolicy
  readonly updateReplacePolicy: DeletionPolicy
  readonly metadata?: TemplateValue
}

/** An `Outputs` entry (outputs-section-structure). */
export interface OutputDeclaration {
  readonly key: string
  readonly value: TemplateValue
  readonly description?: TemplateValue
  readonly exportName?: TemplateValue
  readonly condition?: string
}

/** A validated template; maps keep the order of the document. */
export interface Template {
  readonly formatVersion?: string
  readonly description?: string
  readonly parameters: ReadonlyMap<string, ParameterDeclaration>
  readonly mappings: Readonly<
    Record<string, Readonly<Record<string, Record<string, TemplateValue>>>>
  >
  readonly conditions: ReadonlyMap<string, TemplateValue>
  readonly resources: ReadonlyMap<string, ResourceDeclaration>
  readonly outputs: ReadonlyMap<string, OutputDeclaration>
  readonly metadata?: TemplateValue
}

/** The value a parameter resolves to: lists for `CommaDelimitedList` and `List<…>` types. */
export type ParameterValue = string | readonly string[]

/** The pseudo parameters of a stack (pseudo-parameter-reference). */
export interface PseudoParameters {
  accountId: string
  region: string
  stackName: string
  stackId: string
  partition: string
  urlSuffix: string
  notificationArns: readonly string[]
}
