/**
 * The IAM service's own shapes: camelCase, no wire names. Dates are ISO 8601 strings in UTC
 * (with milliseconds; the wire layer prints them the way AWS does).
 */

export interface Tag {
  key: string
  value: string
}

/** A risky-but-valid finding about a policy (from the policy engine's linter). */
export interface PolicyFinding {
  code: string
  severity: string
  path: string
  message: string
}

export interface OidcProvider {
  arn: string
  /** The provider URL without `https://`, as IAM returns it. */
  url: string
  clientIds: string[]
  thumbprints: string[]
  createDate: string
  tags: Tag[]
}

export interface Role {
  path: string
  roleName: string
  roleId: string
  arn: string
  createDate: string
  /** The trust policy exactly as written (the wire layer URL-encodes it). */
  assumeRolePolicyDocument: string
  description?: string
  maxSessionDuration: number
  permissionsBoundaryArn?: string
  tags: Tag[]
  roleLastUsed?: { lastUsedDate?: string; region?: string }
}

export interface ManagedPolicy {
  policyName: string
  policyId: string
  arn: string
  path: string
  defaultVersionId: string
  /** Roles the policy is attached to (computed from the store). */
  attachmentCount: number
  /** Roles using the policy as their permissions boundary (computed from the store). */
  permissionsBoundaryUsageCount: number
  isAttachable: boolean
  description?: string
  createDate: string
  updateDate: string
  tags: Tag[]
}

export interface PolicyVersion {
  /** The document exactly as written. */
  document: string
  versionId: string
  isDefaultVersion: boolean
  createDate: string
}

export interface AttachedPolicy {
  policyName: string
  policyArn: string
}

/** One page of a listing; `marker` is present exactly when the listing is truncated. */
export interface Paged<T> {
  items: T[]
  isTruncated: boolean
  marker?: string
}

export interface PageOptions {
  /** 1..1000; default 100 (the IAM default). */
  maxItems?: number | undefined
  marker?: string | undefined
}

export interface CreateOidcProviderInput {
  /** Must start with `https://`; no query or fragment; at most 255 characters. */
  url: string
  clientIds?: readonly string[] | undefined
  thumbprints?: readonly string[] | undefined
  tags?: readonly Tag[] | undefined
}

export interface CreateRoleInput {
  roleName: string
  assumeRolePolicyDocument: string
  path?: string | undefined
  description?: string | undefined
  maxSessionDuration?: number | undefined
  permissionsBoundary?: string | undefined
  tags?: readonly Tag[] | undefined
}

/** A write that validated a policy: the lint findings (warnings) it produced. */
export interface RoleWriteResult {
  role: Role
  findings: PolicyFinding[]
}

/** CreatePolicy's result: the policy and the lint findings (warnings) on its document. */
export interface PolicyWriteResult {
  policy: ManagedPolicy
  findings: PolicyFinding[]
}

/** CreatePolicyVersion's result: the version and the lint findings (warnings) on its document. */
export interface PolicyVersionWriteResult {
  version: PolicyVersion
  findings: PolicyFinding[]
}

export interface CreatePolicyInput {
  policyName: string
  policyDocument: string
  path?: string | undefined
  description?: string | undefined
  tags?: readonly Tag[] | undefined
}

export type PolicyScope = 'All' | 'AWS' | 'Local'
export type PolicyUsage = 'PermissionsPolicy' | 'PermissionsBoundary'
export type EntityType = 'User' | 'Role' | 'Group' | 'LocalManagedPolicy' | 'AWSManagedPolicy'

export interface ListPoliciesInput extends PageOptions {
  scope?: PolicyScope | undefined
  onlyAttached?: boolean | undefined
  pathPrefix?: string | undefined
  policyUsageFilter?: PolicyUsage | undefined
}

export interface ListEntitiesForPolicyInput extends PageOptions {
  policyArn: string
  entityFilter?: EntityType | undefined
  pathPrefix?: string | undefined
  policyUsageFilter?: PolicyUsage | undefined
}

export interface PolicyEntities {
  roles: { roleName: string; roleId: string }[]
  isTruncated: boolean
  marker?: string
}

/** A decision of the policy simulator, as the wire spells it. */
export type SimulationDecision = 'allowed' | 'explicitDeny' | 'implicitDeny'

/**
 * `ContextEntry.ContextKeyType`. A `…List` type makes the key multivalued; the others make it
 * single-valued (several values given for one still make it multivalued).
 */
export type ContextKeyType =
  | 'string'
  | 'stringList'
  | 'numeric'
  | 'numericList'
  | 'boolean'
  | 'booleanList'
  | 'ip'
  | 'ipList'
  | 'binary'
  | 'binaryList'
  | 'date'
  | 'dateList'

/** A condition key's value(s) for a simulation (`ContextEntries`). */
export interface ContextEntry {
  key: string
  values: readonly string[]
  /** Default `string`. */
  type?: ContextKeyType | undefined
}

/** SimulateCustomPolicy's input (the policies are given as text). */
export interface SimulateCustomPolicyInput extends PageOptions {
  /** Identity policies, `PolicyInputList.N`. */
  policyInputList: readonly string[]
  /** At most one permissions boundary. */
  permissionsBoundaryPolicyInputList?: readonly string[] | undefined
  actionNames: readonly string[]
  /** Default: `*` (every resource). */
  resourceArns?: readonly string[] | undefined
  /** A resource-based policy every simulated resource is treated as having. */
  resourcePolicy?: string | undefined
  /** The account owning resources whose ARN names none: an account id or `arn:aws:iam::<id>:root`. */
  resourceOwner?: string | undefined
  /** An IAM user ARN, the principal a resource policy is evaluated for. */
  callerArn?: string | undefined
  contextEntries?: readonly ContextEntry[] | undefined
  /** Accepted and ignored (the EC2 scenarios AWS enforces resources for). */
  resourceHandlingOption?: string | undefined
}

/** SimulatePrincipalPolicy's input: the policies of the role `policySourceArn`, plus extra ones. */
export interface SimulatePrincipalPolicyInput
  extends Omit<SimulateCustomPolicyInput, 'policyInputList'> {
  policySourceArn: string
  policyInputList?: readonly string[] | undefined
}

/** Where a statement is in its policy's text (`Position`: 1-based line and column). */
export interface TextPosition {
  line: number
  column: number
}

/** A statement that decided a simulation (`Statement`). */
export interface SimulatedStatement {
  /** The inline or managed policy's name, `PolicyInputList.N`, `ResourcePolicy`, … */
  sourcePolicyId: string
  /** What IAM answers: `IAM Policy`, `Permissions Boundary Policy` or `Resource Policy`. */
  sourcePolicyType: string
  startPosition: TextPosition
  endPosition: TextPosition
}

/** How the permissions boundary weighed in (present when there is one). */
export interface PermissionsBoundaryDecisionDetail {
  /** An Allow of the boundary matched and no Deny of it did. */
  allowedByPermissionsBoundary: boolean
}

/** The simulation of one action on one listed resource (`ResourceSpecificResult`). */
export interface ResourceSpecificResult {
  evalResourceName: string
  evalResourceDecision: SimulationDecision
  matchedStatements: SimulatedStatement[]
  missingContextValues: string[]
  permissionsBoundaryDecisionDetail?: PermissionsBoundaryDecisionDetail
}

/** One `EvaluationResult`: an action on `*`, or an action on one listed resource. */
export interface EvaluationResult {
  evalActionName: string
  evalResourceName: string
  evalDecision: SimulationDecision
  matchedStatements: SimulatedStatement[]
  /** Condition keys the relevant statements use that the context lacks (`*` only; see below). */
  missingContextValues: string[]
  permissionsBoundaryDecisionDetail?: PermissionsBoundaryDecisionDetail
  /** Present (and empty: single account) when a resource was listed. */
  evalDecisionDetails?: Record<string, SimulationDecision>
  /** Present when a resource was listed: its result, with its missing context values. */
  resourceSpecificResults?: ResourceSpecificResult[]
}

/** The IAM API Lanyard implements, one method per AWS action. */
export interface IamService {
  // OpenID Connect providers
  createOidcProvider(input: CreateOidcProviderInput): Promise<{ arn: string; tags: Tag[] }>
  getOidcProvider(arn: string): Promise<OidcProvider>
  listOidcProviders(): Promise<{ arn: string }[]>
  deleteOidcProvider(arn: string): Promise<void>
  addOidcClientId(arn: string, clientId: string): Promise<void>
  removeOidcClientId(arn: string, clientId: string): Promise<void>
  updateOidcThumbprints(arn: string, thumbprints: readonly string[]): Promise<void>
  tagOidcProvider(arn: string, tags: readonly Tag[]): Promise<void>
  untagOidcProvider(arn: string, tagKeys: readonly string[]): Promise<void>
  listOidcProviderTags(arn: string, page?: PageOptions): Promise<Paged<Tag>>

  // Roles
  createRole(input: CreateRoleInput): Promise<RoleWriteResult>
  getRole(roleName: string): Promise<Role>
  listRoles(options?: PageOptions & { pathPrefix?: string | undefined }): Promise<Paged<Role>>
  updateRole(input: {
    roleName: string
    description?: string | undefined
    maxSessionDuration?: number | undefined
  }): Promise<void>
  updateRoleDescription(roleName: string, description: string): Promise<Role>
  deleteRole(roleName: string): Promise<void>
  updateAssumeRolePolicy(roleName: string, policyDocument: string): Promise<RoleWriteResult>
  putRolePermissionsBoundary(roleName: string, permissionsBoundary: string): Promise<void>
  deleteRolePermissionsBoundary(roleName: string): Promise<void>
  tagRole(roleName: string, tags: readonly Tag[]): Promise<void>
  untagRole(roleName: string, tagKeys: readonly string[]): Promise<void>
  listRoleTags(roleName: string, page?: PageOptions): Promise<Paged<Tag>>

  // Inline role policies
  putRolePolicy(
    roleName: string,
    policyName: string,
    policyDocument: string,
  ): Promise<{ findings: PolicyFinding[] }>
  getRolePolicy(
    roleName: string,
    policyName: string,
  ): Promise<{ roleName: string; policyName: string; policyDocument: string }>
  listRolePolicies(roleName: string, page?: PageOptions): Promise<Paged<string>>
  deleteRolePolicy(roleName: string, policyName: string): Promise<void>

  // Managed policies
  createPolicy(input: CreatePolicyInput): Promise<PolicyWriteResult>
  getPolicy(policyArn: string): Promise<ManagedPolicy>
  listPolicies(input?: ListPoliciesInput): Promise<Paged<ManagedPolicy>>
  deletePolicy(policyArn: string): Promise<void>
  getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersion>
  createPolicyVersion(
    policyArn: string,
    policyDocument: string,
    setAsDefault?: boolean,
  ): Promise<PolicyVersionWriteResult>
  listPolicyVersions(policyArn: string, page?: PageOptions): Promise<Paged<PolicyVersion>>
  deletePolicyVersion(policyArn: string, versionId: string): Promise<void>
  setDefaultPolicyVersion(policyArn: string, versionId: string): Promise<void>
  attachRolePolicy(roleName: string, policyArn: string): Promise<void>
  detachRolePolicy(roleName: string, policyArn: string): Promise<void>
  listAttachedRolePolicies(
    roleName: string,
    options?: PageOptions & { pathPrefix?: string | undefined },
  ): Promise<Paged<AttachedPolicy>>
  listEntitiesForPolicy(input: ListEntitiesForPolicyInput): Promise<PolicyEntities>

  // Policy simulator
  simulatePrincipalPolicy(input: SimulatePrincipalPolicyInput): Promise<Paged<EvaluationResult>>
  simulateCustomPolicy(input: SimulateCustomPolicyInput): Promise<Paged<EvaluationResult>>
}
