import { describe, expect, it } from 'vitest'
import { compilePrincipal, matchPrincipal, preparePrincipal } from './principal.js'
import type { PolicyPrincipal, PrincipalMatchKind, RequestPrincipal } from './types.js'

const P = 'reference_policies_elements_principal'
const ACCT = '111122223333'
const SESSION = `arn:aws:sts::${ACCT}:assumed-role/app-role/my-session`
const ROLE = `arn:aws:iam::${ACCT}:role/team/app-role`
const USER = `arn:aws:iam::${ACCT}:user/Bob`
const OIDC = `arn:aws:iam::${ACCT}:oidc-provider/oidc.example.com/id/ABC`

const cases: {
  name: string
  principal: PolicyPrincipal
  caller: RequestPrincipal | undefined
  want: PrincipalMatchKind | undefined
  doc: string
}[] = [
  {
    name: '"*" matches anyone',
    principal: '*',
    caller: { arn: USER },
    want: 'direct',
    doc: `${P}: All principals`,
  },
  {
    name: '"*" matches anonymous',
    principal: '*',
    caller: undefined,
    want: 'direct',
    doc: `${P}: All principals`,
  },
  {
    name: 'AWS "*" equals "*"',
    principal: { AWS: '*' },
    caller: { federated: OIDC },
    want: 'direct',
    doc: `${P}: "Principal": {"AWS": "*"} is equivalent`,
  },
  {
    name: 'account id',
    principal: { AWS: ACCT },
    caller: { arn: USER },
    want: 'account',
    doc: `${P}: AWS account principals delegate to the account`,
  },
  {
    name: 'account root ARN',
    principal: { AWS: `arn:aws:iam::${ACCT}:root` },
    caller: { arn: SESSION },
    want: 'account',
    doc: `${P}: the account ARN and the account id behave the same`,
  },
  {
    name: 'other account',
    principal: { AWS: '444455556666' },
    caller: { arn: USER },
    want: undefined,
    doc: P,
  },
  {
    name: 'explicit account field',
    principal: { AWS: ACCT },
    caller: { account: ACCT },
    want: 'account',
    doc: P,
  },
  {
    name: 'user ARN',
    principal: { AWS: USER },
    caller: { arn: USER },
    want: 'direct',
    doc: `${P}: IAM user principals`,
  },
  {
    name: 'user ARN is case-sensitive',
    principal: { AWS: USER },
    caller: { arn: USER.toLowerCase() },
    want: undefined,
    doc: `${P}: the user name part is case sensitive`,
  },
  {
    name: 'session ARN',
    principal: { AWS: SESSION },
    caller: { arn: SESSION },
    want: 'direct',
    doc: `${P}: role session principals`,
  },
  {
    name: 'role ARN for a session of the role',
    principal: { AWS: ROLE },
    caller: { arn: SESSION },
    want: 'role',
    doc: 'reference_policies_evaluation-logic: role ARN vs session ARN',
  },
  {
    name: 'role ARN with explicit roleArn',
    principal: { AWS: ROLE },
    caller: { arn: SESSION, roleArn: ROLE },
    want: 'role',
    doc: P,
  },
  {
    name: 'role ARN of another role',
    principal: { AWS: `arn:aws:iam::${ACCT}:role/other` },
    caller: { arn: SESSION },
    want: undefined,
    doc: P,
  },
  {
    name: 'role unique id',
    principal: { AWS: 'AROADBQP57FF2AEXAMPLE' },
    caller: { arn: SESSION, userId: 'AROADBQP57FF2AEXAMPLE:my-session' },
    want: 'role',
    doc: 'reference_identifiers: unique ids',
  },
  {
    name: 'user unique id',
    principal: { AWS: 'AIDAJQABLZS4A3QDU576Q' },
    caller: { arn: USER, userId: 'AIDAJQABLZS4A3QDU576Q' },
    want: 'direct',
    doc: 'reference_identifiers: unique ids',
  },
  {
    name: 'federated provider',
    principal: { Federated: OIDC },
    caller: { federated: OIDC },
    want: 'direct',
    doc: `${P}: web identity session principals`,
  },
  {
    name: 'IAM-17: federated must be the exact provider ARN',
    principal: { Federated: OIDC },
    caller: { federated: 'oidc.example.com/id/ABC' },
    want: undefined,
    doc: 'IAM-17',
  },
  {
    name: 'service',
    principal: { Service: ['ecs.amazonaws.com', 'lambda.amazonaws.com'] },
    caller: { service: 'lambda.amazonaws.com' },
    want: 'direct',
    doc: `${P}: AWS service principals`,
  },
  {
    name: 'canonical user',
    principal: { CanonicalUser: 'abc123' },
    caller: { canonicalUser: 'abc123' },
    want: 'direct',
    doc: `${P}: CanonicalUser`,
  },
  {
    name: 'direct wins over account',
    principal: { AWS: [ACCT, SESSION] },
    caller: { arn: SESSION },
    want: 'direct',
    doc: `${P}: values are OR-ed`,
  },
  {
    name: 'anonymous matches no named principal',
    principal: { AWS: ACCT },
    caller: undefined,
    want: undefined,
    doc: P,
  },
]

describe('matchPrincipal', () => {
  it.each(cases)('$name ($doc)', (c) => {
    expect(matchPrincipal(compilePrincipal(c.principal), preparePrincipal(c.caller))).toBe(c.want)
  })
})
