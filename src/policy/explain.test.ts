import { describe, expect, it } from 'vitest'
import { compilePolicy } from './compile.js'
import { createRequestContext } from './context.js'
import { evaluatePolicies } from './evaluate.js'
import { explainDecision } from './explain.js'
import type { PolicyDocument } from './types.js'

const HOST = 'oidc.example.com/id/ABC'
const PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${HOST}`
const ROLE = 'arn:aws:iam::111122223333:role/app'

const trust = compilePolicy(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${HOST}:sub`]: 'system:serviceaccount:test:my-service-account',
            [`${HOST}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  } as PolicyDocument,
  { kind: 'trust', label: 'trust' },
)

function assume(
  context: Record<string, string | string[]>,
  federated = PROVIDER,
  action = 'sts:AssumeRoleWithWebIdentity',
) {
  return evaluatePolicies(
    { principal: { federated }, action, resource: ROLE, context: createRequestContext(context) },
    { resource: [trust] },
    { trace: true },
  )
}

describe('explainDecision', () => {
  it('explains the most asked IRSA question: the sub does not match', () => {
    const d = assume({
      [`${HOST}:sub`]: 'system:serviceaccount:test:other',
      [`${HOST}:aud`]: 'sts.amazonaws.com',
    })
    expect(explainDecision(d)).toEqual([
      `implicitDeny: no statement allows sts:AssumeRoleWithWebIdentity on ${ROLE}`,
      `trust policy statement 0: condition StringEquals on ${HOST}:sub expected system:serviceaccount:test:my-service-account, request had system:serviceaccount:test:other`,
    ])
  })

  it('lists every failing part: principal, action, absent keys', () => {
    const d = assume({}, 'arn:aws:iam::111122223333:oidc-provider/other', 'sts:AssumeRole')
    expect(explainDecision(d)).toEqual([
      `implicitDeny: no statement allows sts:AssumeRole on ${ROLE}`,
      'trust policy statement 0: action does not match (Action sts:AssumeRoleWithWebIdentity)',
      'trust policy statement 0: principal does not match',
      `trust policy statement 0: condition StringEquals on ${HOST}:sub expected system:serviceaccount:test:my-service-account, request had no value for the key (absent)`,
      `trust policy statement 0: condition StringEquals on ${HOST}:aud expected sts.amazonaws.com, request had no value for the key (absent)`,
    ])
  })

  it('shows multivalued request values and alternatives', () => {
    const p = compilePolicy(
      {
        Version: '2012-10-17',
        Statement: {
          Sid: 'Tags',
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
        },
      } as PolicyDocument,
      { kind: 'identity', label: 'inline:Tags' },
    )
    const d = evaluatePolicies(
      {
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::b/k',
        context: createRequestContext({ 'aws:TagKeys': ['a', 'c'] }),
      },
      { identity: [p] },
      { trace: true },
    )
    expect(explainDecision(d)).toEqual([
      'implicitDeny: no statement allows s3:PutObject on arn:aws:s3:::b/k',
      'identity policy inline:Tags statement 0 (Tags): condition ForAllValues:StringEquals on aws:TagKeys expected a or b, request had [a, c]',
    ])
  })

  it('says which statement allowed', () => {
    const d = assume({
      [`${HOST}:sub`]: 'system:serviceaccount:test:my-service-account',
      [`${HOST}:aud`]: 'sts.amazonaws.com',
    })
    expect(explainDecision(d)).toEqual([
      `allowed: a resource-based policy allows sts:AssumeRoleWithWebIdentity on ${ROLE}`,
      'trust policy statement 0: Allow matched',
    ])
  })

  it('works without a trace', () => {
    const d = evaluatePolicies(
      {
        principal: { federated: PROVIDER },
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: ROLE,
        context: createRequestContext({
          [`${HOST}:sub`]: 'system:serviceaccount:test:my-service-account',
          [`${HOST}:aud`]: 'sts.amazonaws.com',
        }),
      },
      { resource: [trust] },
    )
    expect(explainDecision(d)).toEqual([
      'allowed: a resource-based policy allows the request',
      'trust policy statement 0: Allow matched',
    ])
  })

  it('names boundary and session policy denials', () => {
    const id = compilePolicy(
      { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } as PolicyDocument,
      { kind: 'identity' },
    )
    const none = compilePolicy(
      { Statement: { Effect: 'Allow', Action: 'ec2:*', Resource: '*' } } as PolicyDocument,
      { kind: 'boundary' },
    )
    const req = {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      context: createRequestContext({}),
    }
    expect(explainDecision(evaluatePolicies(req, { identity: [id], boundary: none }))[0]).toBe(
      'implicitDeny: allowed by a policy, but the permissions boundary does not allow the request',
    )
    expect(explainDecision(evaluatePolicies(req, { identity: [id], session: [none] }))[0]).toBe(
      'implicitDeny: allowed by a policy, but the session policies do not allow the request',
    )
  })
})
