import type { Store } from '../store/ports.js'

/**
 * The resource each IAM action is authorized on (Service Authorization Reference, IAM): roles by
 * their ARN (with path), policies and OIDC providers by theirs, listings on `*`.
 */
export function createIamResourceResolver(deps: { store: Store; accountId: string }) {
  const acct = deps.accountId
  const roleArn = async (name: string | undefined, path: string | undefined): Promise<string> => {
    if (name === undefined) return '*'
    if (path !== undefined) return `arn:aws:iam::${acct}:role${path}${name}`
    const role = await deps.store.roles.get(name)
    return role?.arn ?? `arn:aws:iam::${acct}:role/${name}`
  }
  const roleActions = new Set([
    'CreateRole',
    'GetRole',
    'UpdateRole',
    'UpdateRoleDescription',
    'DeleteRole',
    'UpdateAssumeRolePolicy',
    'PutRolePolicy',
    'GetRolePolicy',
    'ListRolePolicies',
    'DeleteRolePolicy',
    'AttachRolePolicy',
    'DetachRolePolicy',
    'ListAttachedRolePolicies',
    'TagRole',
    'UntagRole',
    'ListRoleTags',
    'PutRolePermissionsBoundary',
    'DeleteRolePermissionsBoundary',
  ])
  return async (action: string, params: ReadonlyMap<string, string>): Promise<string> => {
    if (roleActions.has(action)) {
      return roleArn(
        params.get('RoleName'),
        action === 'CreateRole' ? (params.get('Path') ?? '/') : undefined,
      )
    }
    const providerArn = params.get('OpenIDConnectProviderArn')
    if (providerArn !== undefined) return providerArn
    if (action === 'CreateOpenIDConnectProvider') {
      const url = params.get('Url')
      return url === undefined
        ? '*'
        : `arn:aws:iam::${acct}:oidc-provider/${url.replace(/^https:\/\//, '')}`
    }
    const policyArn = params.get('PolicyArn')
    if (policyArn !== undefined) return policyArn
    if (action === 'CreatePolicy') {
      const name = params.get('PolicyName')
      return name === undefined
        ? '*'
        : `arn:aws:iam::${acct}:policy${params.get('Path') ?? '/'}${name}`
    }
    if (action === 'SimulatePrincipalPolicy') return params.get('PolicySourceArn') ?? '*'
    return '*'
  }
}
