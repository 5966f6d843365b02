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
}
