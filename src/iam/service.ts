import type { IamConfig } from './config.js'
import { createIamContext, type IamDeps } from './context.js'
import { createManagedPolicyOps } from './managed-policies.js'
import { createOidcProviderOps } from './oidc-providers.js'
import { createRolePolicyOps } from './role-policies.js'
import { createRoleOps } from './roles.js'
import { createSimulationOps } from './simulation-ops.js'
import type { IamService } from './types.js'

/**
 * The IAM service: OpenID Connect providers, roles, inline role policies and managed policies,
 * and the policy simulator over them,
 * with AWS's errors (LanyardError codes `entity.*`, `policy.*`, `request.*` carrying AWS's
 * message texts). Every write runs in one store transaction: it lands whole or not at all.
 */
export function createIamService(deps: IamDeps, config: IamConfig): IamService {
  const ctx = createIamContext(deps, config)
  return {
    ...createOidcProviderOps(ctx),
    ...createRoleOps(ctx),
    ...createRolePolicyOps(ctx),
    ...createManagedPolicyOps(ctx),
    ...createSimulationOps(ctx),
  }
}
