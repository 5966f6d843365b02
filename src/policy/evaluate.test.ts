import { describe, expect, it } from 'vitest'
import { compilePolicy } from './compile.js'
import { createRequestContext } from './context.js'
import { evaluatePolicies, type PolicySet } from './evaluate.js'
import type {
  AuthzRequest,
  DecisionKind,
  PolicyDocument,
  PolicyKind,
  RequestPrincipal,
} from './types.js'

const EVAL = 'reference_policies_evaluation-logic'
const ACCT = '111122223333'
const USER = `arn:aws:iam::${ACCT}:user/bob`
const ROLE = `arn:aws:iam::${ACCT}:role/app`
const SESSION = `arn:aws:sts::${ACCT}:assumed-role/app/s1`
const BUCKET = 'arn:aws:s3:::reports'

function policy(kind: PolicyKind, statement: unknown, label?: string, version = '2012-10-17') {
  return compilePolicy({ Version: version, Statement: statement } as unknown as PolicyDocument, {
    kind,
    label: label ?? kind,
  })
}

function request(
  action: string,
  resource: string,
  principal: RequestPrincipal | undefined = { arn: USER },
  context: Record<string, string | string[]> = {},
): AuthzRequest {
  return {
    ...(principal === undefined ? {} : { principal }),
    action,
    resource,
    context: createRequestContext(context),
  }
}

const allowGet = { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` }

interface Case {
  name: string
  req: AuthzRequest
  set: PolicySet
  want: DecisionKind
  reason?: string
  doc: string
}

const cases: Case[] = [
  {
    name: 'nothing applies: implicit deny',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {},
    want: 'implicitDeny',
    reason: 'noAllow',
    doc: `${EVAL}: by default, all requests are implicitly denied`,
  },
  {
    name: 'identity allow',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: { identity: [policy('identity', allowGet)] },
    want: 'allowed',
    reason: 'identityAllow',
    doc: `${EVAL}: an explicit allow in an identity-based policy`,
  },
  {
    name: 'action names are case-insensitive',
    req: request('S3:getobject', `${BUCKET}/a`),
    set: { identity: [policy('identity', allowGet)] },
    want: 'allowed',
    doc: 'IAM-05 reference_policies_elements_action: prefix and name case-insensitive',
  },
  {
    name: 'resources are case-sensitive',
    req: request('s3:GetObject', 'arn:aws:s3:::Reports/a'),
    set: { identity: [policy('identity', allowGet)] },
    want: 'implicitDeny',
    doc: 'IAM-05 reference_policies_elements_resource: case-sensitive',
  },
  {
    name: 'deny wins regardless of order',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [
        policy('identity', [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }, allowGet], 'a'),
        policy('identity', allowGet, 'b'),
      ],
    },
    want: 'explicitDeny',
    doc: 'IAM-04: any matching Deny wins, order irrelevant',
  },
  {
    name: 'deny in a resource policy beats identity allow',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [policy('identity', allowGet)],
      resource: [
        policy('resource', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }),
      ],
    },
    want: 'explicitDeny',
    doc: `${EVAL}: explicit deny in any policy`,
  },
  {
    name: 'Allow + NotAction allows everything else',
    req: request('ec2:RunInstances', '*'),
    set: { identity: [policy('identity', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })] },
    want: 'allowed',
    doc: 'IAM-01 reference_policies_elements_notaction: over-grant',
  },
  {
    name: 'Allow + NotAction does not allow the listed',
    req: request('IAM:CreateUser', '*'),
    set: { identity: [policy('identity', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })] },
    want: 'implicitDeny',
    doc: 'IAM-01 reference_policies_elements_notaction',
  },
  {
    name: 'Deny + NotAction denies everything not listed',
    req: request('s3:PutObject', `${BUCKET}/a`),
    set: {
      identity: [
        policy('identity', [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', NotAction: ['s3:GetObject'], Resource: '*' },
        ]),
      ],
    },
    want: 'explicitDeny',
    doc: 'IAM-02 reference_policies_elements_notaction: Deny + NotAction',
  },
  {
    name: 'Deny + NotAction leaves the listed alone',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [
        policy('identity', [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', NotAction: ['s3:GetObject'], Resource: '*' },
        ]),
      ],
    },
    want: 'allowed',
    doc: 'IAM-02',
  },
  {
    name: 'Allow * with NotResource is near-admin',
    req: request('iam:CreateUser', `arn:aws:iam::${ACCT}:user/x`),
    set: {
      identity: [policy('identity', { Effect: 'Allow', Action: '*', NotResource: `${BUCKET}/*` })],
    },
    want: 'allowed',
    doc: 'IAM-03 reference_policies_elements_notresource',
  },
  {
    name: 'NotResource excludes the listed',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [policy('identity', { Effect: 'Allow', Action: '*', NotResource: `${BUCKET}/*` })],
    },
    want: 'implicitDeny',
    doc: 'IAM-03',
  },
  {
    name: 'resource policy naming the user allows without identity policy',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: { resource: [policy('resource', { ...allowGet, Principal: { AWS: USER } })] },
    want: 'allowed',
    reason: 'resourceAllow',
    doc: `${EVAL}: an explicit allow in a resource-based policy (same account)`,
  },
  {
    name: 'resource policy naming the user is not limited by the boundary',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      resource: [policy('resource', { ...allowGet, Principal: { AWS: USER } })],
      boundary: policy('boundary', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
    },
    want: 'allowed',
    doc: `${EVAL}: resource policies granting the IAM user ARN are not limited by a boundary`,
  },
  {
    name: 'resource policy naming the session is not limited by session policy',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: {
      resource: [policy('resource', { ...allowGet, Principal: { AWS: SESSION } })],
      session: [policy('session', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })],
      sessionPrincipal: true,
    },
    want: 'allowed',
    doc: `${EVAL}: permissions granted directly to a session are not limited`,
  },
  {
    name: 'resource policy naming the role is limited by the session policy',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: {
      resource: [policy('resource', { ...allowGet, Principal: { AWS: ROLE } })],
      session: [policy('session', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })],
      sessionPrincipal: true,
    },
    want: 'implicitDeny',
    reason: 'sessionPolicyImplicitDeny',
    doc: `${EVAL}: resource policies granting the role ARN are limited by session policies`,
  },
  {
    name: 'resource policy naming the role is limited by the boundary',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: {
      resource: [policy('resource', { ...allowGet, Principal: { AWS: ROLE } })],
      boundary: policy('boundary', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
      sessionPrincipal: true,
    },
    want: 'implicitDeny',
    reason: 'boundaryImplicitDeny',
    doc: `${EVAL}: resource policies granting the role ARN are limited by a boundary`,
  },
  {
    name: 'resource policy naming the role allows when nothing limits it',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: {
      resource: [policy('resource', { ...allowGet, Principal: { AWS: ROLE } })],
      sessionPrincipal: true,
    },
    want: 'allowed',
    doc: `${EVAL}: role ARN in a resource policy`,
  },
  {
    name: 'resource policy naming the account needs an identity allow',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: { resource: [policy('resource', { ...allowGet, Principal: { AWS: ACCT } })] },
    want: 'implicitDeny',
    doc: 'reference_policies_elements_principal: account principals delegate to the account',
  },
  {
    name: 'boundary must allow too',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [policy('identity', allowGet)],
      boundary: policy('boundary', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
    },
    want: 'implicitDeny',
    reason: 'boundaryImplicitDeny',
    doc: `${EVAL}: permissions boundary must allow`,
  },
  {
    name: 'boundary allows',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [policy('identity', allowGet)],
      boundary: policy('boundary', { Effect: 'Allow', Action: 's3:*', Resource: '*' }),
    },
    want: 'allowed',
    doc: `${EVAL}: identity ∩ boundary`,
  },
  {
    name: 'boundary alone grants nothing',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: { boundary: policy('boundary', { Effect: 'Allow', Action: '*', Resource: '*' }) },
    want: 'implicitDeny',
    doc: `${EVAL}: boundaries set the maximum, they do not grant`,
  },
  {
    name: 'deny in a boundary',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [policy('identity', allowGet)],
      boundary: policy('boundary', [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' },
      ]),
    },
    want: 'explicitDeny',
    doc: `${EVAL}: explicit deny in any policy, boundaries included`,
  },
  {
    name: 'session policy must allow',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: {
      identity: [policy('identity', allowGet)],
      session: [policy('session', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })],
      sessionPrincipal: true,
    },
    want: 'implicitDeny',
    reason: 'sessionPolicyImplicitDeny',
    doc: `${EVAL}: a session policy that does not allow implicitly denies`,
  },
  {
    name: 'session policy allows',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: {
      identity: [policy('identity', allowGet)],
      session: [policy('session', { Effect: 'Allow', Action: 's3:Get*', Resource: '*' })],
      sessionPrincipal: true,
    },
    want: 'allowed',
    doc: `${EVAL}: identity ∩ session`,
  },
  {
    name: 'no session policy for a role session',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: { identity: [policy('identity', allowGet)], session: [], sessionPrincipal: true },
    want: 'allowed',
    doc: `${EVAL}: no session policy and the principal is a role session -> allow`,
  },
  {
    name: 'session policy alone grants nothing',
    req: request('s3:GetObject', `${BUCKET}/a`, { arn: SESSION }),
    set: {
      session: [policy('session', { Effect: 'Allow', Action: '*', Resource: '*' })],
      sessionPrincipal: true,
    },
    want: 'implicitDeny',
    doc: 'STS-MODEL: session policies can never grant more',
  },
  {
    name: 'Allow with only a negated condition admits callers without the key',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [
        policy('identity', {
          ...allowGet,
          Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'red' } },
        }),
      ],
    },
    want: 'allowed',
    doc: 'IAM-08: negated operator on an absent key is true',
  },
  {
    name: 'Deny + StringNotEqualsIfExists on a missing key still denies',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [
        policy('identity', [
          allowGet,
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'red' } },
          },
        ]),
      ],
    },
    want: 'explicitDeny',
    doc: 'IAM-09 condition_operators: "the request is still denied even if the tag is missing"',
  },
  {
    name: 'Deny + ForAllValues on an absent key denies',
    req: request('s3:GetObject', `${BUCKET}/a`),
    set: {
      identity: [
        policy('identity', [
          allowGet,
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'x' } },
          },
        ]),
      ],
    },
    want: 'explicitDeny',
    doc: 'IAM-11: ForAllValues is true on an absent key',
  },
  {
    name: 'keys AND-ed, operators AND-ed',
    req: request(
      's3:GetObject',
      `${BUCKET}/a`,
      { arn: USER },
      { 'aws:principaltag/department': 'hr', 'aws:PrincipalAccount': ACCT },
    ),
    set: {
      identity: [
        policy('identity', {
          ...allowGet,
          Condition: {
            StringEqualsIgnoreCase: {
              'aws:PrincipalTag/department': ['finance', 'HR', 'legal'],
              'aws:PrincipalTag/role': ['audit'],
            },
            StringEquals: { 'aws:PrincipalAccount': ACCT },
          },
        }),
      ],
    },
    want: 'implicitDeny',
    doc: 'IAM-12 reference_policies_multi-value-conditions: role tag missing',
  },
  {
    name: 'resource with a policy variable',
    req: request('s3:GetObject', `${BUCKET}/home/bob/x`, { arn: USER }, { 'aws:username': 'bob' }),
    set: {
      identity: [
        policy('identity', {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: `${BUCKET}/home/\${aws:username}/*`,
        }),
      ],
    },
    want: 'allowed',
    doc: 'reference_policies_variables: Resource element',
  },
  {
    name: 'resource with an unresolvable variable matches nothing',
    req: request('s3:GetObject', `${BUCKET}/home//x`),
    set: {
      identity: [
        policy('identity', {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: `${BUCKET}/home/\${aws:username}/*`,
        }),
      ],
    },
    want: 'implicitDeny',
    doc: 'IAM-13: Resource with an unresolvable variable matches no resource',
  },
  {
    name: 'resource variable default',
    req: request('s3:GetObject', 'arn:aws:s3:::bucket-company-wide'),
    set: {
      identity: [
        policy('identity', {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: `arn:aws:s3:::bucket-\${aws:PrincipalTag/team, 'company-wide'}`,
        }),
      ],
    },
    want: 'allowed',
    doc: 'reference_policies_variables: Specifying default values',
  },
  {
    name: 'variables are literal under 2008-10-17',
    req: request(
      's3:GetObject',
      `${BUCKET}/home/\${aws:username}/x`,
      { arn: USER },
      { 'aws:username': 'bob' },
    ),
    set: {
      identity: [
        compilePolicy(
          {
            Version: '2008-10-17',
            Statement: {
              Effect: 'Allow',
              Action: 's3:*',
              Resource: `${BUCKET}/home/\${aws:username}/*`,
            },
          } as PolicyDocument,
          { kind: 'identity' },
        ),
      ],
    },
    want: 'allowed',
    doc: 'IAM-14 reference_policies_elements_version',
  },
  {
    name: 'variables are literal without Version',
    req: request('s3:GetObject', `${BUCKET}/home/bob/x`, { arn: USER }, { 'aws:username': 'bob' }),
    set: {
      identity: [
        compilePolicy(
          {
            Statement: {
              Effect: 'Allow',
              Action: 's3:*',
              Resource: `${BUCKET}/home/\${aws:username}/*`,
            },
          } as PolicyDocument,
          { kind: 'identity' },
        ),
      ],
    },
    want: 'implicitDeny',
    doc: 'IAM-14: no Version means 2008-10-17 rules',
  },
  {
    name: 'a variable before the fifth colon stays literal',
    req: request(
      'sqs:SendMessage',
      `arn:aws:sqs:us-east-2:${ACCT}:q`,
      { arn: USER },
      { 'aws:requestedregion': 'us-east-2' },
    ),
    set: {
      identity: [
        policy('identity', {
          Effect: 'Allow',
          Action: 'sqs:*',
          Resource: `arn:aws:sqs:\${aws:RequestedRegion}:*:q`,
        }),
      ],
    },
    want: 'implicitDeny',
    doc: 'reference_policies_variables: only in the resource portion of the ARN',
  },
]

describe('evaluatePolicies', () => {
  it.each(cases)('$name -> $want ($doc)', (c) => {
    const d = evaluatePolicies(c.req, c.set)
    expect(d.decision).toBe(c.want)
    if (c.reason !== undefined) expect(d.reason).toBe(c.reason)
    const traced = evaluatePolicies(c.req, c.set, { trace: true })
    expect(traced.decision).toBe(d.decision)
    expect(traced.reason).toBe(d.reason)
    expect(traced.matchedStatements).toEqual(d.matchedStatements)
  })
})

describe('trust policies', () => {
  const OIDC_HOST = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'
  const PROVIDER = `arn:aws:iam::${ACCT}:oidc-provider/${OIDC_HOST}`
  const trust = policy('trust', {
    Effect: 'Allow',
    Principal: { Federated: PROVIDER },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${OIDC_HOST}:sub`]: 'system:serviceaccount:default:my-service-account',
        [`${OIDC_HOST}:aud`]: 'sts.amazonaws.com',
      },
    },
  })
  const irsa = (federated: string, action: string, sub: string | undefined) =>
    request(
      action,
      ROLE,
      { federated },
      sub === undefined
        ? { [`${OIDC_HOST}:aud`]: 'sts.amazonaws.com' }
        : { [`${OIDC_HOST}:sub`]: sub, [`${OIDC_HOST}:aud`]: 'sts.amazonaws.com' },
    )

  it.each([
    [
      'EKS IRSA trust policy allows the service account',
      PROVIDER,
      'sts:AssumeRoleWithWebIdentity',
      'system:serviceaccount:default:my-service-account',
      'allowed',
    ],
    [
      'another service account',
      PROVIDER,
      'sts:AssumeRoleWithWebIdentity',
      'system:serviceaccount:default:other',
      'implicitDeny',
    ],
    [
      'IAM-17: wrong provider',
      `arn:aws:iam::${ACCT}:oidc-provider/evil.example.com`,
      'sts:AssumeRoleWithWebIdentity',
      'system:serviceaccount:default:my-service-account',
      'implicitDeny',
    ],
    [
      'IAM-17: wrong action',
      PROVIDER,
      'sts:AssumeRole',
      'system:serviceaccount:default:my-service-account',
      'implicitDeny',
    ],
    ['token without sub', PROVIDER, 'sts:AssumeRoleWithWebIdentity', undefined, 'implicitDeny'],
  ] as const)('%s (aws-wire 2.4)', (_name, federated, action, sub, want) => {
    expect(evaluatePolicies(irsa(federated, action, sub), { resource: [trust] }).decision).toBe(
      want,
    )
  })

  it('IAM-08: StringNotEquals on sub admits a token without sub', () => {
    const loose = policy('trust', {
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringNotEquals: { [`${OIDC_HOST}:sub`]: 'system:serviceaccount:kube-system:admin' },
      },
    })
    expect(
      evaluatePolicies(irsa(PROVIDER, 'sts:AssumeRoleWithWebIdentity', undefined), {
        resource: [loose],
      }).decision,
    ).toBe('allowed')
  })

  it(`${EVAL}: a trust policy naming the account needs the caller's identity allow`, () => {
    const t = policy('trust', {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
      Action: 'sts:AssumeRole',
    })
    const assume = request('sts:AssumeRole', ROLE, { arn: USER })
    expect(evaluatePolicies(assume, { resource: [t] }).decision).toBe('implicitDeny')
    const id = policy('identity', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE })
    expect(evaluatePolicies(assume, { resource: [t], identity: [id] }).decision).toBe('allowed')
  })

  it(`${EVAL}: role trust policies must explicitly allow the principal`, () => {
    const t = policy('trust', {
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    })
    const id = policy('identity', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })
    expect(
      evaluatePolicies(request('sts:AssumeRole', ROLE, { arn: USER }), {
        resource: [t],
        identity: [id],
      }).decision,
    ).toBe('implicitDeny')
  })

  it(`${EVAL}: a trust policy naming the user allows without identity policy (same account)`, () => {
    const t = policy('trust', {
      Effect: 'Allow',
      Principal: { AWS: USER },
      Action: 'sts:AssumeRole',
    })
    expect(
      evaluatePolicies(request('sts:AssumeRole', ROLE, { arn: USER }), { resource: [t] }).decision,
    ).toBe('allowed')
  })

  it('a Deny in the trust policy wins', () => {
    const t = policy('trust', [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'sts:*',
        Condition: { StringLike: { [`${OIDC_HOST}:sub`]: 'system:serviceaccount:kube-system:*' } },
      },
    ])
    const d = evaluatePolicies(
      irsa(PROVIDER, 'sts:AssumeRoleWithWebIdentity', 'system:serviceaccount:kube-system:x'),
      { resource: [t] },
    )
    expect(d.decision).toBe('explicitDeny')
    expect(d.matchedStatements).toEqual([{ policy: 'trust', index: 1, effect: 'Deny' }])
  })
})

describe('decision values', () => {
  it('reports matched statements with labels and sids', () => {
    const p = policy(
      'identity',
      [
        { ...allowGet, Sid: 'Read' },
        { ...allowGet, Sid: 'Again' },
      ],
      'inline:Read',
    )
    const d = evaluatePolicies(request('s3:GetObject', `${BUCKET}/a`), { identity: [p] })
    expect(d).toEqual({
      decision: 'allowed',
      reason: 'identityAllow',
      matchedStatements: [
        { policy: 'inline:Read', index: 0, sid: 'Read', effect: 'Allow' },
        { policy: 'inline:Read', index: 1, sid: 'Again', effect: 'Allow' },
      ],
    })
  })

  it('returns no trace unless asked', () => {
    const d = evaluatePolicies(request('s3:GetObject', `${BUCKET}/a`), {
      identity: [policy('identity', allowGet)],
    })
    expect(d.trace).toBeUndefined()
  })

  it('traces every statement of every policy', () => {
    const d = evaluatePolicies(
      request('s3:PutObject', `${BUCKET}/a`),
      {
        identity: [
          policy('identity', [
            allowGet,
            { Effect: 'Allow', Action: 's3:Put*', Resource: 'arn:aws:s3:::other/*' },
          ]),
        ],
      },
      { trace: true },
    )
    expect(d.trace).toEqual([
      expect.objectContaining({
        policy: 'identity',
        index: 0,
        source: 'identity',
        action: false,
        resource: true,
        matched: false,
      }),
      expect.objectContaining({
        policy: 'identity',
        index: 1,
        source: 'identity',
        action: true,
        resource: false,
        matched: false,
      }),
    ])
    expect(d.request).toEqual({ action: 's3:PutObject', resource: `${BUCKET}/a` })
  })

  it('never throws on odd requests', () => {
    const p = policy('identity', {
      ...allowGet,
      Condition: {
        NumericLessThan: { 's3:max-keys': '10' },
        IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
      },
    })
    const d = evaluatePolicies(
      request('', '', undefined, { 's3:max-keys': 'NaN', 'aws:sourceip': '::::' }),
      { identity: [p] },
    )
    expect(d.decision).toBe('implicitDeny')
  })
})

describe('untyped callers', () => {
  it('does not throw on a missing action or resource', () => {
    const p = policy('identity', { Effect: 'Allow', Action: '*', Resource: '*' })
    const req = { context: createRequestContext({}) } as unknown as AuthzRequest
    expect(evaluatePolicies(req, { identity: [p] }).decision).toBe('allowed')
    const q = policy('identity', allowGet)
    expect(evaluatePolicies(req, { identity: [q] }).decision).toBe('implicitDeny')
  })
})
