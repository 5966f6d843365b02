/**
 * CloudTrail's event format (eventVersion 1.08), plus Lanyard's additions under `lanyard`:
 * the decision trace and the join keys that follow a pod from its token to every call it made.
 */
export interface UserIdentity {
  type: 'Root' | 'AssumedRole' | 'WebIdentityUser' | 'Unknown'
  principalId?: string
  arn?: string
  accountId?: string
  accessKeyId?: string
  userName?: string
  identityProvider?: string
  sessionContext?: {
    sessionIssuer?: {
      type: 'Role'
      principalId: string
      arn: string
      accountId: string
      userName: string
    }
    webIdFederationData?: { federatedProvider: string; attributes: Record<string, string> }
    attributes: { creationDate: string; mfaAuthenticated: 'false' }
    sourceIdentity?: string
  }
}

export interface Attribution {
  jti?: string
  cluster?: string
  namespace?: string
  serviceAccount?: string
  podName?: string
  podUid?: string
  /** Access key id of the session that made the call, or that the exchange issued. */
  sessionAccessKeyId?: string
}

/**
 * A copy of `attribution` that also names a session's access key id. Assigned, not spread: a
 * spread followed by another member is the slow path of object cloning.
 */
export function withSessionKey(
  attribution: Attribution | undefined,
  accessKeyId: string,
): Attribution {
  const out: Attribution = Object.assign({}, attribution)
  out.sessionAccessKeyId = accessKeyId
  return out
}

export interface CloudTrailEvent {
  eventVersion: '1.08'
  userIdentity: UserIdentity
  eventTime: string
  eventSource: string
  eventName: string
  awsRegion: string
  sourceIPAddress: string
  userAgent?: string
  errorCode?: string
  errorMessage?: string
  requestParameters: Record<string, unknown> | null
  responseElements: Record<string, unknown> | null
  additionalEventData?: Record<string, unknown>
  requestID: string
  eventID: string
  readOnly: boolean
  resources?: { accountId: string; type: string; ARN: string }[]
  eventType: 'AwsApiCall'
  managementEvent: true
  recipientAccountId: string
  eventCategory: 'Management'
  lanyard?: {
    /** The policy decision and why, as produced by the policy engine (trace included). */
    decision?: unknown
    /** Plain-words reasons, e.g. which check of the token failed. */
    reasons?: string[]
    attribution?: Attribution
  }
}

/** Request parameters never recorded (secrets and tokens), matched case-insensitively. */
const REDACTED = new Set([
  'webidentitytoken',
  'secretaccesskey',
  'sessiontoken',
  'samlassertion',
  'tokencode',
])

/** Copies request parameters without secrets and tokens. */
export function redactParameters(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) if (!REDACTED.has(k.toLowerCase())) out[k] = v
  return out
}
