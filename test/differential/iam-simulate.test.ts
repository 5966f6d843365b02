import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compilePolicy,
  createRequestContext,
  type DecisionKind,
  evaluatePolicies,
  type PolicyDocument,
} from '../../src/policy/index.js'
import { type OracleDecision, oracleDecide } from './iam-simulate-oracle.js'

/**
 * Differential test: Lanyard's evaluator against iam-simulate's core evaluator on generated
 * identity policies and requests (same account, identity policies only). Both must give the
 * same decision: allowed, explicit deny or implicit deny. The grammar stays where the two are
 * comparable; shapes left out on purpose are listed with the reason (see EXCLUDED below).
 */

const ACCOUNT = '111122223333'
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`

const ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
  's3:DeleteObject',
  'ec2:DescribeInstances',
  'ec2:RunInstances',
]
// reference_policies_elements_action: case-insensitive, `*` and `?` wildcards.
const ACTION_PATTERNS = [
  ...ACTIONS,
  '*',
  's3:*',
  's3:Get*',
  's3:*Object',
  's3:?etObject',
  'ec2:Describe*',
  'ec2:*Instances',
  'S3:getobject',
  'EC2:DESCRIBE*',
]

const RESOURCES = [
  'arn:aws:s3:::bucket-a',
  'arn:aws:s3:::bucket-a/x',
  'arn:aws:s3:::bucket-a/dir/y',
  'arn:aws:s3:::bucket-b/x',
  `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`,
  `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-22`,
  'arn:aws:s3:::bucket-a/alice/z',
]
// reference_policies_elements_resource: `*`/`?` per ARN component, `*` spans `/`.
const RESOURCE_PATTERNS = [
  '*',
  'arn:aws:s3:::bucket-a',
  'arn:aws:s3:::bucket-a/*',
  'arn:aws:s3:::bucket-?/x',
  'arn:aws:s3:::*',
  'arn:aws:s3:::bucket-a/dir/*',
  'arn:aws:s3:::*/x',
  'arn:aws:ec2:*:*:instance/*',
  `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-?`,
  `arn:aws:ec2:*:${ACCOUNT}:instance/i-1`,
  // reference_policies_variables: substituted in the resource part; no value matches nothing.
  `arn:aws:s3:::bucket-a/\${aws:username}/*`,
]

interface KeySpec {
  readonly key: string
  /** Spellings of the key in policies (condition key names are case-insensitive). */
  readonly spellings: readonly string[]
  readonly operators: readonly string[]
  readonly policyValues: readonly string[]
  readonly requestValue: fc.Arbitrary<string | string[]>
}

const KEYS: readonly KeySpec[] = [
  {
    key: 'aws:username',
    spellings: ['aws:username', 'AWS:UserName'],
    operators: [
      'StringEquals',
      'StringLike',
      'StringNotEquals',
      'StringEqualsIfExists',
      'StringNotEqualsIfExists',
      'StringLikeIfExists',
      'StringNotLike',
      'StringEqualsIgnoreCase',
      'ForAnyValue:StringEquals',
      'Null',
    ],
    policyValues: ['alice', 'bob', 'al*', 'a?ice', '*', 'true', 'false'],
    requestValue: fc.constantFrom('alice', 'bob', 'Alice', 'al', 'al*'),
  },
  {
    key: 's3:prefix',
    spellings: ['s3:prefix'],
    operators: ['StringEquals', 'StringLike', 'StringNotEquals', 'StringLikeIfExists'],
    policyValues: ['home/', 'home/*', 'logs', '', `home/\${aws:username}`],
    requestValue: fc.constantFrom('home/', 'home/alice', 'logs', ''),
  },
  {
    key: 'aws:SecureTransport',
    spellings: ['aws:SecureTransport'],
    operators: ['Bool', 'BoolIfExists', 'Null'],
    policyValues: ['true', 'false', 'TRUE'],
    requestValue: fc.constantFrom('true', 'false'),
  },
  {
    key: 's3:max-keys',
    spellings: ['s3:max-keys'],
    operators: ['NumericLessThan', 'NumericLessThanIfExists'],
    policyValues: ['10', '100', '7.5'],
    requestValue: fc.constantFrom('5', '10', '50', '500', '7.5'),
  },
  {
    key: 'aws:TagKeys',
    spellings: ['aws:TagKeys'],
    operators: [
      'ForAnyValue:StringEquals',
      'ForAnyValue:StringLike',
      'ForAllValues:StringEquals',
      'ForAllValues:StringLike',
      'ForAllValues:StringNotEquals',
      'ForAnyValue:StringNotLike',
      'Null',
    ],
    policyValues: ['env', 'team', 't*', 'true', 'false'],
    // EXCLUDED: an empty list. Lanyard treats it as absent ("null data set",
    // reference_policies_multi-value-conditions); iam-simulate evaluates the empty set.
    requestValue: fc.uniqueArray(fc.constantFrom('env', 'team', 'owner'), {
      minLength: 1,
      maxLength: 3,
    }),
  },
  {
    key: 'aws:SourceIp',
    spellings: ['aws:SourceIp', 'aws:sourceip'],
    operators: ['IpAddress', 'NotIpAddress', 'IpAddressIfExists'],
    // EXCLUDED: `0.0.0.0/0`. A /0 range holds every IPv4 address (RFC 4632; IpAddress takes
    // RFC 4632 CIDR, reference_policies_elements_condition_operators); iam-simulate computes
    // the mask as `-1 << 32`, which is -1 in JavaScript, so it matches only 0.0.0.0.
    policyValues: ['10.0.0.0/8', '192.168.1.1', '2001:db8::/32', '0.0.0.0/1'],
    requestValue: fc.constantFrom('10.1.2.3', '192.168.1.1', '2001:db8::1', '8.8.8.8'),
  },
]

const conditionArb = fc.constantFrom(...KEYS).chain((spec) =>
  fc.record({
    operator: fc.constantFrom(...spec.operators),
    key: fc.constantFrom(...spec.spellings),
    values: fc.uniqueArray(fc.constantFrom(...spec.policyValues), { minLength: 1, maxLength: 2 }),
  }),
)

const statementArb = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  actions: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 2 }),
  notActionFlag: fc.integer({ min: 0, max: 4 }),
  resources: fc.uniqueArray(fc.constantFrom(...RESOURCE_PATTERNS), { minLength: 1, maxLength: 2 }),
  notResourceFlag: fc.integer({ min: 0, max: 4 }),
  conditions: fc.array(conditionArb, { maxLength: 2 }),
})

type GeneratedStatement = typeof statementArb extends fc.Arbitrary<infer T> ? T : never

function toStatement(g: GeneratedStatement): Record<string, unknown> {
  const statement: Record<string, unknown> = { Effect: g.Effect }
  // One statement in five uses NotAction / NotResource.
  statement[g.notActionFlag === 0 ? 'NotAction' : 'Action'] = g.actions
  statement[g.notResourceFlag === 0 ? 'NotResource' : 'Resource'] = g.resources
  if (g.conditions.length > 0) {
    const condition: Record<string, Record<string, string[]>> = {}
    const seen = new Set<string>()
    for (const c of g.conditions) {
      // One key once per operator block (IAM rejects a key repeated with another case).
      const id = `${c.operator}\u0000${c.key.toLowerCase()}`
      if (seen.has(id)) continue
      seen.add(id)
      condition[c.operator] ??= {}
      ;(condition[c.operator] as Record<string, string[]>)[c.key] = c.values
    }
    statement.Condition = condition
  }
  return statement
}

function unresolvedNotResource(policies: readonly (readonly GeneratedStatement[])[]): boolean {
  return policies.some((p) =>
    p.some((g) => g.notResourceFlag === 0 && g.resources.some((r) => r.includes('${'))),
  )
}

function negatedVariable(policies: readonly (readonly GeneratedStatement[])[]): boolean {
  return policies.some((p) =>
    p.some((g) =>
      g.conditions.some(
        (c) => c.operator.includes('Not') && c.values.some((v) => v.includes('${')),
      ),
    ),
  )
}

function notIpAcrossFamilies(
  policies: readonly (readonly GeneratedStatement[])[],
  ip: string | string[] | undefined,
): boolean {
  if (typeof ip !== 'string') return false
  const v6 = ip.includes(':')
  return policies.some((p) =>
    p.some((g) =>
      g.conditions.some(
        (c) => c.operator === 'NotIpAddress' && c.values.every((v) => v.includes(':') !== v6),
      ),
    ),
  )
}

const policiesArb = fc.array(fc.array(statementArb, { minLength: 1, maxLength: 3 }), {
  minLength: 1,
  maxLength: 2,
})

const requestArb = fc.record({
  action: fc.constantFrom(...ACTIONS),
  resource: fc.constantFrom(...RESOURCES),
  context: fc.record(
    Object.fromEntries(KEYS.map((k) => [k.key, k.requestValue])) as Record<
      string,
      fc.Arbitrary<string | string[]>
    >,
    { requiredKeys: [] },
  ),
})

// Fixed seed so the suite is deterministic; DIFF_RUNS / DIFF_SEED explore further by hand.
const RUNS = Number(process.env.DIFF_RUNS ?? 300)
const SEED = Number(process.env.DIFF_SEED ?? 0x1a2b3c)

const TO_ORACLE: Record<DecisionKind, OracleDecision> = {
  allowed: 'Allowed',
  explicitDeny: 'ExplicitlyDenied',
  implicitDeny: 'ImplicitlyDenied',
}

function lanyardDecide(
  documents: readonly PolicyDocument[],
  request: {
    action: string
    resource: string
    context: Readonly<Record<string, string | readonly string[] | undefined>>
  },
): OracleDecision {
  const identity = documents.map((d, i) => compilePolicy(d, { kind: 'identity', label: `p${i}` }))
  const decision = evaluatePolicies(
    {
      principal: { arn: USER },
      action: request.action,
      resource: request.resource,
      context: createRequestContext(request.context),
    },
    { identity },
  )
  return TO_ORACLE[decision.decision]
}

interface HandCase {
  name: string
  statements: Record<string, unknown>[]
  action: string
  resource: string
  context: Record<string, string | string[]>
  want: OracleDecision
}

// Anchors: both engines against the decision the AWS documentation gives.
const HAND_CASES: HandCase[] = [
  {
    name: 'an Allow applies (reference_policies_evaluation-logic)',
    statements: [{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::bucket-a/*' }],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::bucket-a/x',
    context: {},
    want: 'Allowed',
  },
  {
    name: 'an explicit Deny wins (reference_policies_evaluation-logic)',
    statements: [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::bucket-a/x',
    context: { 'aws:SecureTransport': 'false' },
    want: 'ExplicitlyDenied',
  },
  {
    name: 'NotAction allows everything else (reference_policies_elements_notaction)',
    statements: [{ Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: '*' }],
    action: 's3:DeleteObject',
    resource: 'arn:aws:s3:::bucket-a/x',
    context: {},
    want: 'ImplicitlyDenied',
  },
  {
    name: 'ForAllValues is true on an absent key (IAM-11)',
    statements: [
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'env' } },
      },
    ],
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::bucket-a/x',
    context: {},
    want: 'Allowed',
  },
]

describe('differential: Lanyard vs iam-simulate (identity policies, one account)', () => {
  it.each(HAND_CASES)('$name', (c) => {
    const documents = [
      { Version: '2012-10-17', Statement: c.statements } as unknown as PolicyDocument,
    ]
    const request = { action: c.action, resource: c.resource, context: c.context }
    expect(lanyardDecide(documents, request)).toBe(c.want)
    expect(
      oracleDecide({ principal: USER, account: ACCOUNT, identityPolicies: documents, ...request }),
    ).toBe(c.want)
  })

  it('gives the same decision on generated policies and requests', () => {
    // Every outcome must come up often, or the comparison would be vacuous.
    const seen: Record<OracleDecision, number> = {
      Allowed: 0,
      ExplicitlyDenied: 0,
      ImplicitlyDenied: 0,
    }
    fc.assert(
      fc.property(policiesArb, requestArb, (policies, request) => {
        // EXCLUDED: `NotResource` holding a variable that has no value. reference_policies_variables
        // ("Policy variables with no value"): "the resource that includes a policy variable with
        // no value will not match any resource" -- so NotResource excludes nothing and the
        // statement applies (Lanyard); iam-simulate instead drops the whole statement.
        // EXCLUDED: a negated operator with a variable that has no value. Same page: "Inverted
        // condition operators like StringNotEquals or StringNotLike do match against a null
        // value" (Lanyard); iam-simulate makes the condition false.
        const noUsername = request.context['aws:username'] === undefined
        fc.pre(!(noUsername && (unresolvedNotResource(policies) || negatedVariable(policies))))
        // EXCLUDED: NotIpAddress with an address of the other family than every listed range.
        // An IPv6 address is in no IPv4 range, so NotIpAddress is true (condition operators, IP
        // address; AWS's IPv6 guides warn that IPv4-only NotIpAddress denies block IPv6
        // callers) -- Lanyard; iam-simulate makes the comparison false.
        fc.pre(!notIpAcrossFamilies(policies, request.context['aws:SourceIp']))
        const documents = policies.map(
          (statements) =>
            ({
              Version: '2012-10-17',
              Statement: statements.map(toStatement),
            }) as unknown as PolicyDocument,
        )
        const ours = lanyardDecide(documents, request)
        const theirs = oracleDecide({
          principal: USER,
          action: request.action,
          resource: request.resource,
          account: ACCOUNT,
          context: request.context,
          identityPolicies: documents,
        })
        expect(ours, JSON.stringify({ documents, request })).toBe(theirs)
        seen[ours]++
      }),
      { numRuns: RUNS, seed: SEED },
    )
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(RUNS / 20)
  })
})
