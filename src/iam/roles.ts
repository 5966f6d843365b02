import { LanyardError } from '../errors.js'
import type { RoleRecord, StoreTx } from '../store/ports.js'
import { roleArn } from './arns.js'
import { assertIntRange, assertModel, IAM_INT_RULES, IAM_RULES } from './constraints.js'
import type { IamContext } from './context.js'
import { IAM_MESSAGES, IAM_QUOTA_NAMES } from './messages.js'
import { maxItemsOf, pageList } from './paging.js'
import { assertPolicyArn, checkTrustPolicy, loadPolicy } from './policy-rules.js'
import { assertTagCount, checkRequestTags, mergeTags, removeTags } from './tags.js'
import type {
  CreateRoleInput,
  IamService,
  Paged,
  PageOptions,
  Role,
  RoleWriteResult,
  Tag,
} from './types.js'

/** "If you do not specify a value for this setting, the default value of one hour is applied." */
const DEFAULT_MAX_SESSION_DURATION = 3600

export function toRole(r: RoleRecord): Role {
  const role: Role = {
    path: r.path,
    roleName: r.roleName,
    roleId: r.roleId,
    arn: r.arn,
    createDate: r.createDate,
    assumeRolePolicyDocument: r.assumeRolePolicyDocument,
    maxSessionDuration: r.maxSessionDuration,
    tags: r.tags.map((t) => ({ ...t })),
  }
  if (r.description !== undefined) role.description = r.description
  if (r.permissionsBoundaryArn !== undefined) role.permissionsBoundaryArn = r.permissionsBoundaryArn
  if (r.lastUsedDate !== undefined || r.lastUsedRegion !== undefined) {
    role.roleLastUsed = {}
    if (r.lastUsedDate !== undefined) role.roleLastUsed.lastUsedDate = r.lastUsedDate
    if (r.lastUsedRegion !== undefined) role.roleLastUsed.region = r.lastUsedRegion
  }
  return role
}

/** The role, or NoSuchEntity "The role with name X cannot be found.". */
export async function loadRole(tx: StoreTx, roleName: string): Promise<RoleRecord> {
  assertModel([['roleName', roleName, IAM_RULES.roleName]])
  const record = await tx.roles.get(roleName)
  if (!record) throw new LanyardError('entity.not_found', IAM_MESSAGES.roleNotFound(roleName))
  return record
}

export function createRoleOps(
  ctx: IamContext,
): Pick<
  IamService,
  | 'createRole'
  | 'getRole'
  | 'listRoles'
  | 'updateRole'
  | 'updateRoleDescription'
  | 'deleteRole'
  | 'updateAssumeRolePolicy'
  | 'putRolePermissionsBoundary'
  | 'deleteRolePermissionsBoundary'
  | 'tagRole'
  | 'untagRole'
  | 'listRoleTags'
> {
  const { store } = ctx
  const limits = ctx.config.limits

  const checkBoundary = async (tx: StoreTx, arn: string) => {
    await loadPolicy(tx, arn, IAM_MESSAGES.boundaryNotFound)
  }

  const modify = (roleName: string, change: (r: RoleRecord) => RoleRecord | Promise<RoleRecord>) =>
    store.transaction(async (tx) => {
      const next = await change(await loadRole(tx, roleName))
      await tx.roles.update(next)
      return next
    })

  return {
    async createRole(input: CreateRoleInput): Promise<RoleWriteResult> {
      const path = input.path ?? '/'
      assertModel([
        ['roleName', input.roleName, IAM_RULES.roleName],
        ['path', path, IAM_RULES.path],
        ['description', input.description, IAM_RULES.roleDescription],
      ])
      assertIntRange(
        'maxSessionDuration',
        input.maxSessionDuration,
        IAM_INT_RULES.maxSessionDuration,
      )
      const findings = checkTrustPolicy(
        ctx,
        'assumeRolePolicyDocument',
        input.assumeRolePolicyDocument,
      )
      if (input.permissionsBoundary !== undefined) {
        assertPolicyArn('permissionsBoundary', input.permissionsBoundary)
      }
      const tags = checkRequestTags(input.tags)
      assertTagCount(tags, limits.tagsPerResource, IAM_QUOTA_NAMES.tagsPerRole)

      const record: RoleRecord = {
        roleId: ctx.newId('AROA'),
        roleName: input.roleName,
        path,
        arn: roleArn(ctx.accountId, path, input.roleName),
        assumeRolePolicyDocument: input.assumeRolePolicyDocument,
        maxSessionDuration: input.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
        tags,
        createDate: ctx.timestamp(),
      }
      if (input.description !== undefined && input.description !== '') {
        record.description = input.description
      }
      if (input.permissionsBoundary !== undefined) {
        record.permissionsBoundaryArn = input.permissionsBoundary
      }
      await store.transaction(async (tx) => {
        if (await tx.roles.get(input.roleName)) {
          throw new LanyardError('entity.exists', IAM_MESSAGES.roleExists(input.roleName))
        }
        if ((await tx.roles.count()) >= limits.rolesPerAccount) {
          throw new LanyardError(
            'entity.limit_exceeded',
            IAM_MESSAGES.quota(IAM_QUOTA_NAMES.rolesPerAccount, limits.rolesPerAccount),
          )
        }
        if (record.permissionsBoundaryArn !== undefined) {
          await checkBoundary(tx, record.permissionsBoundaryArn)
        }
        await tx.roles.insert(record)
      })
      return { role: toRole(record), findings }
    },

    async getRole(roleName: string): Promise<Role> {
      return toRole(await loadRole(store, roleName))
    },

    async listRoles(
      options: PageOptions & { pathPrefix?: string | undefined } = {},
    ): Promise<Paged<Role>> {
      const maxItems = maxItemsOf(options)
      assertModel([['pathPrefix', options.pathPrefix, IAM_RULES.pathPrefix]])
      const page = await store.roles.list({
        maxItems,
        ...(options.pathPrefix !== undefined && { pathPrefix: options.pathPrefix }),
        ...(options.marker !== undefined && { marker: options.marker }),
      })
      const items = page.items.map(toRole)
      return page.marker === undefined
        ? { items, isTruncated: false }
        : { items, isTruncated: true, marker: page.marker }
    },

    async updateRole(input: {
      roleName: string
      description?: string | undefined
      maxSessionDuration?: number | undefined
    }): Promise<void> {
      assertModel([['description', input.description, IAM_RULES.roleDescription]])
      assertIntRange(
        'maxSessionDuration',
        input.maxSessionDuration,
        IAM_INT_RULES.maxSessionDuration,
      )
      await modify(input.roleName, (r) => {
        const next: RoleRecord = { ...r }
        if (input.description !== undefined) {
          if (input.description === '') delete next.description
          else next.description = input.description
        }
        if (input.maxSessionDuration !== undefined)
          next.maxSessionDuration = input.maxSessionDuration
        return next
      })
    },

    async updateRoleDescription(roleName: string, description: string): Promise<Role> {
      assertModel([['description', description, IAM_RULES.roleDescription]])
      const next = await modify(roleName, (r) => {
        const n: RoleRecord = { ...r }
        if (description === '') delete n.description
        else n.description = description
        return n
      })
      return toRole(next)
    },

    /** DeleteConflict while managed policies are attached or inline policies remain. */
    async deleteRole(roleName: string): Promise<void> {
      await store.transaction(async (tx) => {
        const role = await loadRole(tx, roleName)
        if ((await tx.attachments.listForRole(role.roleName)).length > 0) {
          throw new LanyardError('entity.delete_conflict', IAM_MESSAGES.roleHasAttachedPolicies)
        }
        if ((await tx.rolePolicies.list(role.roleName)).length > 0) {
          throw new LanyardError('entity.delete_conflict', IAM_MESSAGES.roleHasInlinePolicies)
        }
        await tx.roles.delete(role.roleName)
      })
    },

    async updateAssumeRolePolicy(
      roleName: string,
      policyDocument: string,
    ): Promise<RoleWriteResult> {
      assertModel([['roleName', roleName, IAM_RULES.roleName]])
      const findings = checkTrustPolicy(ctx, 'policyDocument', policyDocument)
      const next = await modify(roleName, (r) => ({
        ...r,
        assumeRolePolicyDocument: policyDocument,
      }))
      return { role: toRole(next), findings }
    },

    async putRolePermissionsBoundary(roleName: string, permissionsBoundary: string): Promise<void> {
      assertModel([['roleName', roleName, IAM_RULES.roleName]])
      assertPolicyArn('permissionsBoundary', permissionsBoundary)
      await store.transaction(async (tx) => {
        const role = await loadRole(tx, roleName)
        await checkBoundary(tx, permissionsBoundary)
        await tx.roles.update({ ...role, permissionsBoundaryArn: permissionsBoundary })
      })
    },

    /** Succeeds also when the role has no boundary (UNCONFIRMED what AWS answers then). */
    async deleteRolePermissionsBoundary(roleName: string): Promise<void> {
      await modify(roleName, (r) => {
        const next = { ...r }
        delete next.permissionsBoundaryArn
        return next
      })
    },

    async tagRole(roleName: string, tags: readonly Tag[]): Promise<void> {
      await modify(roleName, (r) => ({
        ...r,
        tags: mergeTags(r.tags, tags, limits.tagsPerResource, IAM_QUOTA_NAMES.tagsPerRole),
      }))
    },

    async untagRole(roleName: string, tagKeys: readonly string[]): Promise<void> {
      await modify(roleName, (r) => ({ ...r, tags: removeTags(r.tags, tagKeys) }))
    },

    async listRoleTags(roleName: string, page?: PageOptions): Promise<Paged<Tag>> {
      return pageList((await loadRole(store, roleName)).tags, page)
    },
  }
}
