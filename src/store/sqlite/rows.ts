import { auditRecordOf } from '../audit-journal/format.js'
import type {
  AuditRecord,
  ClusterRecord,
  ManagedPolicyRecord,
  OidcProviderRecord,
  PolicyVersionRecord,
  RoleRecord,
  SigningKeyRecord,
} from '../ports.js'
import { AUDIT_COLUMN } from './audit-sql.js'

/** Row shapes as SQLite returns them, and their mapping to records. */
type Row = Record<string, unknown>

const str = (v: unknown): string => v as string
const opt = (v: unknown): string | undefined =>
  v === null || v === undefined ? undefined : (v as string)

/** Copies only defined optional fields, as exactOptionalPropertyTypes requires. */
export function withOptional<T extends object>(base: T, extra: Record<string, unknown>): T {
  const out = { ...base } as Record<string, unknown>
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v
  return out as T
}

export function toOidcProvider(r: Row): OidcProviderRecord {
  return withOptional(
    {
      arn: str(r.arn),
      url: str(r.url),
      clientIds: JSON.parse(str(r.client_ids)) as string[],
      thumbprints: JSON.parse(str(r.thumbprints)) as string[],
      tags: JSON.parse(str(r.tags)),
      createDate: str(r.create_date),
    },
    { jwks: opt(r.jwks) },
  )
}

export function toRole(r: Row): RoleRecord {
  return withOptional(
    {
      roleId: str(r.role_id),
      roleName: str(r.role_name),
      path: str(r.path),
      arn: str(r.arn),
      assumeRolePolicyDocument: str(r.trust_policy),
      maxSessionDuration: r.max_session_duration as number,
      tags: JSON.parse(str(r.tags)),
      createDate: str(r.create_date),
    },
    {
      description: opt(r.description),
      permissionsBoundaryArn: opt(r.boundary_arn),
      lastUsedDate: opt(r.last_used_date),
      lastUsedRegion: opt(r.last_used_region),
    },
  )
}

export function toManagedPolicy(r: Row): ManagedPolicyRecord {
  return withOptional(
    {
      policyId: str(r.policy_id),
      policyName: str(r.policy_name),
      path: str(r.path),
      arn: str(r.arn),
      defaultVersionId: str(r.default_version_id),
      tags: JSON.parse(str(r.tags)),
      createDate: str(r.create_date),
      updateDate: str(r.update_date),
      nextVersion: r.next_version as number,
    },
    { description: opt(r.description) },
  )
}

export function toPolicyVersion(r: Row): PolicyVersionRecord {
  return {
    policyArn: str(r.policy_arn),
    versionId: str(r.version_id),
    document: str(r.document),
    createDate: str(r.create_date),
  }
}

export function toCluster(r: Row): ClusterRecord {
  return withOptional(
    {
      name: str(r.name),
      arn: str(r.arn),
      issuerId: str(r.issuer_id),
      status: str(r.status),
      version: str(r.version),
      tags: JSON.parse(str(r.tags)) as Record<string, string>,
      createdAt: str(r.created_at),
    },
    { roleArn: opt(r.role_arn) },
  )
}

export function toSigningKey(r: Row): SigningKeyRecord {
  return {
    clusterName: str(r.cluster_name),
    kid: str(r.kid),
    privateJwk: str(r.private_jwk),
    createdAt: str(r.created_at),
    active: r.active === 1,
  }
}

export function toAuditRecord(r: Row): AuditRecord {
  return auditRecordOf(str(r.record), (key) => r[AUDIT_COLUMN[key]])
}
