import { LanyardError } from '../errors.js'
import { assertModel, IAM_RULES } from './constraints.js'
import type { IamContext } from './context.js'
import { IAM_MESSAGES } from './messages.js'
import { pageList } from './paging.js'
import { checkIdentityPolicy } from './policy-rules.js'
import { policySize } from './policy-size.js'
import { loadRole } from './roles.js'
import type { IamService, Paged, PageOptions, PolicyFinding } from './types.js'

/** Inline role policies: PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy. */
export function createRolePolicyOps(
  ctx: IamContext,
): Pick<IamService, 'putRolePolicy' | 'getRolePolicy' | 'listRolePolicies' | 'deleteRolePolicy'> {
  const { store } = ctx
  const limit = ctx.config.limits.inlinePolicySizePerRole
  const checkName = (policyName: string) =>
    assertModel([['policyName', policyName, IAM_RULES.policyName]])

  return {
    /**
     * Adds or replaces an inline policy. The quota is the aggregate of all the role's inline
     * policies, white space not counted (reference_iam-quotas: "Role policy size … 10,240").
     */
    async putRolePolicy(
      roleName: string,
      policyName: string,
      policyDocument: string,
    ): Promise<{ findings: PolicyFinding[] }> {
      checkName(policyName)
      const findings = checkIdentityPolicy('policyDocument', policyDocument)
      await store.transaction(async (tx) => {
        const role = await loadRole(tx, roleName)
        const others = (await tx.rolePolicies.list(role.roleName)).filter(
          (p) => p.policyName !== policyName,
        )
        const total = others.reduce(
          (n, p) => n + policySize(p.document),
          policySize(policyDocument),
        )
        if (total > limit) {
          throw new LanyardError(
            'policy.too_large',
            IAM_MESSAGES.inlinePolicySize(limit, role.roleName),
          )
        }
        await tx.rolePolicies.put({ roleName: role.roleName, policyName, document: policyDocument })
      })
      return { findings }
    },

    async getRolePolicy(
      roleName: string,
      policyName: string,
    ): Promise<{ roleName: string; policyName: string; policyDocument: string }> {
      checkName(policyName)
      const role = await loadRole(store, roleName)
      const policy = await store.rolePolicies.get(role.roleName, policyName)
      if (!policy) {
        throw new LanyardError('entity.not_found', IAM_MESSAGES.rolePolicyNotFound(policyName))
      }
      return {
        roleName: role.roleName,
        policyName: policy.policyName,
        policyDocument: policy.document,
      }
    },

    async listRolePolicies(roleName: string, page?: PageOptions): Promise<Paged<string>> {
      const role = await loadRole(store, roleName)
      const names = (await store.rolePolicies.list(role.roleName)).map((p) => p.policyName)
      return pageList(names, page)
    },

    async deleteRolePolicy(roleName: string, policyName: string): Promise<void> {
      checkName(policyName)
      await store.transaction(async (tx) => {
        const role = await loadRole(tx, roleName)
        if (!(await tx.rolePolicies.delete(role.roleName, policyName))) {
          throw new LanyardError('entity.not_found', IAM_MESSAGES.rolePolicyNotFound(policyName))
        }
      })
    },
  }
}
