/**
 * AWS's message texts for IAM errors, in one place. Sources and which texts are unconfirmed are
 * listed in docs/iam.md. These are wire texts, so they keep AWS's style (capitalised, trailing
 * period) rather than Lanyard's own message style.
 */
export const IAM_MESSAGES = {
  roleNotFound: (name: string) => `The role with name ${name} cannot be found.`,
  roleExists: (name: string) => `Role with name ${name} already exists.`,
  rolePolicyNotFound: (name: string) => `The role policy with name ${name} cannot be found.`,
  roleHasInlinePolicies: 'Cannot delete entity, must delete policies first.',
  roleHasAttachedPolicies: 'Cannot delete entity, must detach all policies first.',
  policyNotFound: (arn: string) => `Policy ${arn} was not found.`,
  policyNotAttachable: (arn: string) => `Policy ${arn} does not exist or is not attachable.`,
  policyVersionNotFound: (arn: string, versionId: string) =>
    `Policy ${arn} version ${versionId} does not exist or is not attachable.`,
  policyExists: (name: string) =>
    `A policy called ${name} already exists. Duplicate names are not allowed.`,
  policyAttached: 'Cannot delete a policy attached to entities.',
  policyHasVersions:
    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
  defaultVersionDelete: 'Cannot delete the default version of a policy.',
  boundaryNotFound: (arn: string) => `Scope ARN: ${arn} does not exist or is not attachable.`,
  invalidArn: (arn: string) => `ARN ${arn} is not valid.`,
  oidcNotFound: (arn: string) => `OpenIDConnect Provider not found for arn ${arn}`,
  oidcExists: (url: string) => `Provider with url ${url} already exists.`,
  oidcInvalidUrl: 'Invalid Open ID Connect Provider URL',
  tooManyThumbprints: (n: number) => `Thumbprint list must contain fewer than ${n} entries.`,
  duplicateTagKeys: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
  invalidMarker: 'Invalid Marker.',
  invalidJson: 'This policy contains invalid Json',
  quota: (name: string, n: number) => `Cannot exceed quota for ${name}: ${n}`,
  inlinePolicySize: (n: number, roleName: string) =>
    `Maximum policy size of ${n} bytes exceeded for role ${roleName}`,
  userNotFound: (name: string) => `The user with name ${name} cannot be found.`,
  groupNotFound: (name: string) => `The group with name ${name} cannot be found.`,
  invalidEntityArn: (arn: string) =>
    `Invalid Entity Arn: ${arn} does not clearly define entity type and name.`,
  policySourceOtherAccount: (caller: string, owner: string) =>
    `Invalid Policy Source Arn: caller's account ${caller} does not have access to policies in account ${owner}`,
  invalidCaller: 'Invalid caller - Caller must be an IAM user in this context.',
  tooManyBoundaries: 'The list of Permissions Boundary policies cannot exceed 1 items.',
  invalidResourceOwner: (value: string) => `Invalid ResourceOwner: ${value}`,
  versionsPerPolicy: (n: number) =>
    `A managed policy can have up to ${n} versions. Before you create a new version, you must delete an existing version.`,
} as const

/** AWS's quota names as they appear in `Cannot exceed quota for <name>: <n>`. */
export const IAM_QUOTA_NAMES = {
  trustPolicySize: 'ACLSizePerRole',
  managedPolicySize: 'PolicySize',
  rolesPerAccount: 'RolesPerAccount',
  oidcProvidersPerAccount: 'OpenIdConnectProvidersPerAccount',
  managedPoliciesPerRole: 'PoliciesPerRole',
  clientIdsPerOidcProvider: 'ClientIdsPerOpenIdConnectProvider',
  tagsPerRole: 'TagsPerRole',
  tagsPerPolicy: 'TagsPerPolicy',
  tagsPerOidcProvider: 'TagsPerOpenIdConnectProvider',
} as const
