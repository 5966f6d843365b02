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
  /**
   * How far audit journal `journal` (1 for a server of one process; one per worker process) has
   * been copied into this repo (records after it are read from the journal: see
   * store/audit-journal/tail.ts). `{ segment: 0, offset: 0 }` before any.
   */
  journalPosition(journal: number): Promise<JournalPosition>
}

/** How far the audit journal is copied: a segment's number and a byte offset inside it. */
export interface JournalPosition {
  segment: number
  offset: number
}

/** A CloudFormation stack; `record` fields the engine keeps are plain JSON-able data. */
export interface StackRecord {
  stackId: string
  stackName: string
  status: string
  statusReason?: string
  description?: string
  creationTime: string
  lastUpdatedTime?: string
  deletionTime?: string
  /** The template body exactly as given. */
  templateBody: string
  /** Parameter values as text (NoEcho values included: the wire layer masks them). */
  parameters: { key: string; value: string }[]
  /** Keys of NoEcho parameters. */
  noEchoKeys: string[]
  capabilities: string[]
  tags: Tag[]
  outputs: { key: string; value: string; description?: string; exportName?: string }[]
  disableRollback: boolean
  roleArn?: string
  notificationArns: string[]
  timeoutInMinutes?: number
  enableTerminationProtection: boolean
  changeSetId?: string
  /** The operation in progress or last run (`CREATE_STACK`, `UPDATE_STACK`, …) and its id. */
  lastOperation?: { type: string; id: string }
}

export interface StackEventRecord {
  stackId: string
  eventId: string
  stackName: string
  logicalResourceId: string
  physicalResourceId?: string
  resourceType: string
  timestamp: string
  resourceStatus: string
  resourceStatusReason?: string
  resourceProperties?: string
  clientRequestToken?: string
  operationId?: string
}

export interface StackResourceRecord {
  stackId: string
  logicalId: string
  physicalId?: string
  type: string
  status: string
  statusReason?: string
  timestamp: string
  /** The resolved properties it was created or last updated with (JSON text). */
  properties: string
  /** Attributes for `Fn::GetAtt` (JSON object text). */
  attributes: string
  deletionPolicy?: string
  description?: string
}

export interface StackExportRecord {
  name: string
  stackId: string
  value: string
}

export interface ChangeSetRecord {
  changeSetId: string
  changeSetName: string
  stackId: string
  stackName: string
  status: string
  statusReason?: string
  executionStatus: string
  creationTime: string
  description?: string
  /** What the change set would deploy and the changes it computed (JSON text). */
  body: string
}

export interface LambdaFunctionRecord {
  functionName: string
  arn: string
  runtime: string
  handler: string
  roleArn: string
  /** Inline `Code.ZipFile` source. */
  code: string
  timeoutSeconds: number
  memorySize: number
  environment: Record<string, string>
  description?: string
  lastModified: string
}

export interface StackRepo {
  get(stackId: string): Promise<StackRecord | undefined>
  /** The stack of that name that is not DELETE_COMPLETE (names are unique among live stacks). */
  getLive(stackName: string): Promise<StackRecord | undefined>
  /** Every stack, deleted ones included, oldest first. */
  list(): Promise<StackRecord[]>
  insert(record: StackRecord): Promise<void>
  update(record: StackRecord): Promise<void>
}

export interface StackEventRepo {
  append(event: StackEventRecord): Promise<void>
  /** Newest first. */
  list(stackId: string): Promise<StackEventRecord[]>
}

export interface StackResourceRepo {
  get(stackId: string, logicalId: string): Promise<StackResourceRecord | undefined>
  /** In the order they were first stored. */
  list(stackId: string): Promise<StackResourceRecord[]>
  /** Live resources (any stack) with this physical id. */
  findByPhysicalId(physicalId: string): Promise<StackResourceRecord[]>
  put(record: StackResourceRecord): Promise<void>
  delete(stackId: string, logicalId: string): Promise<boolean>
}

export interface StackExportRepo {
  get(name: string): Promise<StackExportRecord | undefined>
  /** Oldest first. */
  list(): Promise<StackExportRecord[]>
  put(record: StackExportRecord): Promise<void>
  delete(name: string): Promise<boolean>
  /** Stack ids importing the export, oldest first. */
  listImports(exportName: string): Promise<string[]>
  addImport(exportName: string, stackId: string): Promise<void>
  /** Forgets every import of a stack. */
  removeImports(stackId: string): Promise<void>
}

export interface ChangeSetRepo {
  get(changeSetId: string): Promise<ChangeSetRecord | undefined>
  getByName(stackId: string, changeSetName: string): Promise<ChangeSetRecord | undefined>
  /** Oldest first. */
  listForStack(stackId: string): Promise<ChangeSetRecord[]>
  put(record: ChangeSetRecord): Promise<void>
  delete(changeSetId: string): Promise<boolean>
}

export interface LambdaFunctionRepo {
  get(functionName: string): Promise<LambdaFunctionRecord | undefined>
  getByArn(arn: string): Promise<LambdaFunctionRecord | undefined>
  put(record: LambdaFunctionRecord): Promise<void>
  delete(functionName: string): Promise<boolean>
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
  stacks: StackRepo
  stackEvents: StackEventRepo
  stackResources: StackResourceRepo
  stackExports: StackExportRepo
  changeSets: ChangeSetRepo
  lambdaFunctions: LambdaFunctionRepo
}

export interface Store extends StoreTx {
  /**
   * Runs `fn` as one transaction: all of its writes land, or none do.
   * INVARIANT: `fn` awaits only this store's own calls (no network or timers), so an embedded
   * database can run it inside one synchronous transaction.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>
  /**
   * A number that changes whenever any connection (this process or another, such as the
   * `lanyard` CLI writing the same database) commits a change to IAM, EKS or stack data. Audit
   * rows do not change it, and a rolled-back transaction leaves it as it was. Only inequality
   * means anything. Read caches (`createCachedStore`) poll it to see other writers (at most every
   * 100 ms by default); an adapter without it gets no such invalidation.
   */
  changeCounter?(): Promise<number>
  close(): Promise<void>
}
