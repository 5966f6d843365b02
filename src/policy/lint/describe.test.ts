import { describe, expect, it } from 'vitest'
import { describeTrustedSubjects } from './describe.js'

const ACCT = '111122223333'
const H = 'oidc.example.com/id/ABC'
const PROVIDER = `arn:aws:iam::${ACCT}:oidc-provider/${H}`

function trust(
  condition: Record<string, Record<string, unknown>> | null,
  extra: Record<string, unknown> = {},
): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition === null ? {} : { Condition: condition }),
        ...extra,
      },
    ],
  }
}

const AUD = { [`${H}:aud`]: 'sts.amazonaws.com' }

interface Case {
  name: string
  policy: unknown
  want: string[]
}

// id_roles_create_for-idp_oidc: who may assume is the provider, narrowed by sub and aud.
const cases: Case[] = [
  {
    name: 'one service account',
    policy: trust({ StringEquals: { [`${H}:sub`]: 'system:serviceaccount:test:app', ...AUD } }),
    want: [`service account app in namespace test of issuer ${H} can assume this role`],
  },
  {
    name: 'a namespace',
    policy: trust({
      StringLike: { [`${H}:sub`]: 'system:serviceaccount:test:*' },
      StringEquals: AUD,
    }),
    want: [`any service account in namespace test of issuer ${H} can assume this role`],
  },
  {
    name: 'two subjects, one line each',
    policy: trust({
      StringLike: { [`${H}:sub`]: ['system:serviceaccount:*:app', 'system:serviceaccount:*'] },
      StringEquals: AUD,
    }),
    want: [
      `a service account named app in any namespace of issuer ${H} can assume this role`,
      `any service account in any namespace of issuer ${H} can assume this role`,
    ],
  },
  {
    name: 'no conditions at all',
    policy: trust(null),
    want: [
      `any identity issued by ${H} (no sub condition), with any audience, can assume this role`,
    ],
  },
  {
    name: 'StringEquals with a star is literal',
    policy: trust({ StringEquals: { [`${H}:sub`]: 'system:serviceaccount:test:*', ...AUD } }),
    want: [
      `only the literal subject system:serviceaccount:test:* of issuer ${H} (StringEquals does not expand wildcards) can assume this role`,
    ],
  },
  {
    name: 'another audience and an extra condition',
    policy: trust({
      StringEquals: { [`${H}:sub`]: 'system:serviceaccount:test:app', [`${H}:aud`]: 'my-aud' },
      IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
    }),
    want: [
      `service account app in namespace test of issuer ${H}, with audience my-aud, can assume this role if aws:SourceIp is in 10.0.0.0/8`,
    ],
  },
  {
    name: 'negated sub only',
    policy: trust({ StringNotEquals: { [`${H}:sub`]: 'system:serviceaccount:kube-system:x' } }),
    want: [
      `any identity issued by ${H} (no sub condition), with any audience, can assume this role if ${H}:sub is not system:serviceaccount:kube-system:x`,
    ],
  },
  {
    name: 'a Deny statement',
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${H}:sub`]: 'system:serviceaccount:test:bad', ...AUD } },
        },
      ],
    },
    want: [
      `service account bad in namespace test of issuer ${H} cannot assume this role (explicit Deny)`,
    ],
  },
  {
    name: 'an OIDC principal without the web identity action',
    policy: trust(
      { StringEquals: { [`${H}:sub`]: 'system:serviceaccount:test:app', ...AUD } },
      {
        Action: 'sts:AssumeRole',
      },
    ),
    want: [],
  },
  {
    name: 'AWS and service principals',
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            AWS: [`arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:role/ci`],
            Service: 'ec2.amazonaws.com',
          },
          Action: 'sts:AssumeRole',
        },
      ],
    },
    want: [
      `any IAM user or role of account ${ACCT} whose own policies allow sts:AssumeRole can assume this role`,
      `role arn:aws:iam::${ACCT}:role/ci can assume this role`,
      'the AWS service ec2.amazonaws.com can assume this role',
    ],
  },
  {
    name: 'everyone',
    policy: {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
    },
    want: ['any principal in any AWS account can assume this role'],
  },
]

describe('describeTrustedSubjects', () => {
  it.each(cases)('$name', ({ policy, want }) => {
    expect(describeTrustedSubjects(policy as never)).toEqual(want)
    expect(describeTrustedSubjects(JSON.stringify(policy))).toEqual(want)
  })

  it('returns nothing for a document that is not a policy', () => {
    expect(describeTrustedSubjects('{"Statement": 1}')).toEqual([])
    expect(describeTrustedSubjects('not json')).toEqual([])
  })
})
