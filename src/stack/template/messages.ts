import { LanyardError } from '../../errors.js'

/**
 * CloudFormation's own error texts. "Confirmed" ones are quoted from real responses in public
 * issues (see docs/cloudformation.md); the others follow the same style and are marked there.
 */
export const CFN_MESSAGES = {
  /** Confirmed: awsdocs/aws-cloudformation-user-guide #855, awslabs/amazon-eks-ami #621. */
  yamlNotWellFormed: (line: number, column: number) =>
    `Template format error: YAML not well-formed. (line ${line}, column ${column})`,
  jsonNotWellFormed: (line: number, column: number) =>
    `Template format error: JSON not well-formed. (line ${line}, column ${column})`,
  notAnObject:
    'Template format error: not a valid template: the template must be a JSON or YAML object',
  noResources: 'Template format error: At least one Resources member must be defined.',
  invalidTopLevel: (keys: readonly string[]) =>
    `Template format error: Invalid template property or properties [${keys.join(', ')}]`,
  unsupportedVersion: (v: string) =>
    `Template format error: Unsupported AWSTemplateFormatVersion: ${v}. Valid values are: 2010-09-09`,
  descriptionNotString: 'Template format error: Description must be a string',
  /** Confirmed: serverless/serverless #4745, cloudnative/lambda-chat #25. */
  unresolvedResources: (names: readonly string[], block: 'Resources' | 'Outputs') =>
    `Template format error: Unresolved resource dependencies [${names.join(', ')}] in the ${block} block of the template`,
  unresolvedConditions: (names: readonly string[], block: 'Resources' | 'Outputs' | 'Conditions') =>
    `Template format error: Unresolved condition dependencies [${names.join(', ')}] in the ${block} block of the template`,
  conditionReferencesResource: (names: readonly string[]) =>
    `Template format error: Unresolved dependencies [${names.join(', ')}]. Cannot reference resources in the Conditions block of the template`,
  /** Confirmed (CreateStack ValidationError, e.g. "[LambdaFunction, LambdaRole]"). */
  circular: (names: readonly string[]) =>
    `Circular dependency between resources: [${names.join(', ')}]`,
  /** Confirmed (ValidateTemplate / CreateStack). */
  unrecognizedTypes: (types: readonly string[]) =>
    `Template format error: Unrecognized resource types: [${types.join(', ')}]`,
  resourceNeedsType: (id: string) =>
    `Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`,
  resourceNotObject: (id: string) =>
    `Template format error: [/Resources/${id}] Every Resources object must be an object.`,
  /** Confirmed ("Invalid template resource property 'Proprties'"). */
  invalidResourceAttribute: (name: string) =>
    `Template format error: Invalid template resource property '${name}'`,
  invalidDependsOn: (id: string) =>
    `Template format error: DependsOn of resource ${id} must be a string or a list of strings`,
  invalidDeletionPolicy: (id: string, v: string) =>
    `Template format error: Unrecognized DeletionPolicy ${v} for resource ${id}`,
  parameterNeedsType: (key: string) =>
    `Template format error: Every Parameters object must contain a Type member. (parameter ${key})`,
  unrecognizedParameterType: (type: string) =>
    `Template format error: Unrecognized parameter type: ${type}`,
  invalidParameterAttribute: (key: string, attr: string) =>
    `Template format error: Invalid template parameter property '${attr}' in parameter ${key}`,
  outputNeedsValue: (key: string) =>
    `Template format error: Every Outputs member must contain a Value object. (output ${key})`,
  invalidOutputAttribute: (key: string, attr: string) =>
    `Template format error: Invalid outputs property '${attr}' in output ${key}`,
  mappingNotObject: (name: string) =>
    `Template format error: Every Mappings member ${name} must be a map`,
  sectionNotObject: (section: string) => `Template format error: ${section} must be an object`,
  badLogicalId: (id: string) => `Template format error: Resource name ${id} is non alphanumeric.`,
  duplicateOutputExport: (name: string) =>
    `Template format error: duplicate Export names found: ${name}`,

  /** Confirmed: boto/botocore #2598, openedx configuration #1993. */
  parametersMustHaveValues: (keys: readonly string[]) =>
    `Parameters: [${keys.join(', ')}] must have values`,
  parametersDoNotExist: (keys: readonly string[]) =>
    `Parameters: [${keys.join(', ')}] do not exist in the template`,
  parameterNotAllowed: (key: string) => `Parameter '${key}' must be one of AllowedValues`,
  parameterPattern: (key: string, pattern: string) =>
    `Parameter '${key}' must match pattern ${pattern}`,
  parameterConstraint: (key: string, description: string) =>
    `Parameter ${key} failed to satisfy constraint: ${description}`,
  parameterMinLength: (key: string, n: number) =>
    `Parameter '${key}' must contain at least ${n} characters`,
  parameterMaxLength: (key: string, n: number) =>
    `Parameter '${key}' must contain at most ${n} characters`,
  parameterNotNumber: (key: string) => `Parameter '${key}' must be a number`,
  parameterMinValue: (key: string, n: number) =>
    `Parameter '${key}' must be a number not less than ${n}`,
  parameterMaxValue: (key: string, n: number) =>
    `Parameter '${key}' must be a number not greater than ${n}`,

  /** Confirmed: envato/stack_master #138, aws/serverless-application-model #51. */
  requiresCapabilities: (caps: readonly string[]) => `Requires capabilities : [${caps.join(', ')}]`,

  /** Confirmed: widdix/aws-cf-templates #87 (as a stack event, with ". Rollback requested by user."). */
  noExport: (name: string) => `No export named ${name} found.`,

  // Intrinsic function errors (Template error: …)
  getAttUndefined: (id: string) =>
    `Template error: instance of Fn::GetAtt references undefined resource ${id}`,
  getAttShape: 'Template error: every Fn::GetAtt object requires two non-empty parameters',
  refShape: 'Template format error: Every Ref object must have a single String value.',
  joinShape:
    'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
  splitShape:
    'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
  selectShape:
    'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
  selectIndex: (i: number) =>
    `Template error: Fn::Select cannot select nonexistent value at index ${i}`,
  subShape:
    "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
  subVariable: (name: string) =>
    `Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons (found \`${name}\`)`,
  ifShape:
    'Template error: every Fn::If object requires three parameters: a condition name, a value if true and a value if false',
  ifCondition: (name: string) =>
    `Template error: unresolved condition dependency ${name} in Fn::If`,
  equalsShape: 'Template error: every Fn::Equals object requires a list of 2 string parameters.',
  logicShape: (fn: string) =>
    `Template error: every ${fn} object requires a list of at least 2 and at most 10 boolean parameters.`,
  notShape: 'Template error: every Fn::Not object requires a list of one boolean parameter.',
  conditionNotBoolean: (fn: string) =>
    `Template error: every ${fn} member must be a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition)`,
  findInMapShape:
    'Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value',
  findInMapMissing: (map: string, top: string, second: string) =>
    `Template error: Unable to get mapping for ${map}::${top}::${second}`,
  findInMapNoMap: (map: string) =>
    `Template error: Mapping named '${map}' is not present in the 'Mappings' section of template.`,
  base64Shape: 'Template error: every Fn::Base64 object requires a string parameter.',
  cidrShape:
    'Template error: every Fn::Cidr object requires three parameters: an ip block, a count of subnets and the number of subnet bits',
  cidrInvalid: (reason: string) => `Template error: Fn::Cidr ${reason}`,
  getAzsShape:
    'Template error: every Fn::GetAZs object requires a string parameter (a region or an empty string)',
  importShape: 'Template error: every Fn::ImportValue object requires a string parameter',
  importDependsOnResource:
    'Template error: the attribute in Fn::ImportValue must not depend on any resources, imported values, or Fn::GetAZs',
  notString: (fn: string) => `Template error: ${fn} must resolve to a string`,
  unsupportedFunction: (fn: string) => `Template error: Encountered unsupported function: ${fn}`,
  conditionUndefined: (name: string) => `Template error: unresolved condition dependency ${name}`,
  valueNotString: (what: string) => `Template error: ${what} must resolve to a string`,
} as const

/** A template or parameter problem: CloudFormation answers these as `ValidationError`. */
export function templateError(message: string): LanyardError {
  return new LanyardError('request.validation', message)
}
