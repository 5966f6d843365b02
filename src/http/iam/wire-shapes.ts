import type { ManagedPolicy, OidcProvider, PolicyVersion, Role, Tag } from '../../iam/index.js'
import type { XmlObject, XmlValue } from '../xml.js'

/**
 * IAM's XML shapes (botocore IAM model, member order as modelled). Only this folder knows wire
 * names.
 */

/** AWS prints IAM timestamps as ISO 8601 UTC without milliseconds: `2012-05-08T23:34:01Z`. */
export function awsDate(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z')
}

/**
 * Policy documents go out URL-encoded ("Policies returned by this operation are URL-encoded
 * compliant with RFC 3986", GetRole; botocore's json_decode_policies undoes it).
 */
export function policyDocumentXml(text: string): string {
  return encodeURIComponent(text)
}

export function tagsXml(tags: readonly Tag[]): XmlValue[] {
  return tags.map((t) => ({ Key: t.key, Value: t.value }))
}

/**
 * The value IAM puts in `PermissionsBoundaryType`. The model's enum says
 * `PermissionsBoundaryPolicy`, but the live service answers `Policy` (awsdocs/iam-user-guide #82,
 * the AWS CLI's own get-user/get-role examples); clients do not check enums on the way in.
 */
export const PERMISSIONS_BOUNDARY_TYPE = 'Policy'

/**
 * A `Role`. ListRoles "does not return the following attributes, even though they are an
 * attribute of the returned object: PermissionsBoundary, RoleLastUsed, Tags"; GetRole always
 * has `RoleLastUsed` (empty for a role never used).
 */
export function roleXml(role: Role, view: 'get' | 'write' | 'list'): XmlObject {
  const full = view !== 'list'
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: awsDate(role.createDate),
    AssumeRolePolicyDocument: policyDocumentXml(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    PermissionsBoundary:
      full && role.permissionsBoundaryArn !== undefined
        ? {
            PermissionsBoundaryType: PERMISSIONS_BOUNDARY_TYPE,
            PermissionsBoundaryArn: role.permissionsBoundaryArn,
          }
        : undefined,
    Tags: full && role.tags.length > 0 ? tagsXml(role.tags) : undefined,
    RoleLastUsed:
      view === 'get'
        ? {
            LastUsedDate:
              role.roleLastUsed?.lastUsedDate === undefined
                ? undefined
                : awsDate(role.roleLastUsed.lastUsedDate),
            Region: role.roleLastUsed?.region,
          }
        : undefined,
  }
}

/** A `Policy`; ListPolicies leaves out `Description` and `Tags` (Policy shape docs). */
export function policyXml(policy: ManagedPolicy, view: 'get' | 'list'): XmlObject {
  const full = view === 'get'
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: policy.permissionsBoundaryUsageCount,
    IsAttachable: policy.isAttachable,
    Description: full ? policy.description : undefined,
    CreateDate: awsDate(policy.createDate),
    UpdateDate: awsDate(policy.updateDate),
    Tags: full && policy.tags.length > 0 ? tagsXml(policy.tags) : undefined,
  }
}

/**
 * A `PolicyVersion`: "The policy document is returned in the response to the GetPolicyVersion …
 * It is not returned in the response to the CreatePolicyVersion or ListPolicyVersions".
 */
export function policyVersionXml(version: PolicyVersion, withDocument: boolean): XmlObject {
  return {
    Document: withDocument ? policyDocumentXml(version.document) : undefined,
    VersionId: version.versionId,
    IsDefaultVersion: version.isDefaultVersion,
    CreateDate: awsDate(version.createDate),
  }
}

export function oidcProviderXml(provider: OidcProvider): XmlObject {
  return {
    Url: provider.url,
    ClientIDList: provider.clientIds,
    ThumbprintList: provider.thumbprints,
    CreateDate: awsDate(provider.createDate),
    Tags: tagsXml(provider.tags),
  }
}

/** `IsTruncated` always, `Marker` when there is more. */
export function pageXml(page: { isTruncated: boolean; marker?: string }): XmlObject {
  return { IsTruncated: page.isTruncated, Marker: page.marker }
}
