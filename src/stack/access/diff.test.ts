import { describe, expect, it } from 'vitest'
import type { ResourceView } from '../engine/changes.js'
import { accessDiff, accessLines } from './diff.js'

const ISSUER = 'oidc.example.com/id/ABC'
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`
const oidcTrust = (sub: string, op = 'StringEquals') => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { [op]: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
    },
  ],
})
const allow = (action: string, resource = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
})
const role = (
  trust: unknown,
  policies: { name: string; doc: unknown }[] = [],
  extra: Record<string, unknown> = {},
): ResourceView => ({
  type: 'AWS::IAM::Role',
  physicalId: 'App',
  properties: {
    RoleName: 'App',
    AssumeRolePolicyDocument: trust,
    Policies: policies.map((p) => ({ PolicyName: p.name, PolicyDocument: p.doc })),
    ...extra,
  },
})
const views = (entries: Record<string, ResourceView>) => new Map(Object.entries(entries))

describe('effective-access diff', () => {
  it.each<[string, Map<string, ResourceView>, Map<string, ResourceView>, string[]]>([
    [
      'a new role for one service account (the seed)',
      views({}),
      views({
        R: role(oidcTrust('system:serviceaccount:test:my-service-account'), [
          { name: 'p', doc: allow('eks:DescribeCluster') },
        ]),
      }),
      [
        'Who can assume which roles:',
        `  + service account my-service-account in namespace test of issuer ${ISSUER} can now assume App`,
        'Grants (role → action → resource):',
        '  + App → eks:DescribeCluster → *',
      ],
    ],
    [
      'widening the subject to the whole namespace',
      views({ R: role(oidcTrust('system:serviceaccount:test:app')) }),
      views({ R: role(oidcTrust('system:serviceaccount:test:*', 'StringLike')) }),
      [
        'Who can assume which roles:',
        `  + any service account in namespace test of issuer ${ISSUER} can now assume App`,
        `  - service account app in namespace test of issuer ${ISSUER} can no longer assume App`,
      ],
    ],
    [
      'a policy grant replaced',
      views({
        R: role(oidcTrust('system:serviceaccount:test:app'), [
          { name: 'p', doc: allow('s3:GetObject', 'arn:aws:s3:::b/*') },
        ]),
      }),
      views({
        R: role(oidcTrust('system:serviceaccount:test:app'), [
          { name: 'p', doc: allow('s3:*', 'arn:aws:s3:::b/*') },
        ]),
      }),
      [
        'Grants (role → action → resource):',
        '  + App → s3:* → arn:aws:s3:::b/*',
        '  - App → s3:GetObject → arn:aws:s3:::b/*',
      ],
    ],
    [
      'a standalone policy on a role outside the stack',
      views({}),
      views({
        P: {
          type: 'AWS::IAM::Policy',
          properties: { PolicyName: 'x', Roles: ['Legacy'], PolicyDocument: allow('iam:PassRole') },
        },
      }),
      ['Grants (role → action → resource):', '  + Legacy (outside this stack) → iam:PassRole → *'],
    ],
    [
      'a managed policy of the stack attached to a new role (known after apply)',
      views({}),
      views({
        M: {
          type: 'AWS::IAM::ManagedPolicy',
          properties: { PolicyDocument: allow('sqs:SendMessage'), Roles: ['{{lanyard:ref:R}}'] },
        },
        R: {
          type: 'AWS::IAM::Role',
          properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'lambda.amazonaws.com' },
                  Action: 'sts:AssumeRole',
                },
              ],
            },
          },
        },
      }),
      [
        'Who can assume which roles:',
        '  + the AWS service lambda.amazonaws.com can now assume R (new role)',
        'Grants (role → action → resource):',
        '  + R (new role) → sqs:SendMessage → *',
      ],
    ],
    [
      'a role removed',
      views({
        R: role(oidcTrust('system:serviceaccount:test:app'), [
          { name: 'p', doc: allow('eks:DescribeCluster') },
        ]),
      }),
      views({}),
      [
        'Who can assume which roles:',
        `  - service account app in namespace test of issuer ${ISSUER} can no longer assume App`,
        'Grants (role → action → resource):',
        '  - App → eks:DescribeCluster → *',
      ],
    ],
    [
      'nothing changed',
      views({ R: role(oidcTrust('system:serviceaccount:test:app')) }),
      views({ R: role(oidcTrust('system:serviceaccount:test:app')) }),
      [],
    ],
  ])('%s', (_name, before, after, lines) => {
    expect(
      accessLines(accessDiff(before, after)).filter(
        (l) => !l.startsWith('Trust policy findings') && !l.startsWith('  ! '),
      ),
    ).toEqual(lines)
  })

  it('lists the lint findings of the trust policies it writes', () => {
    const noSub = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    }
    const d = accessDiff(views({}), views({ R: role(noSub) }))
    expect(d.trustGained).toEqual([
      `any identity issued by ${ISSUER} (no sub condition), with any audience, can now assume App`,
    ])
    expect(d.findings.some((f) => f.startsWith('App: error oidc.sub_missing'))).toBe(true)
  })
})
