/**
 * Storage ports: one narrow interface per aggregate. Services depend on these types only; the
 * SQLite adapter (and later PostgreSQL) implements them and `contract.ts` checks both alike.
 *
 * Every method is async so that a networked database can implement the same contract. One data
 * directory holds one AWS account, so records carry no account id.
 */

export interface Tag {
  key: string
  value: string
}

export interface OidcProviderRecord {
  arn: string
  /** Provider URL without the `https://` scheme, as IAM returns it. */
  url: string
  clientIds: string[]
  thumbprints: string[]
  tags: Tag[]
  createDate: string
  /** An uploaded JWKS (JSON text) for a private issuer; absent = discover over HTTPS. */
  jwks?: string
}

export interface RoleRecord {
  roleId: string
  roleName: string
  path: string
  arn: string
  /** The trust policy exactly as written (IAM returns it URL-encoded on the wire). */
  assumeRolePolicyDocument: string
  description?: string
  maxSessionDuration: number
  permissionsBoundaryArn?: string
  tags: Tag[]
  createDate: string
  lastUsedDate?: string
  lastUsedRegion?: string
}

export interface RolePolicyRecord {
  roleName: string
  policyName: string
  document: string
}

export interface ManagedPolicyRecord {
  policyId: string
  policyName: string
  path: string
  arn: string
  defaultVersionId: string
  description?: string
  tags: Tag[]
  createDate: string
  updateDate: string
  /** Next version number to hand out (`v<n>`); versions are never renumbered. */
  nextVersion: number
}

export interface PolicyVersionRecord {
  policyArn: string
  versionId: string
  document: string
  createDate: string
}

export interface ClusterRecord {
  name: string
  arn: string
  /** 32 upper-case hex characters: the `<ID>` of `<base>/id/<ID>`. */
  issuerId: string
  status: string
  version: string
  roleArn?: string
  tags: Record<string, string>
  createdAt: string
}

export interface SigningKeyRecord {
  clusterName: string
  kid: string
  /** Private JWK as JSON text; never leaves the process except through key export. */
  privateJwk: string
  createdAt: string
  active: boolean
}

export interface Page<T> {
  items: T[]
  /** Opaque continuation marker; absent when the listing is complete. */
  marker?: string
}

export interface ListOptions {
  pathPrefix?: string
  marker?: string
  maxItems: number
}

export interface MetaRepo {
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
}

export interface OidcProviderRepo {
  get(arn: string): Promise<OidcProviderRecord | undefined>
  /** Looks a provider up by its URL (without scheme), exactly as registered. */
  getByUrl(url: string): Promise<OidcProviderRecord | undefined>
  list(): Promise<OidcProviderRecord[]>
  count(): Promise<number>
  insert(record: OidcProviderRecord): Promise<void>
  update(record: OidcProviderRecord): Promise<void>
  delete(arn: string): Promise<boolean>
}

export interface RoleRepo {
  /** Role names are unique without regard to case, as in IAM. */
  get(roleName: string): Promise<RoleRecord | undefined>
  getById(roleId: string): Promise<RoleRecord | undefined>
  list(options: ListOptions): Promise<Page<RoleRecord>>
  count(): Promise<number>
  insert(record: RoleRecord): Promise<void>
  update(record: RoleRecord): Promise<void>
  delete(roleName: string): Promise<boolean>
}

export interface RolePolicyRepo {
  get(roleName: string, policyName: string): Promise<RolePolicyRecord | undefined>
  list(roleName: string): Promise<RolePolicyRecord[]>
  put(record: RolePolicyRecord): Promise<void>
  delete(roleName: string, policyName: string): Promise<boolean>
}

export interface ManagedPolicyRepo {
  get(arn: string): Promise<ManagedPolicyRecord | undefined>
  list(options: ListOptions & { onlyAttached?: boolean }): Promise<Page<ManagedPolicyRecord>>
  count(): Promise<number>
  insert(record: ManagedPolicyRecord): Promise<void>
  update(record: ManagedPolicyRecord): Promise<void>
  delete(arn: string): Promise<boolean>
  getVersion(arn: string, versionId: string): Promise<PolicyVersionRecord | undefined>
  listVersions(arn: string): Promise<PolicyVersionRecord[]>
  insertVersion(record: PolicyVersionRecord): Promise<void>
  deleteVersion(arn: string, versionId: string): Promise<boolean>
}

export interface AttachmentRepo {
  /** Managed policy ARNs attached to a role, in attachment order. */
  listForRole(roleName: string): Promise<string[]>
  countForPolicy(policyArn: string): Promise<number>
  attach(roleName: string, policyArn: string): Promise<void>
  detach(roleName: string, policyArn: string): Promise<boolean>
}

export interface ClusterRepo {
  get(name: string): Promise<ClusterRecord | undefined>
  getByIssuerId(issuerId: string): Promise<ClusterRecord | undefined>
  list(options: { marker?: string; maxItems: number }): Promise<Page<ClusterRecord>>
  insert(record: ClusterRecord): Promise<void>
  delete(name: string): Promise<boolean>
}

export interface SigningKeyRepo {
  listForCluster(clusterName: string): Promise<SigningKeyRecord[]>
  insert(record: SigningKeyRecord): Promise<void>
  deleteForCluster(clusterName: string): Promise<void>
}

/** One audit record with the columns it is queried by; `record` is the CloudTrail-style JSON. */
export interface AuditRecord {
  eventId: string
  eventTime: string
  eventSource: string
  eventName: string
  requestId: string
  /** ARN of the principal (role session, root, or the web identity's provider ARN). */
  principal?: string
  errorCode?: string
  /** Access key id of the session that made the call, or that the exchange issued. */
  accessKeyId?: string
  /** Join keys from a Kubernetes service-account token. */
  jti?: string
  cluster?: string
  namespace?: string
  serviceAccount?: string
  podName?: string
  podUid?: string
  record: string
}

export interface AuditQuery {
  since?: string
  until?: string
  eventName?: string
  principal?: string
  requestId?: string
  accessKeyId?: string
  jti?: string
  limit: number
}

export interface AuditRepo {
  insertMany(records: readonly AuditRecord[]): Promise<void>
  /** Newest first. */
  query(query: AuditQuery): Promise<AuditRecord[]>
}

/** Everything a unit of work can touch. */
export interface StoreTx {
  meta: MetaRepo
  oidcProviders: OidcProviderRepo
  roles: RoleRepo
  rolePolicies: RolePolicyRepo
  managedPolicies: ManagedPolicyRepo
  attachments: AttachmentRepo
  clusters: ClusterRepo
  signingKeys: SigningKeyRepo
  audit: AuditRepo
}

export interface Store extends StoreTx {
  /**
   * Runs `fn` as one transaction: all of its writes land, or none do.
   * INVARIANT: `fn` awaits only this store's own calls (no network or timers), so an embedded
   * database can run it inside one synchronous transaction.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>
  close(): Promise<void>
}
