import { isCustomResourceType } from '../template/index.js'
import { customResourceProvider } from './custom-resource.js'
import { eksClusterProvider } from './eks-cluster.js'
import { iamManagedPolicyProvider } from './iam-managed-policy.js'
import { iamOidcProviderProvider } from './iam-oidc-provider.js'
import { iamPolicyProvider } from './iam-policy.js'
import { iamRoleProvider } from './iam-role.js'
import { lambdaFunctionProvider } from './lambda-function.js'
import type { ResourceProvider } from './provider.js'

/**
 * The resource types Lanyard deploys: IAM roles, policies and OIDC providers, EKS clusters,
 * Lambda functions with inline code, and custom resources.
 */
export const PROVIDERS: readonly ResourceProvider[] = [
  iamRoleProvider,
  iamPolicyProvider,
  iamManagedPolicyProvider,
  iamOidcProviderProvider,
  eksClusterProvider,
  lambdaFunctionProvider,
]

const BY_TYPE = new Map(PROVIDERS.map((p) => [p.type, p]))

/** The provider of a resource type (custom resource types share one). */
export function providerFor(type: string): ResourceProvider | undefined {
  return isCustomResourceType(type) ? customResourceProvider : BY_TYPE.get(type)
}

export { stringifyScalars } from './custom-resource.js'
export { isRunnableRuntime } from './lambda-function.js'
export {
  changedProperties,
  checkProperties,
  needsReplacement,
  ResourceFailure,
  resourceError,
  sameValue,
} from './properties.js'
export type * from './provider.js'
