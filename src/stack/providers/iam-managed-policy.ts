import { isLanyardError } from '../../errors.js'
import { ignoreMissing } from './iam-role.js'
import { changedProperties, policyText, resourceError, str, strList } from './properties.js'
import type { ProviderContext, ResourceProvider } from './provider.js'

const roleArn = async (ctx: ProviderContext, roleName: string): Promise<string> => {
  try {
    return (await ctx.iam.getRole(roleName)).arn
  } catch {
    return `arn:${ctx.partition}:iam::${ctx.accountId}:role/${roleName}`
  }
}

async function attach(ctx: ProviderContext, roleName: string, policyArn: string) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'AttachRolePolicy',
      resource: await roleArn(ctx, roleName),
      parameters: { roleName, policyArn },
    },
    () => ctx.iam.attachRolePolicy(roleName, policyArn),
  )
}

async function detach(ctx: ProviderContext, roleName: string, policyArn: string) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'DetachRolePolicy',
      resource: await roleArn(ctx, roleName),
      parameters: { roleName, policyArn },
    },
    () => ignoreMissing(() => ctx.iam.detachRolePolicy(roleName, policyArn)),
  )
}

function noUsersOrGroups(p: Record<string, unknown>) {
  if (strList(p.Users).length > 0 || strList(p.Groups).length > 0)
    throw resourceError('Lanyard has no IAM users or groups: only Roles can be given')
}

const attributesOf = (policy: {
  arn: string
  policyId: string
  policyName: string
  defaultVersionId: string
  attachmentCount: number
  path: string
  createDate: string
  updateDate: string
  isAttachable: boolean
  permissionsBoundaryUsageCount: number
}) => ({
  PolicyArn: policy.arn,
  PolicyId: policy.policyId,
  PolicyName: policy.policyName,
  DefaultVersionId: policy.defaultVersionId,
  AttachmentCount: policy.attachmentCount,
  Path: policy.path,
  CreateDate: policy.createDate,
  UpdateDate: policy.updateDate,
  IsAttachable: policy.isAttachable,
  PermissionsBoundaryUsageCount: policy.permissionsBoundaryUsageCount,
})

/**
 * AWS::IAM::ManagedPolicy (aws-resource-iam-managedpolicy): `Ref` is the policy ARN. A new
 * document becomes a new default version (the oldest non-default version is dropped at the
 * five-version limit).
 */
export const iamManagedPolicyProvider: ResourceProvider = {
  type: 'AWS::IAM::ManagedPolicy',
  properties: {
    ManagedPolicyName: { update: 'replace', type: 'String' },
    Description: { update: 'replace', type: 'String' },
    Path: { update: 'replace', type: 'String' },
    PolicyDocument: { required: true, update: 'mutable', type: 'Json' },
    Roles: { update: 'mutable', type: 'List' },
    Users: { update: 'mutable', type: 'List' },
    Groups: { update: 'mutable', type: 'List' },
  },
  attributes: [
    'PolicyArn',
    'PolicyId',
    'PolicyName',
    'DefaultVersionId',
    'AttachmentCount',
    'Path',
    'CreateDate',
    'UpdateDate',
    'IsAttachable',
    'PermissionsBoundaryUsageCount',
  ],

  async create(ctx, p) {
    noUsersOrGroups(p)
    const policyName = str(p.ManagedPolicyName) ?? ctx.physicalName(128)
    const path = str(p.Path) ?? '/'
    const arn = `arn:${ctx.partition}:iam::${ctx.accountId}:policy${path}${policyName}`
    const { policy } = await ctx.perform(
      { service: 'iam', action: 'CreatePolicy', resource: arn, parameters: { policyName, path } },
      () =>
        ctx.iam.createPolicy({
          policyName,
          path,
          policyDocument: policyText(p.PolicyDocument),
          description: str(p.Description),
        }),
    )
    try {
      for (const r of strList(p.Roles)) await attach(ctx, r, policy.arn)
    } catch (err) {
      await iamManagedPolicyProvider.delete(ctx, policy.arn, p).catch(() => undefined)
      throw err
    }
    return { physicalId: policy.arn, attributes: attributesOf(await ctx.iam.getPolicy(policy.arn)) }
  },

  async update(ctx, arn, p, old) {
    noUsersOrGroups(p)
    const changed = changedProperties(p, old)
    if (changed.includes('PolicyDocument')) {
      const versions = (await ctx.iam.listPolicyVersions(arn, { maxItems: 1000 })).items
      if (versions.length >= 5) {
        const oldest = versions.filter((v) => !v.isDefaultVersion).at(-1)
        if (oldest)
          await ctx.perform(
            {
              service: 'iam',
              action: 'DeletePolicyVersion',
              resource: arn,
              parameters: { policyArn: arn },
            },
            () => ctx.iam.deletePolicyVersion(arn, oldest.versionId),
          )
      }
      await ctx.perform(
        {
          service: 'iam',
          action: 'CreatePolicyVersion',
          resource: arn,
          parameters: { policyArn: arn },
        },
        () => ctx.iam.createPolicyVersion(arn, policyText(p.PolicyDocument), true),
      )
    }
    if (changed.includes('Roles')) {
      const next = strList(p.Roles)
      const before = strList(old.Roles)
      for (const r of next) if (!before.includes(r)) await attach(ctx, r, arn)
      for (const r of before) if (!next.includes(r)) await detach(ctx, r, arn)
    }
    return { physicalId: arn, attributes: attributesOf(await ctx.iam.getPolicy(arn)) }
  },

  async delete(ctx, arn, p) {
    for (const r of strList(p.Roles)) await detach(ctx, r, arn)
    let versions: { versionId: string; isDefaultVersion: boolean }[]
    try {
      versions = (await ctx.iam.listPolicyVersions(arn, { maxItems: 1000 })).items
    } catch (err) {
      if (isLanyardError(err, 'entity.not_found')) return
      throw err
    }
    for (const v of versions.filter((x) => !x.isDefaultVersion))
      await ctx.perform(
        {
          service: 'iam',
          action: 'DeletePolicyVersion',
          resource: arn,
          parameters: { policyArn: arn },
        },
        () => ignoreMissing(() => ctx.iam.deletePolicyVersion(arn, v.versionId)),
      )
    await ctx.perform(
      { service: 'iam', action: 'DeletePolicy', resource: arn, parameters: { policyArn: arn } },
      () => ignoreMissing(() => ctx.iam.deletePolicy(arn)),
    )
  },
}
