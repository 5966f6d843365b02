/**
 * IAM quotas Lanyard enforces. Defaults are AWS's (IAM User Guide, reference_iam-quotas; see
 * docs/iam.md for each source); every one is configurable.
 */
export interface IamLimits {
  /** Role trust policy length, whitespace not counted (`ACLSizePerRole`, AWS default 2048). */
  trustPolicySize: number
  /** Aggregate size of a role's inline policies, whitespace not counted (AWS 10240). */
  inlinePolicySizePerRole: number
  /** Managed policy document size, whitespace not counted (`PolicySize`, AWS 6144). */
  managedPolicySize: number
  /** Roles per account (`RolesPerAccount`, AWS default 1000). */
  rolesPerAccount: number
  /** OIDC providers per account (`OpenIdConnectProvidersPerAccount`, AWS 100). */
  oidcProvidersPerAccount: number
  /** Managed policies attached to one role (`PoliciesPerRole`, AWS default 10). */
  managedPoliciesPerRole: number
  /** Versions kept per managed policy (AWS 5). */
  versionsPerPolicy: number
  /** Tags per role, managed policy or OIDC provider (AWS 50). */
  tagsPerResource: number
  /** Client ids (audiences) per OIDC provider (`ClientIdsPerOpenIdConnectProvider`, AWS 100). */
  clientIdsPerOidcProvider: number
  /** Thumbprints per OIDC provider (AWS 5). */
  thumbprintsPerOidcProvider: number
}

/** The IAM service's slice of the server configuration. */
export interface IamConfig {
  /**
   * Refuse (MalformedPolicyDocument) trust policies whose Allow statements trust an OIDC provider
   * without conditions on both `<provider>:sub` and `<provider>:aud` (`--strict-trust`).
   */
  strictTrust: boolean
  limits: IamLimits
}

/** AWS's default quotas. */
export const DEFAULT_IAM_LIMITS: Readonly<IamLimits> = Object.freeze({
  trustPolicySize: 2048,
  inlinePolicySizePerRole: 10240,
  managedPolicySize: 6144,
  rolesPerAccount: 1000,
  oidcProvidersPerAccount: 100,
  managedPoliciesPerRole: 10,
  versionsPerPolicy: 5,
  tagsPerResource: 50,
  clientIdsPerOidcProvider: 100,
  thumbprintsPerOidcProvider: 5,
})

/** AWS defaults, strict trust off (AWS itself does not require `sub`/`aud` conditions). */
export const DEFAULT_IAM_CONFIG: Readonly<IamConfig> = Object.freeze({
  strictTrust: false,
  limits: DEFAULT_IAM_LIMITS,
})
