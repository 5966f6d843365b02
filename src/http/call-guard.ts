import { type Attribution, type CloudTrailEvent, withSessionKey } from '../audit/event.js'
import { type PendingAudit, withPendingAudit } from '../audit/in-transaction.js'
import type { AuditWriter } from '../audit/writer.js'
import { AccessDeniedError, type Authorizer } from '../authz/authorizer.js'
import type { Caller, OperationContext } from '../call-context.js'
import type { Session } from '../credentials/session.js'
import { type Decision, explainDecision } from '../policy/index.js'
import { toAwsError, type WireProtocol } from './aws-errors.js'
import { buildEvent, callerIdentity, type EventInput } from './sts/cloudtrail.js'

const EVENT_SOURCES: Record<string, string> = {
  iam: 'iam.amazonaws.com',
  eks: 'eks.amazonaws.com',
  cloudformation: 'cloudformation.amazonaws.com',
}

/** Read-only calls by name (CloudTrail's `readOnly`). */
const READ_ONLY = /^(Get|List|Describe|Simulate)/
const isReadOnly = (action: string) => READ_ONLY.test(action)

export interface GuardedCall {
  /** `iam`, `eks`, … (the SigV4 signing name). */
  service: WireProtocol
  /** Operation name, e.g. `DescribeCluster`. */
  action: string
  /** Resource ARN the action is authorized on (`*` when none). */
  resource: string
  ctx: OperationContext
  requestParameters: Record<string, unknown>
}

/**
 * Authorizes every signed call with the caller's policies, and records every call — allowed or
 * denied, succeeded or failed — as one CloudTrail event before the answer goes out.
 */
export function createCallGuard(deps: {
  authorizer: Authorizer
  audit: AuditWriter
  accountId: string
  /** Development only: append the reason to access-denied messages. */
  explainDenials?: boolean
}) {
  const event = (
    call: GuardedCall,
    outcome: {
      error?: unknown
      decision?: Decision | undefined
      response?: Record<string, unknown>
    },
  ): CloudTrailEvent => {
    const caller = call.ctx.caller as Caller
    const wire = outcome.error === undefined ? undefined : toAwsError(outcome.error, call.service)
    const s = caller.session
    const input: EventInput = {
      ctx: call.ctx,
      accountId: deps.accountId,
      eventSource: EVENT_SOURCES[call.service] ?? `${call.service}.amazonaws.com`,
      eventName: call.action,
      userIdentity: callerIdentity(caller),
      readOnly: isReadOnly(call.action),
      requestParameters: call.requestParameters,
      responseElements: outcome.response ?? null,
    }
    if (wire) input.error = { code: wire.code, message: wire.message }
    if (call.resource !== '*')
      input.resources = [{ type: resourceType(call.resource), ARN: call.resource }]
    const attribution =
      s === undefined
        ? { sessionAccessKeyId: caller.accessKeyId }
        : attributionOf(s, caller.accessKeyId)
    input.lanyard = outcome.decision ? { decision: outcome.decision, attribution } : { attribution }
    return buildEvent(input)
  }

  return {
    /**
     * Runs `fn` if the caller may; either way the call is recorded. Root is allowed everything
     * without an evaluation, as in AWS.
     */
    async run<T>(call: GuardedCall, fn: () => Promise<T>): Promise<T> {
      const caller = call.ctx.caller
      let decision: Decision | undefined
      // A write's record commits in the write's own transaction (see auditingStore); calls that
      // write nothing, and failures, are recorded here. Only a call that may write needs its
      // record carried into the write's transaction.
      const pending: PendingAudit | undefined = isReadOnly(call.action)
        ? undefined
        : { build: () => event(call, { decision }), written: false }
      try {
        if (caller && caller.kind !== 'root') {
          decision = await deps.authorizer.authorize(
            caller,
            `${call.service}:${call.action}`,
            call.resource,
            call.ctx,
          )
        }
        if (pending === undefined) {
          const result = await fn()
          await deps.audit.record(event(call, { decision }))
          return result
        }
        const result = await withPendingAudit(pending, fn)
        if (pending.event) deps.audit.committed(pending.event)
        else await deps.audit.record(pending.build())
        return result
      } catch (error) {
        const d = error instanceof AccessDeniedError ? error.decision : decision
        if (pending === undefined || !pending.written)
          await deps.audit.record(event(call, { error, decision: d }))
        if (error instanceof AccessDeniedError && deps.explainDenials) {
          throw new AccessDeniedError(
            `${error.message} (lanyard: ${explainDecision(error.decision).join('; ')})`,
            error.decision,
          )
        }
        throw error
      }
    },
  }
}

export type CallGuard = ReturnType<typeof createCallGuard>

/**
 * A session's join keys with the access key id it signs with, the same for every call of the
 * session (opened sessions are the same frozen object call after call): built once.
 */
const attributions = new WeakMap<Session, Readonly<Attribution>>()
function attributionOf(s: Session, accessKeyId: string): Readonly<Attribution> {
  let a = attributions.get(s)
  if (a === undefined || a.sessionAccessKeyId !== accessKeyId) {
    a = Object.freeze(withSessionKey(s.attribution, accessKeyId))
    attributions.set(s, a)
  }
  return a
}

function resourceType(arn: string): string {
  if (arn.includes(':role/')) return 'AWS::IAM::Role'
  if (arn.includes(':policy/')) return 'AWS::IAM::ManagedPolicy'
  if (arn.includes(':oidc-provider/')) return 'AWS::IAM::OIDCProvider'
  if (arn.includes(':cluster/')) return 'AWS::EKS::Cluster'
  return 'AWS::Unknown'
}
