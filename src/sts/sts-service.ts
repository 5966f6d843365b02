import { withSessionKey } from '../audit/event.js'
import { globalConditionKeys } from '../authz/global-keys.js'
import type { PolicyCache } from '../authz/policy-cache.js'
import type { Caller, OperationContext } from '../call-context.js'
import type { Session, SessionSealer } from '../credentials/session.js'
import { LanyardError } from '../errors.js'
import {
  type CompiledPolicy,
  createRequestContext,
  type Decision,
  evaluatePolicies,
  explainDecision,
  type PolicySet,
  parsePolicy,
  type RequestContext,
} from '../policy/index.js'
import type { RoleRecord, Store } from '../store/ports.js'
import { callerRefusal, type Refusal, transitiveTags } from './assume-role-rules.js'
import { ExplainedError } from './denied-error.js'
import { kubernetesPrincipalTags, readKubernetesClaims } from './kubernetes-claims.js'
import { assumedRoleArn, parseRoleArn } from './role-arn.js'
import { packedPercent, sessionSeconds } from './session-limits.js'
import { mergeRequestTags, readSessionTagsClaim } from './session-tags.js'
import type {
  AssumeRoleInput,
  AssumeRoleOutput,
  AssumeRoleWithWebIdentityInput,
  AssumeRoleWithWebIdentityOutput,
  ExchangeAudit,
  VerifiedWebIdentity,
  WebIdentityVerifier,
} from './types.js'
import { writeWebIdentityKeys } from './web-identity-keys.js'

export interface StsDeps {
  store: Store
  accountId: string
  verifier: WebIdentityVerifier
  sealer: SessionSealer
  policies: PolicyCache
  /** The cluster whose issuer this is, when it is one of Lanyard's own. */
  clusterForIssuer: (issuer: string) => Promise<string | undefined>
  /**
   * What a call signed by `caller` is decided with (see authz): its identity policies, boundary
   * and session policies, and the request context of its principal's keys (role and session
   * tags, source identity, token issue time, …), the global keys and `extra`.
   */
  callerView: (
    caller: Caller,
    ctx: OperationContext,
    extra: Record<string, string | string[]>,
  ) => Promise<{ policies: Omit<PolicySet, 'resource'>; context: RequestContext }>
}

export interface StsConfig {
  /** Append the reason to denial messages (development only). */
  explainDenials: boolean
}

const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity'
const TAGS_CLAIM = 'https://aws.amazon.com/tags'

export type StsService = ReturnType<typeof createStsService>

/** The join keys of an exchange's audit record (only those the token has). */
function joinKeys(
  jti: string | undefined,
  cluster: string | undefined,
  kube: ReturnType<typeof readKubernetesClaims>,
): Record<string, string> {
  const keys: Record<string, string> = {}
  if (jti !== undefined) keys.jti = jti
  if (cluster !== undefined) keys.cluster = cluster
  if (kube?.namespace !== undefined) keys.namespace = kube.namespace
  if (kube?.serviceAccount !== undefined) keys.serviceAccount = kube.serviceAccount
  if (kube?.podName !== undefined) keys.podName = kube.podName
  if (kube?.podUid !== undefined) keys.podUid = kube.podUid
  return keys
}

export interface ExchangeResult<T> {
  output: T
  audit: ExchangeAudit
}

/** STS: the web-identity exchange, AssumeRole, GetCallerIdentity. */
export function createStsService(deps: StsDeps, config: StsConfig) {
  const roleOf = async (roleArn: string): Promise<RoleRecord | undefined> => {
    const parsed = parseRoleArn(roleArn)
    if (!parsed || parsed.account !== deps.accountId) return undefined
    const role = await deps.store.roles.get(parsed.name)
    // The ARN names the role with its path: a role of that name under another path is not it.
    return role && role.arn === roleArn ? role : undefined
  }

  const denied = (
    action: string,
    message: string,
    audit: ExchangeAudit,
    code: Refusal['code'] = 'trust.denied',
  ): never => {
    const reasons = audit.reasons ?? (audit.decision ? explainDecision(audit.decision) : [])
    const shown =
      config.explainDenials && reasons.length > 0
        ? `${message} (lanyard: ${reasons.join('; ')})`
        : message
    throw new ExplainedError(code, shown, { ...audit, reasons }, { cause: action })
  }

  /** Evaluates once fast; again with a trace only when the answer is a refusal. */
  const decide = (
    request: Parameters<typeof evaluatePolicies>[0],
    policies: Parameters<typeof evaluatePolicies>[1],
  ): Decision => {
    const d = evaluatePolicies(request, policies)
    return d.decision === 'allowed' ? d : evaluatePolicies(request, policies, { trace: true })
  }

  /** Session policies: the inline text and managed ARNs (which must exist in this account). */
  const sessionPolicies = async (policy: string | undefined, policyArns: string[] | undefined) => {
    const compiled: CompiledPolicy[] = []
    let packed = 0
    if (policy !== undefined) {
      const parsed = parsePolicy(policy, { kind: 'session', label: 'session:inline' })
      if (!parsed.ok)
        throw new LanyardError(
          'policy.malformed',
          parsed.issues[0]?.message ?? 'Syntax errors in policy.',
        )
      compiled.push(parsed.policy)
      packed += policy.replace(/\s+/g, '').length
    }
    for (const arn of policyArns ?? []) {
      const p = await deps.store.managedPolicies.get(arn)
      const version = p && (await deps.store.managedPolicies.getVersion(arn, p.defaultVersionId))
      if (!p || !version)
        throw new LanyardError(
          'policy.malformed',
          `The policy ${arn} does not exist or is not attachable.`,
        )
      compiled.push(deps.policies.get(version.document, 'session', `session:${arn}`))
      packed += arn.length
    }
    return { compiled, packed }
  }

  /** The credentials and assumed-role user of a freshly minted session. */
  const issued = (
    minted: ReturnType<SessionSealer['mint']>,
    role: RoleRecord,
    sessionName: string,
  ) => ({
    credentials: {
      accessKeyId: minted.session.accessKeyId,
      secretAccessKey: minted.session.secretAccessKey,
      sessionToken: minted.sessionToken,
      expiration: minted.session.expiresAt,
    },
    assumedRoleUser: {
      arn: assumedRoleArn(deps.accountId, role.roleName, sessionName),
      assumedRoleId: `${role.roleId}:${sessionName}`,
    },
  })

  return {
    async assumeRoleWithWebIdentity(
      input: AssumeRoleWithWebIdentityInput,
      ctx: OperationContext,
    ): Promise<ExchangeResult<AssumeRoleWithWebIdentityOutput>> {
      const action = 'sts:AssumeRoleWithWebIdentity'
      const notAuthorized = `Not authorized to perform ${action}`
      let identity: VerifiedWebIdentity
      try {
        identity = await deps.verifier.verify(input.webIdentityToken)
      } catch (err) {
        if (err instanceof LanyardError) {
          throw new ExplainedError(
            err.code,
            err.message,
            { reasons: [err.message] },
            { cause: err },
          )
        }
        throw err
      }
      const url = identity.provider.url
      const kube = readKubernetesClaims(identity.claims)
      const cluster = kube ? await deps.clusterForIssuer(identity.issuer) : undefined
      const audit: ExchangeAudit = {
        webIdentity: {
          providerArn: identity.provider.arn,
          subject: identity.subject,
          audience: identity.audience,
          issuer: identity.issuer,
        },
        attribution: joinKeys(identity.jti, cluster, kube),
      }
      const claimTags = readSessionTagsClaim(identity.claims[TAGS_CLAIM])
      const sourceIdentity = identity.claims[SOURCE_IDENTITY_CLAIM]
      if (
        sourceIdentity !== undefined &&
        (typeof sourceIdentity !== 'string' || !/^[\w+=,.@-]{2,64}$/.test(sourceIdentity))
      ) {
        throw new ExplainedError(
          'token.malformed',
          'The web identity token carries an invalid source identity',
          audit,
        )
      }

      const role = await roleOf(input.roleArn)
      if (!role) {
        // Same answer as a trust denial: no oracle for which roles exist.
        denied(action, notAuthorized, {
          ...audit,
          reasons: [`role \`${input.roleArn}\` does not exist in account ${deps.accountId}`],
        })
      }
      const r = role as RoleRecord
      const trust = deps.policies.get(r.assumeRolePolicyDocument, 'trust', 'trust')
      const values = globalConditionKeys(ctx)
      writeWebIdentityKeys(values, url, identity)
      values['sts:RoleSessionName'] = input.roleSessionName
      values['aws:FederatedProvider'] = identity.provider.arn
      if (typeof sourceIdentity === 'string') values['sts:SourceIdentity'] = sourceIdentity
      if (claimTags) {
        for (const [k, v] of Object.entries(claimTags.tags)) values[`aws:RequestTag/${k}`] = v
        values['aws:TagKeys'] = Object.keys(claimTags.tags)
        values['sts:TransitiveTagKeys'] = claimTags.transitiveTagKeys
      }
      const context = createRequestContext(values)
      const request = {
        principal: { federated: identity.provider.arn },
        action,
        resource: r.arn,
        context,
      }
      const decision = decide(request, { resource: [trust] })
      audit.decision = decision
      if (decision.decision !== 'allowed') denied(action, notAuthorized, audit)
      // Session tags and a source identity need their own permission in the trust policy.
      for (const [needed, extra] of [
        [claimTags !== undefined && Object.keys(claimTags.tags).length > 0, 'sts:TagSession'],
        [typeof sourceIdentity === 'string', 'sts:SetSourceIdentity'],
      ] as const) {
        if (!needed) continue
        const d = decide({ ...request, action: extra }, { resource: [trust] })
        if (d.decision !== 'allowed') denied(action, notAuthorized, { ...audit, decision: d })
      }

      const seconds = sessionSeconds(input.durationSeconds, r.maxSessionDuration, false)
      const session = await sessionPolicies(input.policy, input.policyArns)
      // The token's own tags win over the Kubernetes ones; only they count toward the budget.
      const tags = kube ? kubernetesPrincipalTags(kube, cluster) : {}
      let tagChars = 0
      for (const [k, v] of Object.entries(claimTags?.tags ?? {})) {
        tags[k] = v
        tagChars += k.length + v.length
      }
      const passedPolicies = input.policy !== undefined || (input.policyArns?.length ?? 0) > 0
      const packed = packedPercent(session.packed + tagChars)
      const nowSeconds = Math.floor(ctx.now / 1000)
      const sealed: Parameters<SessionSealer['mint']>[0] = {
        roleArn: r.arn,
        roleId: r.roleId,
        roleName: r.roleName,
        sessionName: input.roleSessionName,
        issuedAt: nowSeconds,
        expiresAt: nowSeconds + seconds,
        via: 'AssumeRoleWithWebIdentity',
        webIdentity: {
          provider: identity.provider.arn,
          subject: identity.subject,
          audience: identity.audience,
        },
      }
      if (Object.keys(tags).length > 0) sealed.tags = tags
      if (claimTags && claimTags.transitiveTagKeys.length > 0)
        sealed.transitiveTagKeys = claimTags.transitiveTagKeys
      if (input.policy !== undefined) sealed.policy = input.policy
      if (input.policyArns && input.policyArns.length > 0) sealed.policyArns = input.policyArns
      if (typeof sourceIdentity === 'string') sealed.sourceIdentity = sourceIdentity
      if (audit.attribution && Object.keys(audit.attribution).length > 0)
        sealed.attribution = audit.attribution as Record<string, string>
      const minted = deps.sealer.mint(sealed)
      audit.attribution = withSessionKey(audit.attribution, minted.session.accessKeyId)
      const { credentials, assumedRoleUser } = issued(minted, r, input.roleSessionName)
      const output: AssumeRoleWithWebIdentityOutput = {
        credentials,
        assumedRoleUser,
        subjectFromWebIdentityToken: identity.subject,
        provider: identity.provider.arn,
        audience: identity.audience,
      }
      if (passedPolicies || tagChars > 0) output.packedPolicySize = packed
      if (typeof sourceIdentity === 'string') output.sourceIdentity = sourceIdentity
      return { output, audit }
    },

    async assumeRole(
      input: AssumeRoleInput,
      ctx: OperationContext,
    ): Promise<ExchangeResult<AssumeRoleOutput>> {
      const action = 'sts:AssumeRole'
      const caller = ctx.caller
      if (!caller)
        throw new LanyardError('signature.missing', 'Request is missing Authentication Token')
      const notAuthorized = `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${input.roleArn}`
      const audit: ExchangeAudit = {
        attribution: withSessionKey(caller.session?.attribution, caller.accessKeyId),
      }
      const refusal = callerRefusal(caller, input, notAuthorized)
      if (refusal)
        denied(action, refusal.message, { ...audit, reasons: [refusal.reason] }, refusal.code)
      const sourceIdentity = input.sourceIdentity ?? caller.session?.sourceIdentity
      const tags = mergeRequestTags(input.tags ?? [], transitiveTags(caller))
      const role = await roleOf(input.roleArn)
      if (!role)
        denied(action, notAuthorized, {
          ...audit,
          reasons: [`role \`${input.roleArn}\` does not exist in account ${deps.accountId}`],
        })
      const r = role as RoleRecord
      const trust = deps.policies.get(r.assumeRolePolicyDocument, 'trust', 'trust')
      // The caller's principal keys, as in any call it signs: aws:PrincipalTag/* from its role's
      // tags and its session's, aws:SourceIdentity, aws:FederatedProvider, aws:TokenIssueTime, …
      const view = await deps.callerView(caller, ctx, {
        'sts:RoleSessionName': input.roleSessionName,
        ...(input.externalId !== undefined ? { 'sts:ExternalId': input.externalId } : {}),
        ...(sourceIdentity !== undefined ? { 'sts:SourceIdentity': sourceIdentity } : {}),
        ...(input.tags
          ? {
              ...Object.fromEntries(input.tags.map((t) => [`aws:RequestTag/${t.key}`, t.value])),
              'aws:TagKeys': input.tags.map((t) => t.key),
            }
          : {}),
        ...(input.transitiveTagKeys ? { 'sts:TransitiveTagKeys': input.transitiveTagKeys } : {}),
      })
      const principal = {
        arn: caller.arn,
        account: caller.accountId,
        userId: caller.userId,
        ...(caller.session ? { roleArn: caller.session.roleArn } : {}),
      }
      // One evaluation with everything that applies (reference_policies_evaluation-logic): the
      // trust policy as the resource policy, and the caller's own identity policies, boundary and
      // session policies — a trust policy naming the account delegates to those.
      const policies = {
        ...view.policies,
        resource: [trust],
        sessionPrincipal: caller.kind === 'assumed-role',
      }
      const request = { principal, action, resource: r.arn, context: view.context }
      const decision = decide(request, policies)
      audit.decision = decision
      if (decision.decision !== 'allowed') denied(action, notAuthorized, audit)
      // Passing session tags, and setting (or carrying) a source identity, are actions of their
      // own that the same policies must allow (id_session-tags_permissions-required,
      // id_credentials_temp_control-access_monitor-perms).
      for (const [needed, extra] of [
        [(input.tags?.length ?? 0) > 0, 'sts:TagSession'],
        [sourceIdentity !== undefined, 'sts:SetSourceIdentity'],
      ] as const) {
        if (!needed) continue
        const d = decide({ ...request, action: extra }, policies)
        if (d.decision !== 'allowed')
          denied(
            action,
            `User: ${caller.arn} is not authorized to perform: ${extra} on resource: ${r.arn}`,
            { ...audit, decision: d },
          )
      }
      const chained = caller.kind === 'assumed-role'
      const seconds = sessionSeconds(input.durationSeconds, r.maxSessionDuration, chained)
      const session = await sessionPolicies(input.policy, input.policyArns)
      const tagChars = (input.tags ?? []).reduce((n, t) => n + t.key.length + t.value.length, 0)
      const packed = packedPercent(session.packed + tagChars)
      const nowSeconds = Math.floor(ctx.now / 1000)
      const transitive = [
        ...new Set([
          ...(caller.session?.transitiveTagKeys ?? []),
          ...(input.transitiveTagKeys ?? []),
        ]),
      ]
      const minted = deps.sealer.mint({
        roleArn: r.arn,
        roleId: r.roleId,
        roleName: r.roleName,
        sessionName: input.roleSessionName,
        issuedAt: nowSeconds,
        expiresAt: nowSeconds + seconds,
        via: 'AssumeRole',
        ...(Object.keys(tags).length > 0 ? { tags } : {}),
        ...(transitive.length > 0 ? { transitiveTagKeys: transitive } : {}),
        ...(input.policy !== undefined ? { policy: input.policy } : {}),
        ...(input.policyArns && input.policyArns.length > 0
          ? { policyArns: input.policyArns }
          : {}),
        ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
        ...(caller.session?.attribution ? { attribution: caller.session.attribution } : {}),
      })
      audit.attribution = withSessionKey(audit.attribution, minted.session.accessKeyId)
      const passedPolicies = input.policy !== undefined || (input.policyArns?.length ?? 0) > 0
      return {
        output: {
          ...issued(minted, r, input.roleSessionName),
          ...(passedPolicies || tagChars > 0 ? { packedPolicySize: packed } : {}),
          ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
        },
        audit,
      }
    },

    getCallerIdentity(ctx: OperationContext): { account: string; arn: string; userId: string } {
      const caller = ctx.caller
      if (!caller)
        throw new LanyardError('signature.missing', 'Request is missing Authentication Token')
      return { account: caller.accountId, arn: caller.arn, userId: caller.userId }
    },
  }
}

export type { Session }
