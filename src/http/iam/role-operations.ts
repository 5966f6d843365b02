import { IAM_INT_RULES, IAM_RULES, type IamService } from '../../iam/index.js'
import type { QueryOperation } from '../operation.js'
import type { QueryInput } from '../query-input.js'
import { type IamWarn, reportFindings } from './findings.js'
import { optional, readPage, readTagKeys, readTags, required, requireList } from './wire-input.js'
import { pageXml, roleXml, tagsXml } from './wire-shapes.js'

const roleName = (input: QueryInput) => input.string('RoleName', required(IAM_RULES.roleName))

/** Role actions. Policy documents are read as plain JSON text, never URL-decoded. */
export function roleOperations(iam: IamService, warn?: IamWarn): Record<string, QueryOperation> {
  return {
    CreateRole: {
      async handle(input, ctx) {
        const name = roleName(input)
        const document = input.string(
          'AssumeRolePolicyDocument',
          required(IAM_RULES.policyDocument),
        )
        const path = input.string('Path', optional(IAM_RULES.path))
        const description = input.string('Description', IAM_RULES.roleDescription)
        const maxSessionDuration = input.int('MaxSessionDuration', IAM_INT_RULES.maxSessionDuration)
        const permissionsBoundary = input.string('PermissionsBoundary', IAM_RULES.arn)
        const tags = readTags(input)
        input.done()
        const { role, findings } = await iam.createRole({
          roleName: name,
          assumeRolePolicyDocument: document,
          path,
          description,
          maxSessionDuration,
          permissionsBoundary,
          tags,
        })
        reportFindings(warn, findings, {
          action: 'CreateRole',
          requestId: ctx.requestId,
          kind: 'trust',
          roleName: role.roleName,
        })
        return { Role: roleXml(role, 'write') }
      },
    },
    GetRole: {
      async handle(input) {
        const name = roleName(input)
        input.done()
        return { Role: roleXml(await iam.getRole(name), 'get') }
      },
    },
    ListRoles: {
      async handle(input) {
        const pathPrefix = input.string('PathPrefix', IAM_RULES.pathPrefix)
        const page = readPage(input)
        input.done()
        const roles = await iam.listRoles({ ...page, pathPrefix })
        return { Roles: roles.items.map((r) => roleXml(r, 'list')), ...pageXml(roles) }
      },
    },
    UpdateRole: {
      async handle(input) {
        const name = roleName(input)
        const description = input.string('Description', IAM_RULES.roleDescription)
        const maxSessionDuration = input.int('MaxSessionDuration', IAM_INT_RULES.maxSessionDuration)
        input.done()
        await iam.updateRole({ roleName: name, description, maxSessionDuration })
        // UpdateRole has an (empty) UpdateRoleResult element.
        return {}
      },
    },
    UpdateRoleDescription: {
      async handle(input) {
        const name = roleName(input)
        const description = input.string('Description', required(IAM_RULES.roleDescription))
        input.done()
        return { Role: roleXml(await iam.updateRoleDescription(name, description), 'write') }
      },
    },
    DeleteRole: {
      async handle(input) {
        const name = roleName(input)
        input.done()
        await iam.deleteRole(name)
        return undefined
      },
    },
    UpdateAssumeRolePolicy: {
      async handle(input, ctx) {
        const name = roleName(input)
        const document = input.string('PolicyDocument', required(IAM_RULES.policyDocument))
        input.done()
        const { role, findings } = await iam.updateAssumeRolePolicy(name, document)
        reportFindings(warn, findings, {
          action: 'UpdateAssumeRolePolicy',
          requestId: ctx.requestId,
          kind: 'trust',
          roleName: role.roleName,
        })
        return undefined
      },
    },
    PutRolePermissionsBoundary: {
      async handle(input) {
        const name = roleName(input)
        const boundary = input.string('PermissionsBoundary', required(IAM_RULES.arn))
        input.done()
        await iam.putRolePermissionsBoundary(name, boundary)
        return undefined
      },
    },
    DeleteRolePermissionsBoundary: {
      async handle(input) {
        const name = roleName(input)
        input.done()
        await iam.deleteRolePermissionsBoundary(name)
        return undefined
      },
    },
    TagRole: {
      async handle(input) {
        const name = roleName(input)
        const tags = requireList(input, 'Tags', readTags(input))
        input.done()
        await iam.tagRole(name, tags)
        return undefined
      },
    },
    UntagRole: {
      async handle(input) {
        const name = roleName(input)
        const keys = requireList(input, 'TagKeys', readTagKeys(input))
        input.done()
        await iam.untagRole(name, keys)
        return undefined
      },
    },
    ListRoleTags: {
      async handle(input) {
        const name = roleName(input)
        const page = readPage(input)
        input.done()
        const tags = await iam.listRoleTags(name, page)
        return { Tags: tagsXml(tags.items), ...pageXml(tags) }
      },
    },
  }
}
