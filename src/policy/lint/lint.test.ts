import { describe, expect, it } from 'vitest'
import { POLICY_ISSUE_CODES } from '../issues.js'
import type { PolicyKind } from '../types.js'
import { LINT_CHECKS, type LintCheckCode } from './codes.js'
import { lintPolicy } from './lint.js'

const ACCT = '111122223333'
const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/ABC'
const GH = 'token.actions.githubusercontent.com'
const provider = (host: string) => `arn:aws:iam::${ACCT}:oidc-provider/${host}`
const OIDC_DOC = 'id_roles_create_for-idp_oidc'
const OPS = 'reference_policies_elements_condition_operators'
const MULTI = 'reference_policies_condition-single-vs-multi-valued-context-keys'

/** An IRSA trust statement with the given condition (default: the recommended sub + aud). */
function irsa(
  condition: Record<string, Record<string, unknown>> | null = {
    StringEquals: {
      [`${EKS}:sub`]: 'system:serviceaccount:ns:app',
      [`${EKS}:aud`]: 'sts.amazonaws.com',
    },
  },
  extra: Record<string, unknown> = {},
  host = EKS,
): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Federated: provider(host) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition === null ? {} : { Condition: condition }),
    ...extra,
  }
}

/** The recommended sub + aud plus one more operator block (merged per operator). */
function irsaWith(operator: string, block: Record<string, unknown>): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    StringEquals: {
      [`${EKS}:sub`]: 'system:serviceaccount:ns:app',
      [`${EKS}:aud`]: 'sts.amazonaws.com',
    },
  }
  base[operator] = { ...(base[operator] ?? {}), ...block }
  return irsa(base)
}

/** A document; `version: null` leaves `Version` out. */
function doc(statements: unknown[], version: string | null = '2012-10-17'): unknown {
  return version === null ? { Statement: statements } : { Version: version, Statement: statements }
}

interface Case {
  name: string
  /** The AWS documentation rule or catalog row the check encodes. */
  rule: string
  policy: unknown
  kind?: PolicyKind
  code: LintCheckCode
  /** Whether the code must be reported (positive case) or not (negative case). */
  found: boolean
  /** Path of the finding (positive cases). */
  path?: string
}

const cases: Case[] = [
  // OIDC: sub
  {
    name: 'IRSA trust without any condition',
    rule: `IAM-18; ${OIDC_DOC}: restrict sub`,
    policy: doc([irsa(null)]),
    kind: 'trust',
    code: 'oidc.sub_missing',
    found: true,
    path: 'Statement[0]',
  },
  {
    name: 'IRSA trust with only aud',
    rule: `IAM-18; ${OIDC_DOC}`,
    policy: doc([irsa({ StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' } })]),
    kind: 'trust',
    code: 'oidc.sub_missing',
    found: true,
    path: 'Statement[0].Condition',
  },
  {
    name: 'sub only under a negated operator does not restrict it',
    rule: `IAM-08; ${OPS}`,
    policy: doc([
      irsa({
        StringNotEquals: { [`${EKS}:sub`]: 'system:serviceaccount:kube-system:x' },
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_missing',
    found: true,
  },
  {
    name: 'sub key in another case counts (key names are case-insensitive)',
    rule: 'reference_policies_elements_condition: condition key names are not case-sensitive',
    policy: doc([
      irsa({
        StringEquals: {
          [`${EKS.toUpperCase()}:SUB`]: 'system:serviceaccount:ns:app',
          [`${EKS}:aud`]: 'sts.amazonaws.com',
        },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_missing',
    found: false,
  },
  {
    name: 'GitHub: job_workflow_ref restricts the subject',
    rule: 'IAM-18 (AWS accepts job_workflow_ref)',
    policy: doc([
      irsa(
        {
          StringEquals: {
            [`${GH}:job_workflow_ref`]: 'org/repo/.github/workflows/deploy.yml@refs/heads/main',
            [`${GH}:aud`]: 'sts.amazonaws.com',
          },
        },
        {},
        GH,
      ),
    ]),
    kind: 'trust',
    code: 'oidc.sub_missing',
    found: false,
  },
  {
    name: 'Deny statements are not checked for sub',
    rule: `${OIDC_DOC} (the Allow grants; a Deny cannot over-grant)`,
    policy: doc([{ ...irsa(null), Effect: 'Deny' }, irsa()]),
    kind: 'trust',
    code: 'oidc.sub_missing',
    found: false,
  },
  // OIDC: aud
  {
    name: 'IRSA trust with sub but no aud',
    rule: `${OIDC_DOC}: restrict aud`,
    policy: doc([irsa({ StringEquals: { [`${EKS}:sub`]: 'system:serviceaccount:ns:app' } })]),
    kind: 'trust',
    code: 'oidc.aud_missing',
    found: true,
    path: 'Statement[0].Condition',
  },
  {
    name: 'aud only as StringLike * does not restrict it',
    rule: `${OIDC_DOC}; ${OPS} (StringLike *)`,
    policy: doc([
      irsa({
        StringEquals: { [`${EKS}:sub`]: 'system:serviceaccount:ns:app' },
        StringLike: { [`${EKS}:aud`]: '*' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.aud_missing',
    found: true,
  },
  {
    name: 'recommended IRSA trust has an aud',
    rule: OIDC_DOC,
    policy: doc([irsa()]),
    kind: 'trust',
    code: 'oidc.aud_missing',
    found: false,
  },
  {
    name: 'EKS aud other than sts.amazonaws.com',
    rule: 'EKS IRSA: the projected token audience is sts.amazonaws.com',
    policy: doc([
      irsa({
        StringEquals: { [`${EKS}:sub`]: 'system:serviceaccount:ns:app', [`${EKS}:aud`]: 'my-app' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.aud_unexpected',
    found: true,
    path: `Statement[0].Condition.StringEquals.${EKS}:aud`,
  },
  {
    name: 'custom issuer with its own audience is not EKS-style',
    rule: 'EKS IRSA (only EKS and GitHub issuers are known to use sts.amazonaws.com)',
    policy: doc([
      irsa(
        {
          StringEquals: {
            'issuer.example.com:sub': 'system:serviceaccount:ns:app',
            'issuer.example.com:aud': 'my-app',
          },
        },
        {},
        'issuer.example.com',
      ),
    ]),
    kind: 'trust',
    code: 'oidc.aud_unexpected',
    found: false,
  },
  // OIDC: wildcard subjects
  {
    name: 'sub StringLike * admits every identity',
    rule: `IAM-16; ${OIDC_DOC}`,
    policy: doc([
      irsa({
        StringLike: { [`${EKS}:sub`]: '*' },
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_all',
    found: true,
    path: `Statement[0].Condition.StringLike.${EKS}:sub`,
  },
  {
    name: 'sub system:serviceaccount:* admits the whole cluster',
    rule: 'IAM-16',
    policy: doc([irsaWith('StringLike', { [`${EKS}:sub`]: ['system:serviceaccount:*'] })]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_all',
    found: true,
    path: `Statement[0].Condition.StringLike.${EKS}:sub[0]`,
  },
  {
    name: 'GitHub repo:* admits every repository',
    rule: 'IAM-16; GitHub OIDC subject claims',
    policy: doc([
      irsa(
        {
          StringLike: { [`${GH}:sub`]: 'repo:*' },
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        },
        {},
        GH,
      ),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_all',
    found: true,
  },
  {
    name: 'StringEquals * is literal, not a wildcard subject',
    rule: 'IAM-07',
    policy: doc([
      irsa({
        StringEquals: {
          [`${EKS}:sub`]: 'system:serviceaccount:*',
          [`${EKS}:aud`]: 'sts.amazonaws.com',
        },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_all',
    found: false,
  },
  {
    name: 'sub system:serviceaccount:ns:* admits the namespace',
    rule: 'IAM-16; EKS associate-service-account-role',
    policy: doc([
      irsa({
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:ns:*' },
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_namespace',
    found: true,
  },
  {
    name: 'sub system:serviceaccount:ns:app-* names a family, not the namespace',
    rule: 'IAM-16',
    policy: doc([
      irsa({
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:ns:app-*' },
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_namespace',
    found: false,
  },
  {
    name: 'sub system:serviceaccount:*:app follows the name into every namespace',
    rule: 'IAM-16',
    policy: doc([
      irsa({
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:*:app' },
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_any_namespace',
    found: true,
  },
  {
    name: 'a literal namespace is not any-namespace',
    rule: 'IAM-16',
    policy: doc([
      irsa({
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:ns:app' },
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
      }),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_any_namespace',
    found: false,
  },
  {
    name: 'GitHub repo:org/* admits every repository of the owner',
    rule: 'IAM-16; GitHub OIDC subject claims',
    policy: doc([
      irsa(
        {
          StringLike: { [`${GH}:sub`]: 'repo:org/*' },
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        },
        {},
        GH,
      ),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_owner',
    found: true,
  },
  {
    name: 'GitHub repo:org/repo:* stays within one repository',
    rule: 'IAM-16',
    policy: doc([
      irsa(
        {
          StringLike: { [`${GH}:sub`]: 'repo:org/repo:*' },
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        },
        {},
        GH,
      ),
    ]),
    kind: 'trust',
    code: 'oidc.sub_wildcard_owner',
    found: false,
  },
  // Trust: actions and principals
  {
    name: 'OIDC principal with sts:AssumeRole only',
    rule: 'IAM-17; access-analyzer "Mismatched action for principal"',
    policy: doc([irsa(null, { Action: 'sts:AssumeRole' })]),
    kind: 'trust',
    code: 'trust.federated_action_mismatch',
    found: true,
    path: 'Statement[0].Action',
  },
  {
    name: 'OIDC principal with an extra sts:AssumeRole',
    rule: 'IAM-17',
    policy: doc([irsa(null, { Action: ['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole'] })]),
    kind: 'trust',
    code: 'trust.federated_action_mismatch',
    found: true,
    path: 'Statement[0].Action[1]',
  },
  {
    name: 'OIDC principal with AssumeRoleWithWebIdentity and TagSession',
    rule: 'id_session-tags (sts:TagSession in the trust policy)',
    policy: doc([irsa(null, { Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] })]),
    kind: 'trust',
    code: 'trust.federated_action_mismatch',
    found: false,
  },
  {
    name: 'Principal * without a condition',
    rule: 'reference_policies_elements_principal (anonymous)',
    policy: doc([{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }]),
    kind: 'trust',
    code: 'trust.principal_public',
    found: true,
    path: 'Statement[0].Principal',
  },
  {
    name: 'Principal AWS * without a condition',
    rule: 'reference_policies_elements_principal ("Principal": {"AWS": "*"} is equivalent)',
    policy: doc([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }]),
    kind: 'trust',
    code: 'trust.principal_public',
    found: true,
  },
  {
    name: 'Principal * restricted to the organisation',
    rule: 'reference_policies_condition-keys aws:PrincipalOrgID',
    policy: doc([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
      },
    ]),
    kind: 'trust',
    code: 'trust.principal_public',
    found: false,
  },
  // Any policy: Not* elements
  {
    name: 'Allow with NotAction',
    rule: 'IAM-01; reference_policies_elements_notaction',
    policy: doc([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]),
    kind: 'identity',
    code: 'statement.allow_not_action',
    found: true,
    path: 'Statement[0].NotAction',
  },
  {
    name: 'Deny with NotAction is the documented guard-rail pattern',
    rule: 'IAM-02; reference_policies_elements_notaction',
    policy: doc([{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }]),
    kind: 'identity',
    code: 'statement.allow_not_action',
    found: false,
  },
  {
    name: 'Allow with NotResource',
    rule: 'IAM-03; reference_policies_elements_notresource',
    policy: doc([
      { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' },
    ]),
    kind: 'identity',
    code: 'statement.allow_not_resource',
    found: true,
    path: 'Statement[0].NotResource',
  },
  {
    name: 'Deny with NotResource',
    rule: 'IAM-03',
    policy: doc([{ Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::mine/*' }]),
    kind: 'identity',
    code: 'statement.allow_not_resource',
    found: false,
  },
  {
    name: 'Allow with NotPrincipal',
    rule: 'reference_policies_elements_notprincipal',
    policy: doc([
      {
        Effect: 'Allow',
        NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:user/bob` },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
      },
    ]),
    kind: 'resource',
    code: 'statement.allow_not_principal',
    found: true,
  },
  {
    name: 'Deny with NotPrincipal',
    rule: 'reference_policies_elements_notprincipal',
    policy: doc([
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:user/bob` },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::b/*',
      },
    ]),
    kind: 'resource',
    code: 'statement.allow_not_principal',
    found: false,
  },
  // Resource * with write actions
  {
    name: 'iam:PassRole on every resource',
    rule: 'access-analyzer "Pass role with star in resource"',
    policy: doc([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]),
    kind: 'identity',
    code: 'resource.star_write',
    found: true,
    path: 'Statement[0].Resource',
  },
  {
    name: 's3:* on every resource',
    rule: 'best-practices (least privilege); write verbs heuristic',
    policy: doc([{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::a/*', '*'] }]),
    kind: 'identity',
    code: 'resource.star_write',
    found: true,
    path: 'Statement[0].Resource[1]',
  },
  {
    name: 'read-only actions on every resource',
    rule: 'write verbs heuristic (Get/List/Describe are reads)',
    policy: doc([
      { Effect: 'Allow', Action: ['s3:Get*', 'ec2:Describe*', 's3:ListBucket'], Resource: '*' },
    ]),
    kind: 'identity',
    code: 'resource.star_write',
    found: false,
  },
  {
    name: 'write actions on named resources',
    rule: 'best-practices (least privilege)',
    policy: doc([{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }]),
    kind: 'identity',
    code: 'resource.star_write',
    found: false,
  },
  // Conditions: StringEquals with wildcards
  {
    name: 'StringEquals with * in the value',
    rule: `IAM-07; ${OPS} (StringEquals is exact)`,
    policy: doc([
      irsa({
        StringEquals: {
          [`${EKS}:sub`]: 'system:serviceaccount:ns:*',
          [`${EKS}:aud`]: 'sts.amazonaws.com',
        },
      }),
    ]),
    kind: 'trust',
    code: 'condition.equals_wildcard',
    found: true,
    path: `Statement[0].Condition.StringEquals.${EKS}:sub`,
  },
  {
    name: 'StringNotEquals with ? in a listed value',
    rule: `IAM-07; ${OPS}`,
    policy: doc([
      {
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalTag/team': ['ops', 'dev?'] } },
      },
    ]),
    kind: 'identity',
    code: 'condition.equals_wildcard',
    found: true,
    path: 'Statement[0].Condition.StringNotEquals.aws:PrincipalTag/team[1]',
  },
  {
    name: `StringEquals with \${*} (a literal star by design)`,
    rule: 'reference_policies_variables, special characters',
    policy: doc([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { StringEquals: { 's3:prefix': `a\${*}b` } },
      },
    ]),
    kind: 'identity',
    code: 'condition.equals_wildcard',
    found: false,
  },
  {
    name: 'StringLike with * is a real pattern',
    rule: OPS,
    policy: doc([irsaWith('StringLike', { [`${EKS}:sub`]: 'system:serviceaccount:ns:app-*' })]),
    kind: 'trust',
    code: 'condition.equals_wildcard',
    found: false,
  },
  // Conditions: look-alike prefixes
  {
    name: 'StringLike …:default* admits default-evil',
    rule: 'IAM-16',
    policy: doc([
      irsa({
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:default*' },
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
      }),
    ]),
    kind: 'trust',
    code: 'condition.lookalike_prefix',
    found: true,
    path: `Statement[0].Condition.StringLike.${EKS}:sub`,
  },
  {
    name: 'StringLike refs/heads/main* admits main-hotfix',
    rule: 'IAM-16 (obs gh-aws-branch-prefix-collision)',
    policy: doc([
      irsa(
        {
          StringLike: { [`${GH}:sub`]: 'repo:org/repo:ref:refs/heads/main*' },
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        },
        {},
        GH,
      ),
    ]),
    kind: 'trust',
    code: 'condition.lookalike_prefix',
    found: true,
  },
  {
    name: 'StringLike prefix ending at a separator',
    rule: 'IAM-16',
    policy: doc([
      irsa(
        {
          StringLike: {
            [`${GH}:sub`]: ['repo:org/repo:ref:refs/heads/release/*', 'repo:org/repo:*'],
          },
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        },
        {},
        GH,
      ),
    ]),
    kind: 'trust',
    code: 'condition.lookalike_prefix',
    found: false,
  },
  {
    name: 'look-alike prefix in a Deny only over-denies',
    rule: 'IAM-16 (a Deny cannot over-grant)',
    policy: doc([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      {
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringLike: { 'aws:PrincipalTag/team': 'contractor*' } },
      },
    ]),
    kind: 'identity',
    code: 'condition.lookalike_prefix',
    found: false,
  },
  // Conditions: negated operators on absent keys
  {
    name: 'negated operator next to a positive operator on the same key',
    rule: `IAM-08; ${OPS} "Important"`,
    policy: doc([
      irsaWith('StringNotEquals', { [`${EKS}:sub`]: 'system:serviceaccount:kube-system:admin' }),
    ]),
    kind: 'trust',
    code: 'condition.negated_absent_key',
    found: false,
  },
  {
    name: 'Allow with only NotIpAddress on aws:SourceIp',
    rule: `IAM-08; ${OPS} "Important"`,
    policy: doc([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
    ]),
    kind: 'identity',
    code: 'condition.negated_absent_key',
    found: true,
    path: 'Statement[0].Condition.NotIpAddress.aws:SourceIp',
  },
  {
    name: 'Allow with ArnNotLike and no presence check',
    rule: `IAM-08; ${OPS}`,
    policy: doc([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:bad' } },
      },
    ]),
    kind: 'identity',
    code: 'condition.negated_absent_key',
    found: true,
  },
  {
    name: 'negated operator with a Null presence check',
    rule: `IAM-08; ${OPS} (Null condition operator)`,
    policy: doc([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: {
          StringNotEquals: { 'aws:PrincipalTag/team': 'contractors' },
          Null: { 'aws:PrincipalTag/team': 'false' },
        },
      },
    ]),
    kind: 'identity',
    code: 'condition.negated_absent_key',
    found: false,
  },
  {
    name: 'negated operator with IfExists states the absent case',
    rule: `IAM-09; ${OPS} (…IfExists)`,
    policy: doc([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'contractors' } },
      },
    ]),
    kind: 'identity',
    code: 'condition.negated_absent_key',
    found: false,
  },
  {
    name: 'negated operator on a key that is always present',
    rule: 'reference_policies_condition-keys (aws:PrincipalArn: always included)',
    policy: doc([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/bad` } },
      },
    ]),
    kind: 'identity',
    code: 'condition.negated_absent_key',
    found: false,
  },
  {
    name: 'negated operator in a Deny fails closed',
    rule: `IAM-08 (Deny + negated on an absent key denies)`,
    policy: doc([
      {
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'ops' } },
      },
    ]),
    kind: 'identity',
    code: 'condition.negated_absent_key',
    found: false,
  },
  // Conditions: set operators
  {
    name: 'ForAllValues on sub (single-valued)',
    rule: `access-analyzer "ForAllValues with single valued key"; ${MULTI}`,
    policy: doc([
      irsa(
        {
          'ForAllValues:StringEquals': {
            [`${GH}:sub`]: 'repo:org/repo:ref:refs/heads/main',
            [`${GH}:aud`]: 'sts.amazonaws.com',
          },
        },
        {},
        GH,
      ),
    ]),
    kind: 'trust',
    code: 'condition.forallvalues_single_valued',
    found: true,
    path: `Statement[0].Condition.ForAllValues:StringEquals.${GH}:sub`,
  },
  {
    name: 'ForAllValues on aws:SourceIp',
    rule: `access-analyzer "ForAllValues with single valued key"`,
    policy: doc([
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { 'ForAllValues:NotIpAddress': { 'aws:SourceIp': '10.0.0.0/8' } },
      },
    ]),
    kind: 'identity',
    code: 'condition.forallvalues_single_valued',
    found: true,
  },
  {
    name: 'ForAllValues on aws:TagKeys (multivalued)',
    rule: MULTI,
    policy: doc([
      {
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: 'arn:aws:ec2:*:*:instance/*',
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] },
          Null: { 'aws:TagKeys': 'false' },
        },
      },
    ]),
    kind: 'identity',
    code: 'condition.forallvalues_single_valued',
    found: false,
  },
  {
    name: 'ForAllValues on an OIDC amr claim (multivalued)',
    rule: 'reference_policies_iam-condition-keys (amr is multivalued)',
    policy: doc([irsaWith('ForAllValues:StringLike', { [`${EKS}:amr`]: 'authenticated' })]),
    kind: 'trust',
    code: 'condition.forallvalues_single_valued',
    found: false,
  },
  {
    name: 'ForAllValues in an Allow without a presence check',
    rule: `IAM-11; ${MULTI} ("also returns true if there are no context keys")`,
    policy: doc([
      {
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: 'arn:aws:ec2:*:*:instance/*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
      },
    ]),
    kind: 'identity',
    code: 'condition.forallvalues_absent_key',
    found: true,
    path: 'Statement[0].Condition.ForAllValues:StringEquals.aws:TagKeys',
  },
  {
    name: 'ForAllValues with a Null presence check',
    rule: `IAM-11; ${MULTI}`,
    policy: doc([
      {
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: 'arn:aws:ec2:*:*:instance/*',
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] },
          Null: { 'aws:TagKeys': false },
        },
      },
    ]),
    kind: 'identity',
    code: 'condition.forallvalues_absent_key',
    found: false,
  },
  {
    name: 'ForAnyValue on a single-valued key',
    rule: `${MULTI} ("Do not use a condition set operator with a single-valued context key")`,
    policy: doc([irsaWith('ForAnyValue:StringEquals', { 'aws:RequestedRegion': 'eu-west-1' })]),
    kind: 'trust',
    code: 'condition.foranyvalue_single_valued',
    found: true,
  },
  {
    name: 'ForAnyValue on a multivalued key',
    rule: MULTI,
    policy: doc([
      {
        Effect: 'Deny',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'owner' } },
      },
    ]),
    kind: 'identity',
    code: 'condition.foranyvalue_single_valued',
    found: false,
  },
  // Version
  {
    name: 'variable under Version 2008-10-17',
    rule: 'IAM-14; reference_policies_elements_version',
    policy: doc(
      [{ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::b/home/\${aws:username}/*` }],
      '2008-10-17',
    ),
    kind: 'identity',
    code: 'version.variables_literal',
    found: true,
    path: 'Statement[0].Resource',
  },
  {
    name: 'variable in a condition without Version',
    rule: 'IAM-14',
    policy: doc(
      [
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::b',
          Condition: { StringLike: { 's3:prefix': ['public/', `home/\${aws:username}/`] } },
        },
      ],
      null,
    ),
    kind: 'identity',
    code: 'version.variables_literal',
    found: true,
    path: 'Statement[0].Condition.StringLike.s3:prefix[1]',
  },
  {
    name: 'variable under Version 2012-10-17',
    rule: 'reference_policies_variables',
    policy: doc([
      { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::b/home/\${aws:username}/*` },
    ]),
    kind: 'identity',
    code: 'version.variables_literal',
    found: false,
  },
  {
    name: 'no Version',
    rule: 'reference_policies_elements_version',
    policy: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }], null),
    kind: 'identity',
    code: 'version.missing',
    found: true,
    path: 'Version',
  },
  {
    name: 'Version 2008-10-17 is a Version',
    rule: 'reference_policies_elements_version',
    policy: doc(
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
      '2008-10-17',
    ),
    kind: 'identity',
    code: 'version.missing',
    found: false,
  },
]

describe('lintPolicy checks', () => {
  it.each(cases)('$code: $name ($rule)', (c) => {
    const findings = lintPolicy(c.policy as never, c.kind === undefined ? {} : { kind: c.kind })
    const hits = findings.filter((f) => f.code === c.code)
    if (!c.found) {
      expect(hits).toEqual([])
      return
    }
    expect(hits.length).toBeGreaterThan(0)
    const check = LINT_CHECKS.find((k) => k.code === c.code)
    for (const h of hits) {
      expect(h.severity).toBe(check?.severity)
      expect(h.message).toMatch(/We recommend that you /)
    }
    if (c.path !== undefined) expect(hits.map((h) => h.path)).toContain(c.path)
  })

  it.each(LINT_CHECKS.map((c) => c.code))('%s has a positive and a negative case', (code) => {
    expect(cases.some((c) => c.code === code && c.found)).toBe(true)
    expect(cases.some((c) => c.code === code && !c.found)).toBe(true)
  })
})

describe('lintPolicy input and output', () => {
  it('reports nothing for the recommended IRSA trust policy', () => {
    expect(lintPolicy(doc([irsa()]) as never, { kind: 'trust' })).toEqual([])
  })

  it('reads policy text like parsePolicy, reporting validation issues as errors', () => {
    const findings = lintPolicy('{"Version":"2012-10-17","Statement":[{"Effect":"allow"}]}', {
      kind: 'identity',
    })
    expect(findings.length).toBeGreaterThan(0)
    expect(findings.every((f) => f.severity === 'error')).toBe(true)
    expect(findings.map((f) => f.code)).toContain('effect.invalid')
  })

  it('reports invalid JSON text as a json.invalid error', () => {
    expect(lintPolicy('{"Statement": [', { kind: 'trust' }).map((f) => f.code)).toEqual([
      'json.invalid',
    ])
  })

  it('lints valid policy text the same as the document', () => {
    const policy = doc([irsa(null)])
    expect(lintPolicy(JSON.stringify(policy), { kind: 'trust' })).toEqual(
      lintPolicy(policy as never, { kind: 'trust' }),
    )
  })

  it('accepts extra multivalued keys from the caller', () => {
    const policy = doc([
      {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: {
          'ForAllValues:StringEquals': { 'ec2:ResourceTagKeys': 'env' },
          Null: { 'ec2:ResourceTagKeys': 'false' },
        },
      },
    ])
    const codes = (extra?: string[]) =>
      lintPolicy(policy as never, extra === undefined ? {} : { multivaluedKeys: extra }).map(
        (f) => f.code,
      )
    expect(codes()).toContain('condition.forallvalues_single_valued')
    expect(codes(['EC2:ResourceTagKeys'])).not.toContain('condition.forallvalues_single_valued')
  })

  it('keeps check codes apart from validation issue codes', () => {
    const issueCodes: readonly string[] = POLICY_ISSUE_CODES
    for (const c of LINT_CHECKS) expect(issueCodes).not.toContain(c.code)
    expect(new Set(LINT_CHECKS.map((c) => c.code)).size).toBe(LINT_CHECKS.length)
  })
})
