/**
 * IAM: OpenID Connect providers, roles, inline and managed policies (issue #3) and the policy
 * simulator (issue #4), as a domain service with camelCase shapes. The awsQuery wire layer is
 * src/http/iam/.
 *
 * @example
 * ```ts
 * const iam = createIamService({ store, accountId: '123456789012', now: Date.now }, DEFAULT_IAM_CONFIG)
 * const { role } = await iam.createRole({ roleName: 'app', assumeRolePolicyDocument: trust })
 * ```
 */
export type { IamConfig, IamLimits } from './config.js'
export { DEFAULT_IAM_CONFIG, DEFAULT_IAM_LIMITS } from './config.js'
export type { ModelRule } from './constraints.js'
export { assertModel, IAM_INT_RULES, IAM_RULES, lengthOnly } from './constraints.js'
export type { IamDeps } from './context.js'
export type { IamIdPrefix } from './ids.js'
export { newIamId } from './ids.js'
export type { PolicyLint, PolicyLintRefusal, RoleTrustLint } from './lint.js'
export { lintPolicyDocument, lintRoleTrust } from './lint.js'
export { IAM_MESSAGES } from './messages.js'
export { providerUrlWithoutScheme } from './oidc-providers.js'
export type { PolicyCheckKind } from './policy-check.js'
export { policySize } from './policy-size.js'
export { createIamService } from './service.js'
export type { SimulationPolicy, SimulationSubject } from './simulate.js'
export { ANY_RESOURCE, createSimulation, SOURCE_POLICY_TYPES } from './simulate.js'
export type { StatementSpan } from './statement-positions.js'
export { statementSpans } from './statement-positions.js'
export type * from './types.js'
