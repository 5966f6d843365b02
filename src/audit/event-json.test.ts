import { describe, expect, it } from 'vitest'
import type { Caller } from '../call-context.js'
import type { Session } from '../credentials/session.js'
import { deepFreeze } from '../deep-freeze.js'
import { buildEvent, callerIdentity, type EventInput } from '../http/sts/cloudtrail.js'
import type { CloudTrailEvent } from './event.js'
import { eventJson } from './event-json.js'

const ACCOUNT = '123456789012'
const session = deepFreeze({
  accessKeyId: 'ASIAEXAMPLE000000001',
  secretAccessKey: 'secret',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
  roleId: 'AROAEXAMPLE000000001',
  roleName: 'app',
  sessionName: 'pod-1',
  issuedAt: 1_780_000_000,
  expiresAt: 1_780_003_600,
  webIdentity: { provider: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example/id/ABC` },
  attribution: { jti: 'j1', namespace: 'ns "quoted"', podName: 'pod-ü' },
} as unknown as Session)
const caller: Caller = Object.freeze({
  kind: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/pod-1`,
  accountId: ACCOUNT,
  userId: 'AROAEXAMPLE000000001:pod-1',
  accessKeyId: session.accessKeyId,
  session,
})
const root: Caller = {
  kind: 'root',
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
  userId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLE000000001',
}

const input = (over: Partial<EventInput> = {}): EventInput => ({
  ctx: {
    requestId: 'r-1',
    caller,
    sourceIp: '127.0.0.1',
    userAgent: 'ua "with quotes" \\ and \u2028',
    now: 1_780_000_100_000,
    region: 'us-east-1',
    secure: false,
  },
  accountId: ACCOUNT,
  eventSource: 'eks.amazonaws.com',
  eventName: 'DescribeCluster',
  userIdentity: callerIdentity(caller),
  readOnly: true,
  requestParameters: { name: 'c1', webIdentityToken: 'removed' },
  responseElements: null,
  ...over,
})

const attribution = Object.freeze({ jti: 'j1', podName: 'pod-ü', sessionAccessKeyId: 'ASIA1' })

describe('eventJson', () => {
  it.each<[string, CloudTrailEvent]>([
    [
      'a session call, allowed',
      buildEvent(
        input({
          lanyard: { decision: { decision: 'allowed', matched: [{ index: 0 }] }, attribution },
        }),
      ),
    ],
    [
      'a session call, denied',
      buildEvent(
        input({
          error: { code: 'AccessDeniedException', message: 'User: … is not authorized' },
          lanyard: { decision: { decision: 'denied' }, attribution },
        }),
      ),
    ],
    [
      'a call with resources and a response',
      buildEvent(
        input({
          resources: [{ type: 'AWS::EKS::Cluster', ARN: 'arn:aws:eks:us-east-1:1:cluster/c1' }],
          responseElements: { a: [1, null, 'x'] },
          readOnly: false,
        }),
      ),
    ],
    [
      'a root call',
      buildEvent(
        input({
          userIdentity: callerIdentity(root),
          lanyard: { attribution: { sessionAccessKeyId: 'AKIA1' } },
        }),
      ),
    ],
    [
      'without a user agent, lanyard or parameters',
      buildEvent(input({ ctx: { ...input().ctx, userAgent: undefined }, requestParameters: null })),
    ],
    [
      'undefined members left out, in and under lanyard',
      {
        ...buildEvent(input()),
        errorCode: undefined,
        lanyard: { decision: undefined, reasons: ['r'], attribution },
      } as unknown as CloudTrailEvent,
    ],
  ])('%s: the text JSON.stringify writes', (_, event) => {
    expect(eventJson(event)).toBe(JSON.stringify(event))
    expect(eventJson(event)).toBe(JSON.stringify(event)) // again, from the kept fragments
    expect(JSON.parse(eventJson(event))).toEqual(JSON.parse(JSON.stringify(event)))
  })

  it("a session's identity is one frozen object call after call; an unfrozen member is written afresh", () => {
    expect(callerIdentity(caller)).toBe(callerIdentity(caller))
    expect(Object.isFrozen(callerIdentity(caller).sessionContext)).toBe(true)
    const mutable = { jti: 'before' }
    const event = buildEvent(input({ lanyard: { attribution: mutable } }))
    expect(eventJson(event)).toContain('"before"')
    mutable.jti = 'after'
    expect(eventJson(event)).toBe(JSON.stringify(event))
    expect(eventJson(event)).toContain('"after"')
  })
})
