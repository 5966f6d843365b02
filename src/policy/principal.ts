import type { PolicyPrincipal, PrincipalMatchKind, RequestPrincipal } from './types.js'

/**
 * `Principal` / `NotPrincipal` matching (reference_policies_elements_principal). No wildcards
 * except `*` for everyone ("You cannot use a wildcard to match part of a principal name or
 * ARN"); ARNs compared exactly (user names are case-sensitive). The kind of match decides how
 * the allow combines with other policies (reference_policies_evaluation-logic):
 * - user ARN, session ARN, federated-user ARN, `Federated`, `Service`, `CanonicalUser`, `*`:
 *   `direct`
 * - the role ARN (or role unique id) of a role session: `role`
 * - account id or `arn:…:iam::<account>:root`: `account` ("This delegates authority to the
 *   account")
 */
export interface CompiledPrincipal {
  readonly any: boolean
  readonly accounts: readonly string[]
  readonly directArns: readonly string[]
  readonly roles: readonly {
    readonly arn: string
    readonly account: string
    readonly name: string
  }[]
  readonly uniqueIds: readonly string[]
  readonly federated: readonly string[]
  readonly services: readonly string[]
  readonly canonicalUsers: readonly string[]
}

function list(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return []
  return typeof v === 'string' ? [v] : v
}

const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/
const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/
const ACCOUNT_ID = /^\d{12}$/
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/

/** Compiles a `Principal`/`NotPrincipal` value. */
export function compilePrincipal(p: PolicyPrincipal): CompiledPrincipal {
  const accounts: string[] = []
  const directArns: string[] = []
  const roles: { arn: string; account: string; name: string }[] = []
  const uniqueIds: string[] = []
  let any = p === '*'
  if (typeof p === 'object') {
    for (const v of list(p.AWS)) {
      if (v === '*') {
        // "Principal": "*" and {"AWS": "*"} are equivalent.
        any = true
        continue
      }
      if (ACCOUNT_ID.test(v)) {
        accounts.push(v)
        continue
      }
      const root = ROOT_ARN.exec(v)
      if (root !== null) {
        accounts.push(root[1] as string)
        continue
      }
      const role = ROLE_ARN.exec(v)
      if (role !== null) {
        roles.push({ arn: v, account: role[1] as string, name: role[2] as string })
        continue
      }
      if (UNIQUE_ID.test(v)) uniqueIds.push(v)
      else directArns.push(v)
    }
  }
  return {
    any,
    accounts,
    directArns,
    roles,
    uniqueIds,
    federated: typeof p === 'object' ? list(p.Federated) : [],
    services: typeof p === 'object' ? list(p.Service) : [],
    canonicalUsers: typeof p === 'object' ? list(p.CanonicalUser) : [],
  }
}

/** The request principal with the parts matching needs, derived once per evaluation. */
export interface PreparedPrincipal {
  readonly source: RequestPrincipal | undefined
  readonly account: string | undefined
  readonly roleArn: string | undefined
  readonly roleAccount: string | undefined
  readonly roleName: string | undefined
  readonly userIdPrefix: string | undefined
}

const ARN_ACCOUNT = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/
const SESSION_ARN = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/

/** Derives account, role and unique-id prefix of the caller. */
export function preparePrincipal(p: RequestPrincipal | undefined): PreparedPrincipal {
  const arn = p?.arn
  const account = p?.account ?? (arn === undefined ? undefined : ARN_ACCOUNT.exec(arn)?.[1])
  let roleAccount: string | undefined
  let roleName: string | undefined
  const explicitRole = p?.roleArn === undefined ? null : ROLE_ARN.exec(p.roleArn)
  if (explicitRole !== null) {
    roleAccount = explicitRole[1]
    roleName = explicitRole[2]
  } else if (arn !== undefined) {
    const session = SESSION_ARN.exec(arn)
    if (session !== null) {
      roleAccount = session[1]
      roleName = session[2]
    }
  }
  const userId = p?.userId
  const colon = userId === undefined ? -1 : userId.indexOf(':')
  return {
    source: p,
    account,
    roleArn: p?.roleArn,
    roleAccount,
    roleName,
    userIdPrefix: userId !== undefined && colon > 0 ? userId.slice(0, colon) : undefined,
  }
}

/** How the principal element matches the caller, or `undefined` when it does not. */
export function matchPrincipal(
  c: CompiledPrincipal,
  r: PreparedPrincipal,
): PrincipalMatchKind | undefined {
  if (c.any) return 'direct'
  const p = r.source
  if (p !== undefined) {
    if (p.arn !== undefined && c.directArns.includes(p.arn)) return 'direct'
    if (p.federated !== undefined && c.federated.includes(p.federated)) return 'direct'
    if (p.service !== undefined && c.services.includes(p.service)) return 'direct'
    if (p.canonicalUser !== undefined && c.canonicalUsers.includes(p.canonicalUser)) return 'direct'
    if (p.userId !== undefined && c.uniqueIds.includes(p.userId)) return 'direct'
  }
  for (const role of c.roles) {
    if (r.roleArn !== undefined ? role.arn === r.roleArn : false) return 'role'
    // Role names are unique within an account whatever their path (reference_identifiers).
    if (role.account === r.roleAccount && role.name === r.roleName) return 'role'
    if (p?.arn === role.arn) return 'role'
  }
  if (r.userIdPrefix !== undefined && c.uniqueIds.includes(r.userIdPrefix)) return 'role'
  if (r.account !== undefined && c.accounts.includes(r.account)) return 'account'
  return undefined
}
