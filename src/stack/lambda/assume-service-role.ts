import type { PolicyCache } from '../../authz/policy-cache.js'
import type { SessionSealer } from '../../credentials/session.js'
import { LanyardError } from '../../errors.js'
import { isoSeconds } from '../../iso-time.js'
import { createRequestContext, evaluatePolicies } from '../../policy/index.js'
import type { RoleRecord, Store } from '../../store/ports.js'
import { parseRoleArn } from '../../sts/role-arn.js'

/** Lambda's text when the execution role's trust policy does not admit it (CreateFunction). */
export const LAMBDA_CANNOT_ASSUME = 'The role defined for the function cannot be assumed by Lambda.'

/** CloudFormation's text when it cannot use a stack's service role (RoleARN). */
export const ROLE_CANNOT_BE_ASSUMED = (roleArn: string) =>
  `Role ${roleArn} is invalid or cannot be assumed`

export interface ServiceCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** Epoch seconds. */
  expiresAt: number
}

/**
 * STS AssumeRole on behalf of an AWS service principal (`lambda.amazonaws.com`): the role's
 * trust policy is evaluated as a resource-based policy for `{ Service: <service> }` and action
 * `sts:AssumeRole`, with `aws:SourceAccount`/`aws:SourceArn` as the service sets them
 * (confused-deputy keys). The session is sealed like any other, so its calls are authorized by
 * the role's policies.
 */
export function createServiceRoleAssumer(deps: {
  store: Store
  policies: PolicyCache
  sealer: SessionSealer
  accountId: string
  now: () => number
}) {
  const trusted = async (
    roleArn: string,
    service: string,
    sourceArn: string,
  ): Promise<RoleRecord | undefined> => {
    const parsed = parseRoleArn(roleArn)
    if (!parsed || parsed.account !== deps.accountId) return undefined
    const role = await deps.store.roles.get(parsed.name)
    if (!role || role.arn !== roleArn) return undefined
    const trust = deps.policies.get(role.assumeRolePolicyDocument, 'trust', 'trust')
    const now = deps.now()
    const decision = evaluatePolicies(
      {
        principal: { service },
        action: 'sts:AssumeRole',
        resource: role.arn,
        context: createRequestContext({
          'aws:CurrentTime': isoSeconds(now),
          'aws:EpochTime': String(Math.floor(now / 1000)),
          'aws:PrincipalServiceName': service,
          'aws:SourceAccount': deps.accountId,
          'aws:SourceArn': sourceArn,
        }),
      },
      { resource: [trust] },
    )
    return decision.decision === 'allowed' ? role : undefined
  }

  return {
    /** Throws Lambda's InvalidParameterValue text when the service may not assume the role. */
    async check(roleArn: string, service: string, sourceArn: string): Promise<void> {
      if (!(await trusted(roleArn, service, sourceArn)))
        throw new LanyardError('trust.denied', LAMBDA_CANNOT_ASSUME)
    },

    /** The sealed session itself (for callers built in process, e.g. CloudFormation's role). */
    async session(roleArn: string, service: string, sourceArn: string, sessionName: string) {
      const role = await trusted(roleArn, service, sourceArn)
      if (!role) return undefined
      const issuedAt = Math.floor(deps.now() / 1000)
      return deps.sealer.mint({
        roleArn: role.arn,
        roleId: role.roleId,
        roleName: role.roleName,
        sessionName,
        issuedAt,
        expiresAt: issuedAt + 3600,
        via: 'AssumeRole',
        attribution: { invokedBy: service },
      }).session
    },

    /** Credentials of a session `<role>/<sessionName>` for the service. */
    async assume(
      roleArn: string,
      service: string,
      sourceArn: string,
      sessionName: string,
      durationSeconds = 3600,
    ): Promise<ServiceCredentials> {
      const role = await trusted(roleArn, service, sourceArn)
      if (!role) throw new LanyardError('trust.denied', LAMBDA_CANNOT_ASSUME)
      const issuedAt = Math.floor(deps.now() / 1000)
      const minted = deps.sealer.mint({
        roleArn: role.arn,
        roleId: role.roleId,
        roleName: role.roleName,
        sessionName,
        issuedAt,
        expiresAt: issuedAt + durationSeconds,
        via: 'AssumeRole',
        attribution: { invokedBy: service },
      })
      return {
        accessKeyId: minted.session.accessKeyId,
        secretAccessKey: minted.session.secretAccessKey,
        sessionToken: minted.sessionToken,
        expiresAt: issuedAt + durationSeconds,
      }
    },
  }
}

export type ServiceRoleAssumer = ReturnType<typeof createServiceRoleAssumer>
