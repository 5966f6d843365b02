import { LanyardError } from '../errors.js'
import type { ManagedPolicyRecord, RoleRecord, StoreTx } from '../store/ports.js'
import { policyArn } from './arns.js'
import { assertModel, IAM_RULES } from './constraints.js'
import type { IamContext } from './context.js'
import { IAM_MESSAGES, IAM_QUOTA_NAMES } from './messages.js'
import { maxItemsOf, pageList } from './paging.js'
import { assertPolicyArn, checkIdentityPolicy, loadPolicy } from './policy-rules.js'
import { policySize } from './policy-size.js'
import { loadRole } from './roles.js'
import { assertTagCount, checkRequestTags } from './tags.js'
import type {
  AttachedPolicy,
  CreatePolicyInput,
  IamService,
  ListEntitiesForPolicyInput,
  ListPoliciesInput,
  ManagedPolicy,
  Paged,
  PageOptions,
  PolicyEntities,
  PolicyVersion,
  PolicyVersionWriteResult,
  PolicyWriteResult,
} from './types.js'

const SCAN_PAGE = 1000

/** Every record of a paged store listing (the store has no secondary indexes for these). */
async function scanAll<T>(
  list: (marker: string | undefined) => Promise<{ items: T[]; marker?: string }>,
): Promise<T[]> {
  const out: T[] = []
  let marker: string | undefined
  do {
    const page = await list(marker)
    out.push(...page.items)
    marker = page.marker
  } while (marker !== undefined)
  return out
}

const allRoles = (tx: StoreTx): Promise<RoleRecord[]> =>
  scanAll((marker) => tx.roles.list({ maxItems: SCAN_PAGE, ...(marker && { marker }) }))

const allPolicies = (tx: StoreTx): Promise<ManagedPolicyRecord[]> =>
  scanAll((marker) => tx.managedPolicies.list({ maxItems: SCAN_PAGE, ...(marker && { marker }) }))

/** How many roles use each managed policy as their permissions boundary. */
async function boundaryUsage(tx: StoreTx): Promise<Map<string, number>> {
  const usage = new Map<string, number>()
  for (const role of await allRoles(tx)) {
    const arn = role.permissionsBoundaryArn
    if (arn !== undefined) usage.set(arn, (usage.get(arn) ?? 0) + 1)
  }
  return usage
}

function toPolicy(r: ManagedPolicyRecord, attachments: number, boundaries: number): ManagedPolicy {
  const policy: ManagedPolicy = {
    policyName: r.policyName,
    policyId: r.policyId,
    arn: r.arn,
    path: r.path,
    defaultVersionId: r.defaultVersionId,
    attachmentCount: attachments,
    permissionsBoundaryUsageCount: boundaries,
    isAttachable: true,
    createDate: r.createDate,
    updateDate: r.updateDate,
    tags: r.tags.map((t) => ({ ...t })),
  }
  if (r.description !== undefined) policy.description = r.description
  return policy
}

export function createManagedPolicyOps(
  ctx: IamContext,
): Pick<
  IamService,
  | 'createPolicy'
  | 'getPolicy'
  | 'listPolicies'
  | 'deletePolicy'
  | 'getPolicyVersion'
  | 'createPolicyVersion'
  | 'listPolicyVersions'
  | 'deletePolicyVersion'
  | 'setDefaultPolicyVersion'
  | 'attachRolePolicy'
  | 'detachRolePolicy'
  | 'listAttachedRolePolicies'
  | 'listEntitiesForPolicy'
> {
  const { store } = ctx
  const limits = ctx.config.limits

  const checkDocument = (text: string) => {
    const findings = checkIdentityPolicy('policyDocument', text)
    if (policySize(text) > limits.managedPolicySize) {
      throw new LanyardError(
        'policy.too_large',
        IAM_MESSAGES.quota(IAM_QUOTA_NAMES.managedPolicySize, limits.managedPolicySize),
      )
    }
    return findings
  }

  const checkVersionArgs = (arn: string, versionId: string) => {
    assertPolicyArn('policyArn', arn)
    assertModel([['versionId', versionId, IAM_RULES.policyVersionId]])
  }

  const describe = async (tx: StoreTx, r: ManagedPolicyRecord, usage?: Map<string, number>) =>
    toPolicy(
      r,
      await tx.attachments.countForPolicy(r.arn),
      (usage ?? (await boundaryUsage(tx))).get(r.arn) ?? 0,
    )

  return {
    async createPolicy(input: CreatePolicyInput): Promise<PolicyWriteResult> {
      const path = input.path ?? '/'
      assertModel([
        ['policyName', input.policyName, IAM_RULES.policyName],
        ['path', path, IAM_RULES.policyPath],
        ['description', input.description, IAM_RULES.policyDescription],
      ])
      const findings = checkDocument(input.policyDocument)
      const tags = checkRequestTags(input.tags)
      assertTagCount(tags, limits.tagsPerResource, IAM_QUOTA_NAMES.tagsPerPolicy)
      const now = ctx.timestamp()
      const record: ManagedPolicyRecord = {
        policyId: ctx.newId('ANPA'),
        policyName: input.policyName,
        path,
        arn: policyArn(ctx.accountId, path, input.policyName),
        defaultVersionId: 'v1',
        tags,
        createDate: now,
        updateDate: now,
        nextVersion: 2,
      }
      if (input.description !== undefined && input.description !== '') {
        record.description = input.description
      }
      await store.transaction(async (tx) => {
        // IAM names are unique in the account without regard to case or path
        // (reference_identifiers: "names must be unique within the account").
        const folded = input.policyName.toLowerCase()
        if ((await allPolicies(tx)).some((p) => p.policyName.toLowerCase() === folded)) {
          throw new LanyardError('entity.exists', IAM_MESSAGES.policyExists(input.policyName))
        }
        await tx.managedPolicies.insert(record)
        await tx.managedPolicies.insertVersion({
          policyArn: record.arn,
          versionId: 'v1',
          document: input.policyDocument,
          createDate: now,
        })
      })
      return { policy: toPolicy(record, 0, 0), findings }
    },

    async getPolicy(arn: string): Promise<ManagedPolicy> {
      assertPolicyArn('policyArn', arn)
      return describe(store, await loadPolicy(store, arn))
    },

    async listPolicies(input: ListPoliciesInput = {}): Promise<Paged<ManagedPolicy>> {
      const maxItems = maxItemsOf(input)
      assertModel([['pathPrefix', input.pathPrefix, IAM_RULES.policyPath]])
      // Lanyard has no AWS managed policies.
      if (input.scope === 'AWS') return { items: [], isTruncated: false }
      const usage = await boundaryUsage(store)
      const withCounts = async (records: ManagedPolicyRecord[]) => {
        const out: ManagedPolicy[] = []
        for (const r of records) out.push(await describe(store, r, usage))
        return out
      }
      if (input.policyUsageFilter === 'PermissionsBoundary') {
        const prefix = input.pathPrefix ?? '/'
        const used = (await allPolicies(store)).filter(
          (p) => p.path.startsWith(prefix) && (usage.get(p.arn) ?? 0) > 0,
        )
        const page = pageList(used, input)
        return { ...page, items: await withCounts(page.items) }
      }
      const page = await store.managedPolicies.list({
        maxItems,
        ...(input.pathPrefix !== undefined && { pathPrefix: input.pathPrefix }),
        ...(input.marker !== undefined && { marker: input.marker }),
        ...(input.onlyAttached === true && { onlyAttached: true }),
      })
      const items = await withCounts(page.items)
      return page.marker === undefined
        ? { items, isTruncated: false }
        : { items, isTruncated: true, marker: page.marker }
    },

    async deletePolicy(arn: string): Promise<void> {
      assertPolicyArn('policyArn', arn)
      await store.transaction(async (tx) => {
        const policy = await loadPolicy(tx, arn)
        const attached =
          (await tx.attachments.countForPolicy(arn)) > 0 ||
          ((await boundaryUsage(tx)).get(arn) ?? 0) > 0
        if (attached) throw new LanyardError('entity.delete_conflict', IAM_MESSAGES.policyAttached)
        if ((await tx.managedPolicies.listVersions(policy.arn)).length > 1) {
          throw new LanyardError('entity.delete_conflict', IAM_MESSAGES.policyHasVersions)
        }
        await tx.managedPolicies.delete(policy.arn)
      })
    },

    async getPolicyVersion(arn: string, versionId: string): Promise<PolicyVersion> {
      checkVersionArgs(arn, versionId)
      const policy = await loadPolicy(store, arn)
      const version = await store.managedPolicies.getVersion(arn, versionId)
      if (!version) {
        throw new LanyardError(
          'entity.not_found',
          IAM_MESSAGES.policyVersionNotFound(arn, versionId),
        )
      }
      return {
        document: version.document,
        versionId: version.versionId,
        isDefaultVersion: version.versionId === policy.defaultVersionId,
        createDate: version.createDate,
      }
    },

    /** A new version `v<n>` (numbers are never reused); at most `versionsPerPolicy` are kept. */
    async createPolicyVersion(
      arn: string,
      policyDocument: string,
      setAsDefault = false,
    ): Promise<PolicyVersionWriteResult> {
      assertPolicyArn('policyArn', arn)
      const findings = checkDocument(policyDocument)
      const now = ctx.timestamp()
      return store.transaction(async (tx) => {
        const policy = await loadPolicy(tx, arn)
        if ((await tx.managedPolicies.listVersions(arn)).length >= limits.versionsPerPolicy) {
          throw new LanyardError(
            'entity.limit_exceeded',
            IAM_MESSAGES.versionsPerPolicy(limits.versionsPerPolicy),
          )
        }
        const versionId = `v${policy.nextVersion}`
        await tx.managedPolicies.insertVersion({
          policyArn: arn,
          versionId,
          document: policyDocument,
          createDate: now,
        })
        await tx.managedPolicies.update({
          ...policy,
          nextVersion: policy.nextVersion + 1,
          // "UpdateDate: … when the most recent policy version was created" (Policy shape).
          updateDate: now,
          defaultVersionId: setAsDefault ? versionId : policy.defaultVersionId,
        })
        return {
          version: {
            document: policyDocument,
            versionId,
            isDefaultVersion: setAsDefault,
            createDate: now,
          },
          findings,
        }
      })
    },

    async listPolicyVersions(arn: string, page?: PageOptions): Promise<Paged<PolicyVersion>> {
      assertPolicyArn('policyArn', arn)
      const policy = await loadPolicy(store, arn)
      const versions = (await store.managedPolicies.listVersions(arn)).map((v) => ({
        document: v.document,
        versionId: v.versionId,
        isDefaultVersion: v.versionId === policy.defaultVersionId,
        createDate: v.createDate,
      }))
      return pageList(versions, page)
    },

    async deletePolicyVersion(arn: string, versionId: string): Promise<void> {
      checkVersionArgs(arn, versionId)
      await store.transaction(async (tx) => {
        const policy = await loadPolicy(tx, arn)
        if (versionId === policy.defaultVersionId) {
          throw new LanyardError('entity.delete_conflict', IAM_MESSAGES.defaultVersionDelete)
        }
        if (!(await tx.managedPolicies.deleteVersion(arn, versionId))) {
          throw new LanyardError(
            'entity.not_found',
            IAM_MESSAGES.policyVersionNotFound(arn, versionId),
          )
        }
      })
    },

    async setDefaultPolicyVersion(arn: string, versionId: string): Promise<void> {
      checkVersionArgs(arn, versionId)
      await store.transaction(async (tx) => {
        const policy = await loadPolicy(tx, arn)
        if (!(await tx.managedPolicies.getVersion(arn, versionId))) {
          throw new LanyardError(
            'entity.not_found',
            IAM_MESSAGES.policyVersionNotFound(arn, versionId),
          )
        }
        await tx.managedPolicies.update({ ...policy, defaultVersionId: versionId })
      })
    },

    /** Idempotent for a policy already attached; LimitExceeded past `managedPoliciesPerRole`. */
    async attachRolePolicy(roleName: string, arn: string): Promise<void> {
      assertModel([['roleName', roleName, IAM_RULES.roleName]])
      assertPolicyArn('policyArn', arn)
      await store.transaction(async (tx) => {
        const role = await loadRole(tx, roleName)
        await loadPolicy(tx, arn, IAM_MESSAGES.policyNotAttachable)
        const attached = await tx.attachments.listForRole(role.roleName)
        if (attached.includes(arn)) return
        if (attached.length >= limits.managedPoliciesPerRole) {
          throw new LanyardError(
            'entity.limit_exceeded',
            IAM_MESSAGES.quota(
              IAM_QUOTA_NAMES.managedPoliciesPerRole,
              limits.managedPoliciesPerRole,
            ),
          )
        }
        await tx.attachments.attach(role.roleName, arn)
      })
    },

    async detachRolePolicy(roleName: string, arn: string): Promise<void> {
      assertModel([['roleName', roleName, IAM_RULES.roleName]])
      assertPolicyArn('policyArn', arn)
      await store.transaction(async (tx) => {
        const role = await loadRole(tx, roleName)
        if (!(await tx.attachments.detach(role.roleName, arn))) {
          throw new LanyardError('entity.not_found', IAM_MESSAGES.policyNotFound(arn))
        }
      })
    },

    async listAttachedRolePolicies(
      roleName: string,
      options: PageOptions & { pathPrefix?: string | undefined } = {},
    ): Promise<Paged<AttachedPolicy>> {
      maxItemsOf(options)
      assertModel([['pathPrefix', options.pathPrefix, IAM_RULES.policyPath]])
      const role = await loadRole(store, roleName)
      const prefix = options.pathPrefix ?? '/'
      const attached: AttachedPolicy[] = []
      for (const arn of await store.attachments.listForRole(role.roleName)) {
        const policy = await store.managedPolicies.get(arn)
        if (policy?.path.startsWith(prefix)) {
          attached.push({ policyName: policy.policyName, policyArn: policy.arn })
        }
      }
      return pageList(attached, options)
    },

    /** Roles only: Lanyard has no users or groups. */
    async listEntitiesForPolicy(input: ListEntitiesForPolicyInput): Promise<PolicyEntities> {
      assertPolicyArn('policyArn', input.policyArn)
      maxItemsOf(input)
      assertModel([['pathPrefix', input.pathPrefix, IAM_RULES.entityPathPrefix]])
      await loadPolicy(store, input.policyArn)
      if (input.entityFilter !== undefined && input.entityFilter !== 'Role') {
        return { roles: [], isTruncated: false }
      }
      const prefix = input.pathPrefix ?? '/'
      const roles: { roleName: string; roleId: string }[] = []
      for (const role of await allRoles(store)) {
        if (!role.path.startsWith(prefix)) continue
        const asBoundary =
          input.policyUsageFilter !== 'PermissionsPolicy' &&
          role.permissionsBoundaryArn === input.policyArn
        const asPolicy =
          input.policyUsageFilter !== 'PermissionsBoundary' &&
          (await store.attachments.listForRole(role.roleName)).includes(input.policyArn)
        if (asBoundary || asPolicy) roles.push({ roleName: role.roleName, roleId: role.roleId })
      }
      const page = pageList(roles, input)
      return {
        roles: page.items,
        isTruncated: page.isTruncated,
        ...(page.marker && { marker: page.marker }),
      }
    },
  }
}
