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

function targets(p: Record<string, unknown>): string[] {
  if (strList(p.Users).length > 0 || strList(p.Groups).length > 0)
    throw resourceError('Lanyard has no IAM users or groups: only Roles can be given')
  const roles = strList(p.Roles)
  if (roles.length === 0)
    throw resourceError('At least one of [Groups,Roles,Users] must be non-empty.')
  return roles
}

async function put(ctx: ProviderContext, roleName: string, name: string, doc: string) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'PutRolePolicy',
      resource: await roleArn(ctx, roleName),
      parameters: { roleName, policyName: name },
    },
    () => ctx.iam.putRolePolicy(roleName, name, doc),
  )
}

async function remove(ctx: ProviderContext, roleName: string, name: string) {
  await ctx.perform(
    {
      service: 'iam',
      action: 'DeleteRolePolicy',
      resource: await roleArn(ctx, roleName),
      parameters: { roleName, policyName: name },
    },
    () => ignoreMissing(() => ctx.iam.deleteRolePolicy(roleName, name)),
  )
}

/**
 * AWS::IAM::Policy (aws-resource-iam-policy): an inline policy put on each of its roles. `Ref` is
 * a generated id; every property updates in place.
 */
export const iamPolicyProvider: ResourceProvider = {
  type: 'AWS::IAM::Policy',
  properties: {
    PolicyName: { required: true, update: 'mutable', type: 'String' },
    PolicyDocument: { required: true, update: 'mutable', type: 'Json' },
    Roles: { update: 'mutable', type: 'List' },
    Users: { update: 'mutable', type: 'List' },
    Groups: { update: 'mutable', type: 'List' },
  },
  attributes: ['Id'],

  async create(ctx, p) {
    const name = String(p.PolicyName)
    const doc = policyText(p.PolicyDocument)
    const roles = targets(p)
    const done: string[] = []
    try {
      for (const r of roles) {
        await put(ctx, r, name, doc)
        done.push(r)
      }
    } catch (err) {
      for (const r of done) await remove(ctx, r, name).catch(() => undefined)
      throw err
    }
    const id = ctx.physicalName(64)
    return { physicalId: id, attributes: { Id: id } }
  },

  async update(ctx, id, p, old, attributes) {
    const name = String(p.PolicyName)
    const oldName = str(old.PolicyName) ?? name
    const roles = targets(p)
    const before = strList(old.Roles)
    const changed = changedProperties(p, old)
    for (const r of roles)
      if (!before.includes(r) || changed.includes('PolicyDocument') || name !== oldName)
        await put(ctx, r, name, policyText(p.PolicyDocument))
    for (const r of before)
      if (!roles.includes(r) || name !== oldName) await remove(ctx, r, oldName)
    return { physicalId: id, attributes }
  },

  async delete(ctx, _id, p) {
    const name = String(p.PolicyName)
    for (const r of strList(p.Roles)) await remove(ctx, r, name)
  },
}
