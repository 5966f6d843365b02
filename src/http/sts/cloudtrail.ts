import type { CloudTrailEvent, UserIdentity } from '../../audit/event.js'
import { redactParameters } from '../../audit/event.js'
import type { Caller, OperationContext } from '../../call-context.js'
import type { Session } from '../../credentials/session.js'
import { deepFreeze } from '../../deep-freeze.js'
import { isoSeconds } from '../../iso-time.js'
import type { ExchangeAudit } from '../../sts/types.js'
import { timeOrderedUuid } from '../../time-ordered-id.js'
import { weakMemo } from '../../weak-memo.js'

type SessionContext = NonNullable<UserIdentity['sessionContext']>

/** The same for every call of a session (opened sessions are the same object call after call). */
const sessionContextOf = weakMemo((s: Session, accountId: string): SessionContext => {
  const context: SessionContext = {
    sessionIssuer: {
      type: 'Role',
      principalId: s.roleId,
      arn: s.roleArn,
      accountId,
      userName: s.roleName,
    },
    attributes: { creationDate: isoSeconds(s.issuedAt * 1000), mfaAuthenticated: 'false' },
  }
  if (s.webIdentity)
    context.webIdFederationData = { federatedProvider: s.webIdentity.provider, attributes: {} }
  if (s.sourceIdentity !== undefined) context.sourceIdentity = s.sourceIdentity
  return context
})

/** An assumed role's `userIdentity`, without its session context. */
function assumedRoleIdentity(caller: Caller): UserIdentity {
  return {
    type: 'AssumedRole',
    principalId: caller.userId,
    arn: caller.arn,
    accountId: caller.accountId,
    accessKeyId: caller.accessKeyId,
  }
}

/**
 * A session caller's `userIdentity`: the same for every call of the session (its caller is the
 * same frozen object call after call), so built once, deep-frozen, and its JSON written once
 * (see audit/event-json.ts).
 */
const sessionIdentityOf = weakMemo((caller: Caller): UserIdentity => {
  const identity = assumedRoleIdentity(caller)
  identity.sessionContext = sessionContextOf(caller.session as Session, caller.accountId)
  return deepFreeze(identity)
})

/** CloudTrail's `userIdentity` for a signed caller (cloudtrail-event-reference-user-identity). */
export function callerIdentity(caller: Caller): UserIdentity {
  if (caller.kind === 'root') {
    return {
      type: 'Root',
      principalId: caller.accountId,
      arn: caller.arn,
      accountId: caller.accountId,
      accessKeyId: caller.accessKeyId,
    }
  }
  return caller.session ? sessionIdentityOf(caller) : assumedRoleIdentity(caller)
}

/** CloudTrail's `userIdentity` for the unsigned web-identity exchange. */
export function webIdentityUser(audit: ExchangeAudit): UserIdentity {
  const w = audit.webIdentity
  if (!w) return { type: 'WebIdentityUser' }
  return {
    type: 'WebIdentityUser',
    principalId: `${w.providerArn}:${w.audience}:${w.subject}`,
    userName: w.subject,
    identityProvider: w.providerArn,
  }
}

export interface EventInput {
  ctx: OperationContext
  accountId: string
  eventSource: string
  eventName: string
  userIdentity: UserIdentity
  readOnly: boolean
  requestParameters: Record<string, unknown> | null
  responseElements?: Record<string, unknown> | null
  error?: { code: string; message: string }
  resources?: { type: string; ARN: string }[]
  lanyard?: CloudTrailEvent['lanyard']
  additionalEventData?: Record<string, unknown>
}

/**
 * One CloudTrail record (eventVersion 1.08); request parameters lose their secrets here. Every
 * call builds one: fields are assigned in CloudTrail's order rather than spread from
 * conditional literals (each spread allocates and copies an object).
 */
export function buildEvent(e: EventInput): CloudTrailEvent {
  const event = {
    eventVersion: '1.08',
    userIdentity: e.userIdentity,
    eventTime: isoSeconds(e.ctx.now),
    eventSource: e.eventSource,
    eventName: e.eventName,
    awsRegion: e.ctx.region,
    sourceIPAddress: e.ctx.sourceIp,
  } as CloudTrailEvent
  if (e.ctx.userAgent !== undefined) event.userAgent = e.ctx.userAgent
  if (e.error) {
    event.errorCode = e.error.code
    event.errorMessage = e.error.message
  }
  event.requestParameters =
    e.requestParameters === null ? null : redactParameters(e.requestParameters)
  event.responseElements = e.responseElements ?? null
  if (e.additionalEventData) event.additionalEventData = e.additionalEventData
  event.requestID = e.ctx.requestId
  event.eventID = timeOrderedUuid()
  event.readOnly = e.readOnly
  if (e.resources) event.resources = e.resources.map((r) => ({ accountId: e.accountId, ...r }))
  event.eventType = 'AwsApiCall'
  event.managementEvent = true
  event.recipientAccountId = e.accountId
  event.eventCategory = 'Management'
  if (e.lanyard) event.lanyard = e.lanyard
  return event
}
