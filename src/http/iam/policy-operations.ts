import { IAM_RULES, type IamService } from '../../iam/index.js'
import type { QueryOperation } from '../operation.js'
import type { QueryInput } from '../query-input.js'
import { type IamWarn, reportFindings } from './findings.js'
import { EnumReader, readPage, readTags, required } from './wire-input.js'
import { pageXml, policyDocumentXml, policyVersionXml, policyXml } from './wire-shapes.js'

const roleName = (input: QueryInput) => input.string('RoleName', required(IAM_RULES.roleName))
const policyName = (input: QueryInput) => input.string('PolicyName', required(IAM_RULES.policyName))
const policyArn = (input: QueryInput) => input.string('PolicyArn', required(IAM_RULES.arn))
const versionId = (input: QueryInput) =>
  input.string('VersionId', required(IAM_RULES.policyVersionId))
const document = (input: QueryInput) =>
  input.string('PolicyDocument', required(IAM_RULES.policyDocument))

const SCOPES = ['All', 'AWS', 'Local'] as const
const USAGES = ['PermissionsPolicy', 'PermissionsBoundary'] as const
const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const

/** Inline role policies, managed policies and their versions, attachments. */
export function policyOperations(iam: IamService, warn?: IamWarn): Record<string, QueryOperation> {
  return {
    PutRolePolicy: {
      async handle(input, ctx) {
        const role = roleName(input)
        const name = policyName(input)
        const text = document(input)
        input.done()
        const { findings } = await iam.putRolePolicy(role, name, text)
        reportFindings(warn, findings, {
          action: 'PutRolePolicy',
          requestId: ctx.requestId,
          kind: 'identity',
          roleName: role,
          policyName: name,
        })
        return undefined
      },
    },
    GetRolePolicy: {
      async handle(input) {
        const role = roleName(input)
        const name = policyName(input)
        input.done()
        const policy = await iam.getRolePolicy(role, name)
        return {
          RoleName: policy.roleName,
          PolicyName: policy.policyName,
          PolicyDocument: policyDocumentXml(policy.policyDocument),
        }
      },
    },
    ListRolePolicies: {
      async handle(input) {
        const role = roleName(input)
        const page = readPage(input)
        input.done()
        const names = await iam.listRolePolicies(role, page)
        return { PolicyNames: names.items, ...pageXml(names) }
      },
    },
    DeleteRolePolicy: {
      async handle(input) {
        const role = roleName(input)
        const name = policyName(input)
        input.done()
        await iam.deleteRolePolicy(role, name)
        return undefined
      },
    },
    CreatePolicy: {
      async handle(input, ctx) {
        const name = policyName(input)
        const path = input.string('Path', IAM_RULES.policyPath)
        const text = document(input)
        const description = input.string('Description', IAM_RULES.policyDescription)
        const tags = readTags(input)
        input.done()
        const { policy, findings } = await iam.createPolicy({
          policyName: name,
          path,
          policyDocument: text,
          description,
          tags,
        })
        reportFindings(warn, findings, {
          action: 'CreatePolicy',
          requestId: ctx.requestId,
          kind: 'identity',
          policyArn: policy.arn,
          versionId: policy.defaultVersionId,
        })
        return { Policy: policyXml(policy, 'get') }
      },
    },
    GetPolicy: {
      async handle(input) {
        const arn = policyArn(input)
        input.done()
        return { Policy: policyXml(await iam.getPolicy(arn), 'get') }
      },
    },
    ListPolicies: {
      async handle(input) {
        const enums = new EnumReader(input)
        const scope = enums.read('Scope', SCOPES)
        const onlyAttached = input.bool('OnlyAttached')
        const pathPrefix = input.string('PathPrefix', IAM_RULES.policyPath)
        const policyUsageFilter = enums.read('PolicyUsageFilter', USAGES)
        const page = readPage(input)
        enums.done()
        const policies = await iam.listPolicies({
          ...page,
          scope,
          onlyAttached,
          pathPrefix,
          policyUsageFilter,
        })
        return {
          Policies: policies.items.map((p) => policyXml(p, 'list')),
          ...pageXml(policies),
        }
      },
    },
    DeletePolicy: {
      async handle(input) {
        const arn = policyArn(input)
        input.done()
        await iam.deletePolicy(arn)
        return undefined
      },
    },
    GetPolicyVersion: {
      async handle(input) {
        const arn = policyArn(input)
        const version = versionId(input)
        input.done()
        return { PolicyVersion: policyVersionXml(await iam.getPolicyVersion(arn, version), true) }
      },
    },
    CreatePolicyVersion: {
      async handle(input, ctx) {
        const arn = policyArn(input)
        const text = document(input)
        const setAsDefault = input.bool('SetAsDefault')
        input.done()
        const { version, findings } = await iam.createPolicyVersion(
          arn,
          text,
          setAsDefault ?? false,
        )
        reportFindings(warn, findings, {
          action: 'CreatePolicyVersion',
          requestId: ctx.requestId,
          kind: 'identity',
          policyArn: arn,
          versionId: version.versionId,
        })
        return { PolicyVersion: policyVersionXml(version, false) }
      },
    },
    ListPolicyVersions: {
      async handle(input) {
        const arn = policyArn(input)
        const page = readPage(input)
        input.done()
        const versions = await iam.listPolicyVersions(arn, page)
        return {
          Versions: versions.items.map((v) => policyVersionXml(v, false)),
          ...pageXml(versions),
        }
      },
    },
    DeletePolicyVersion: {
      async handle(input) {
        const arn = policyArn(input)
        const version = versionId(input)
        input.done()
        await iam.deletePolicyVersion(arn, version)
        return undefined
      },
    },
    SetDefaultPolicyVersion: {
      async handle(input) {
        const arn = policyArn(input)
        const version = versionId(input)
        input.done()
        await iam.setDefaultPolicyVersion(arn, version)
        return undefined
      },
    },
    AttachRolePolicy: {
      async handle(input) {
        const role = roleName(input)
        const arn = policyArn(input)
        input.done()
        await iam.attachRolePolicy(role, arn)
        return undefined
      },
    },
    DetachRolePolicy: {
      async handle(input) {
        const role = roleName(input)
        const arn = policyArn(input)
        input.done()
        await iam.detachRolePolicy(role, arn)
        return undefined
      },
    },
    ListAttachedRolePolicies: {
      async handle(input) {
        const role = roleName(input)
        const pathPrefix = input.string('PathPrefix', IAM_RULES.policyPath)
        const page = readPage(input)
        input.done()
        const attached = await iam.listAttachedRolePolicies(role, { ...page, pathPrefix })
        return {
          AttachedPolicies: attached.items.map((p) => ({
            PolicyName: p.policyName,
            PolicyArn: p.policyArn,
          })),
          ...pageXml(attached),
        }
      },
    },
    ListEntitiesForPolicy: {
      async handle(input) {
        const enums = new EnumReader(input)
        const arn = policyArn(input)
        const entityFilter = enums.read('EntityFilter', ENTITY_TYPES)
        const pathPrefix = input.string('PathPrefix', IAM_RULES.entityPathPrefix)
        const policyUsageFilter = enums.read('PolicyUsageFilter', USAGES)
        const page = readPage(input)
        enums.done()
        const entities = await iam.listEntitiesForPolicy({
          ...page,
          policyArn: arn,
          entityFilter,
          pathPrefix,
          policyUsageFilter,
        })
        return {
          PolicyGroups: [],
          PolicyUsers: [],
          PolicyRoles: entities.roles.map((r) => ({ RoleName: r.roleName, RoleId: r.roleId })),
          ...pageXml(entities),
        }
      },
    },
  }
}
