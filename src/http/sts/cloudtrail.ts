import { randomUUID } from 'node:crypto'
import type { CloudTrailEvent, UserIdentity } from '../../audit/event.js'
import { redactParameters } from '../../audit/event.js'
import type { Caller, OperationContext } from '../../call-context.js'
import { isoSeconds } from '../../iso-time.js'
import type { ExchangeAudit } from '../../sts/types.js'

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
  const s = caller.session
  const identity: UserIdentity = {
    type: 'AssumedRole',
    principalId: caller.userId,
    arn: caller.arn,
    accountId: caller.accountId,
    accessKeyId: caller.accessKeyId,
  }
  if (s) {
    identity.sessionContext = {
      sessionIssuer: {
        type: 'Role',
        principalId: s.roleId,
        arn: s.roleArn,
        accountId: caller.accountId,
        userName: s.roleName,
      },
      attributes: { creationDate: isoSeconds(s.issuedAt * 1000), mfaAuthenticated: 'false' },
      ...(s.webIdentity
        ? { webIdFederationData: { federatedProvider: s.webIdentity.provider, attributes: {} } }
        : {}),
      ...(s.sourceIdentity !== undefined ? { sourceIdentity: s.sourceIdentity } : {}),
    }
  }
  return identity
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

/** One CloudTrail record (eventVersion 1.08); request parameters lose their secrets here. */
export function buildEvent(e: EventInput): CloudTrailEvent {
  return {
    eventVersion: '1.08',
    userIdentity: e.userIdentity,
    eventTime: isoSeconds(e.ctx.now),
    eventSource: e.eventSource,
    eventName: e.eventName,
    awsRegion: e.ctx.region,
    sourceIPAddress: e.ctx.sourceIp,
    ...(e.ctx.userAgent !== undefined ? { userAgent: e.ctx.userAgent } : {}),
    ...(e.error ? { errorCode: e.error.code, errorMessage: e.error.message } : {}),
    requestParameters: e.requestParameters === null ? null : redactParameters(e.requestParameters),
    responseElements: e.responseElements ?? null,
    ...(e.additionalEventData ? { additionalEventData: e.additionalEventData } : {}),
    requestID: e.ctx.requestId,
    eventID: randomUUID(),
    readOnly: e.readOnly,
    ...(e.resources
      ? { resources: e.resources.map((r) => ({ accountId: e.accountId, ...r })) }
      : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: e.accountId,
    eventCategory: 'Management',
    ...(e.lanyard ? { lanyard: e.lanyard } : {}),
  }
}
