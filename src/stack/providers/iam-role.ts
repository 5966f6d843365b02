import { isLanyardError } from '../../errors.js'
import {
  changedProperties,
  int,
  policyText,
  resourceError,
  sameValue,
  str,
  strList,
  tagList,
} from './properties.js'
import type { ProviderContext, ResourceProvider } from './provider.js'

interface InlinePolicy {
  name: string
  document: string
}

function inlinePolicies(v: unknown): InlinePolicy[] {
  if (v === undefined) return []
  if (!Array.isArray(v)) throw resourceError('Value of property Policies must be of type List')
  return v.map((p) => {
    const r = p as Record<string, unknown>
    if (r.PolicyName === undefined || r.PolicyDocument === undefined)
      throw resourceError('Property PolicyName and PolicyDocument cannot be empty.')
    return { name: String(r.PolicyName), document: policyText(r.PolicyDocument) }
  })
}

/** Ignores "already gone" on cleanup paths, as CloudFormation's handlers do. */
async function ignoreMissing(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (!isLanyardError(err, 'entity.not_found')) throw err
  }
}

const roleArnOf = (ctx: ProviderContext, path: string, name: string) =>
  `arn:${ctx.partition}:iam::${ctx.accountId}:role${path}${name}`

/**
 * AWS::IAM::Role (aws-resource-iam-role): CreateRole, then PutRolePolicy per inline policy and
 * AttachRolePolicy per managed policy. `Ref` is the role name; attributes `Arn`, `RoleId`.
 */
export const iamRoleProvider: ResourceProvider = {
  type: 'AWS::IAM::Role',
  properties: {
    AssumeRolePolicyDocument: { required: true, update: 'mutable', type: 'Json' },
    Description: { update: 'mutable', type: 'String' },
    ManagedPolicyArns: { update: 'mutable', type: 'List' },
    MaxSessionDuration: { update: 'mutable', type: 'Integer' },
    Path: { update: 'replace', type: 'String' },
    PermissionsBoundary: { update: 'mutable', type: 'String' },
    Policies: { update: 'mutable', type: 'List' },
    RoleName: { update: 'replace', type: 'String' },
    Tags: { update: 'mutable', type: 'List' },
  },
  attributes: ['Arn', 'RoleId'],

  async create(ctx, p) {
    const roleName = str(p.RoleName) ?? ctx.physicalName(64)
    const path = str(p.Path) ?? '/'
    const arn = roleArnOf(ctx, path, roleName)
    const policies = inlinePolicies(p.Policies)
    const trust = policyText(p.AssumeRolePolicyDocument)
    const { role } = await ctx.perform(
      { service: 'iam', action: 'CreateRole', resource: arn, parameters: { roleName, path } },
      () =>
        ctx.iam.createRole({
          roleName,
          path,
          assumeRolePolicyDocument: trust,
          description: str(p.Description),
          maxSessionDuration: int(p.MaxSessionDuration),
          permissionsBoundary: str(p.PermissionsBoundary),
          tags: tagList(p.Tags),
        }),
    )
    try {
      for (const policy of policies) await putPolicy(ctx, role.arn, roleName, policy)
      for (const policyArn of strList(p.ManagedPolicyArns))
        await attach(ctx, role.arn, roleName, policyArn)
    } catch (err) {
      // A role half made is removed again, so a failed create leaves nothing behind.
      await iamRoleProvider.delete(ctx, roleName, p).catch(() => undefined)
      throw err
    }
    return { physicalId: roleName, attributes: { Arn: role.arn, RoleId: role.roleId } }
  },

  async update(ctx, roleName, p, old, attributes) {
    const arn = String(attributes.Arn)
    const changed = new Set(changedProperties(p, old))
    if (changed.has('AssumeRolePolicyDocument'))
      await ctx.perform(
        {
          service: 'iam',
          action: 'UpdateAssumeRolePolicy',
          resource: arn,
          parameters: { roleName },
        },
        () => ctx.iam.updateAssumeRolePolicy(roleName, policyText(p.AssumeRolePolicyDocument)),
      )
    if (changed.has('Description') || changed.has('MaxSessionDuration'))
      await ctx.perform(
        { service: 'iam', action: 'UpdateRole', resource: arn, parameters: { roleName } },
        () =>
          ctx.iam.updateRole({
            roleName,
            description: str(p.Description) ?? '',
            maxSessionDuration: int(p.MaxSessionDuration) ?? 3600,
          }),
      )
    if (changed.has('PermissionsBoundary')) {
      const boundary = str(p.PermissionsBoundary)
      await ctx.perform(
        {
          service: 'iam',
          action: boundary ? 'PutRolePermissionsBoundary' : 'DeleteRolePermissionsBoundary',
          resource: arn,
          parameters: { roleName },
        },
        () =>
          boundary
            ? ctx.iam.putRolePermissionsBoundary(roleName, boundary)
            : ctx.iam.deleteRolePermissionsBoundary(roleName),
      )
    }
    if (changed.has('Policies')) {
      const next = inlinePolicies(p.Policies)
      const before = inlinePolicies(old.Policies)
      for (const policy of next) {
        const prev = before.find((b) => b.name === policy.name)
        if (!prev || !sameValue(prev.document, policy.document))
          await putPolicy(ctx, arn, roleName, policy)
      }
      for (const prev of before)
        if (!next.some((n) => n.name === prev.name))
          await deletePolicy(ctx, arn, roleName, prev.name)
    }
    if (changed.has('ManagedPolicyArns')) {
      const next = strList(p.ManagedPolicyArns)
      const before = strList(old.ManagedPolicyArns)
      for (const a of next) if (!before.includes(a)) await attach(ctx, arn, roleName, a)
      for (const a of before) if (!next.includes(a)) await detach(ctx, arn, roleName, a)
    }
    if (changed.has('Tags')) {
      const next = tagList(p.Tags)
      const removed = tagList(old.Tags)
        .map((t) => t.key)
        .filter((k) => !next.some((t) => t.key === k))
      if (removed.length > 0)
        await ctx.perform(
          { service: 'iam', action: 'UntagRole', resource: arn, parameters: { roleName } },
          () => ctx.iam.untagRole(roleName, removed),
        )
      if (next.length > 0)
        await ctx.perform(
          { service: 'iam', action: 'TagRole', resource: arn, parameters: { roleName } },
          () => ctx.iam.tagRole(roleName, next),
        )
    }
    return { physicalId: roleName, attributes }
  },

  async delete(ctx, roleName, p) {
    const arn = roleArnOf(ctx, str(p.Path) ?? '/', roleName)
    let attached: string[] = []
    let inline: string[] = []
    try {
      attached = (await ctx.iam.listAttachedRolePolicies(roleName, { maxItems: 1000 })).items.map(
        (a) => a.policyArn,
      )
      inline = (await ctx.iam.listRolePolicies(roleName, { maxItems: 1000 })).items
    } catch (err) {
      if (isLanyardError(err, 'entity.not_found')) return
      throw err
    }
    for (const a of attached) await detach(ctx, arn, roleName, a)
    for (const name of inline) await deletePolicy(ctx, arn, roleName, name)
    await ctx.perform(
      { service: 'iam', action: 'DeleteRole', resource: arn, parameters: { roleName } },
      () => ignoreMissing(() => ctx.iam.deleteRole(roleName)),
    )
  },
}

async function putPolicy(ctx: ProviderContext, arn: string, roleName: string, p: InlinePolicy) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'PutRolePolicy',
      resource: arn,
      parameters: { roleName, policyName: p.name },
    },
    () => ctx.iam.putRolePolicy(roleName, p.name, p.document),
  )
}

async function deletePolicy(ctx: ProviderContext, arn: string, roleName: string, name: string) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'DeleteRolePolicy',
      resource: arn,
      parameters: { roleName, policyName: name },
    },
    () => ignoreMissing(() => ctx.iam.deleteRolePolicy(roleName, name)),
  )
}

async function attach(ctx: ProviderContext, arn: string, roleName: string, policyArn: string) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'AttachRolePolicy',
      resource: arn,
      parameters: { roleName, policyArn },
    },
    () => ctx.iam.attachRolePolicy(roleName, policyArn),
  )
}

async function detach(ctx: ProviderContext, arn: string, roleName: string, policyArn: string) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'DetachRolePolicy',
      resource: arn,
      parameters: { roleName, policyArn },
    },
    () => ignoreMissing(() => ctx.iam.detachRolePolicy(roleName, policyArn)),
  )
}

export { ignoreMissing }
