import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { compilePolicy } from './compile.js'
import { POLICY_ISSUE_CODES } from './issues.js'
import { AWS_POLICY_LIMITS } from './limits.js'
import { parsePolicy } from './parse.js'
import type { PolicyDocument, PolicyKind } from './types.js'

const V = '2012-10-17'
const FED = 'arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/ABC'
const trustStmt = {
  Effect: 'Allow',
  Principal: { Federated: FED },
  Action: 'sts:AssumeRoleWithWebIdentity',
}
const idStmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }
const GH_HOST = 'token.actions.githubusercontent.com'
const GH = `arn:aws:iam::111122223333:oidc-provider/${GH_HOST}`

const doc = (statement: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ Version: V, Statement: statement, ...extra })

interface Case {
  name: string
  text: string
  kind?: PolicyKind
  maxLength?: number
  oidcSubjectRequired?: string[]
  code: string
  path: string
  message?: string
  doc: string
}

const cases: Case[] = [
  {
    name: 'not JSON',
    text: '{"Version": "2012-10-17", "Statement": [',
    code: 'json.invalid',
    path: '',
    doc: 'IAM-21: "This policy contains invalid Json"',
  },
  {
    name: 'duplicate key',
    text: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}',
    code: 'json.duplicate_key',
    path: 'Statement.Effect',
    message: 'Duplicate field Effect',
    doc: 'IAM-21: JSON with duplicate keys is rejected',
  },
  {
    name: 'too deep',
    text: `{"Version":"2012-10-17","Statement":${'['.repeat(40)}${']'.repeat(40)}}`,
    code: 'json.too_deep',
    path: 'Statement[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]',
    doc: 'security-catalog XML-07: depth cap',
  },
  {
    name: 'character above U+00FF',
    text: doc({ ...idStmt, Sid: 'Ā' }),
    code: 'policy.invalid_characters',
    path: '',
    doc: 'reference_iam-quotas: only U+0009, U+000A, U+000D, U+0020-U+00FF',
  },
  {
    name: 'trust policy over 2048 characters',
    text: doc([trustStmt], { Id: 'x'.repeat(2048) }),
    kind: 'trust',
    code: 'policy.too_large',
    path: '',
    message: 'Cannot exceed quota for ACLSizePerRole: 2048',
    doc: 'reference_iam-quotas: role trust policy length 2,048',
  },
  {
    name: 'caller limit',
    text: doc([idStmt]),
    maxLength: 20,
    code: 'policy.too_large',
    path: '',
    message: 'Cannot exceed quota for PolicySize: 20',
    doc: 'issue #2: limits configurable by the caller',
  },
  {
    name: 'document is an array',
    text: '[]',
    code: 'policy.not_object',
    path: '',
    message: 'Syntax errors in policy.',
    doc: 'reference_policies_grammar: policy is an object',
  },
  {
    name: 'unknown top-level field',
    text: doc([idStmt], { Condition: {} }),
    code: 'policy.unknown_field',
    path: 'Condition',
    message: 'Unknown field Condition',
    doc: 'reference_policies_grammar: <policy> = { <version_block>? <id_block>? <statement_block> }',
  },
  {
    name: 'bad Version',
    text: doc([idStmt], { Version: '2012-10-18' }),
    code: 'version.invalid',
    path: 'Version',
    doc: 'reference_policies_elements_version: 2012-10-17 or 2008-10-17',
  },
  {
    name: 'Version not a string',
    text: doc([idStmt], { Version: 20121017 }),
    code: 'version.invalid',
    path: 'Version',
    doc: 'reference_policies_elements_version',
  },
  {
    name: 'Id not a string',
    text: doc([idStmt], { Id: 5 }),
    code: 'id.invalid',
    path: 'Id',
    doc: 'reference_policies_elements_id',
  },
  {
    name: 'no Statement',
    text: JSON.stringify({ Version: V }),
    code: 'statement.missing',
    path: 'Statement',
    message: 'Missing required field Statement',
    doc: 'reference_policies_grammar: statement block required',
  },
  {
    name: 'empty Statement list',
    text: doc([]),
    code: 'statement.missing',
    path: 'Statement',
    doc: 'access-analyzer: Missing statement',
  },
  {
    name: 'Statement is a string',
    text: doc('Allow'),
    code: 'statement.invalid',
    path: 'Statement',
    doc: 'reference_policies_grammar: statement is an object or a list of objects',
  },
  {
    name: 'unknown statement field',
    text: doc([{ ...idStmt, Foo: 1 }]),
    code: 'statement.unknown_field',
    path: 'Statement[0].Foo',
    message: 'Unknown field Foo',
    doc: 'reference_policies_grammar: statement elements',
  },
  {
    name: 'Sid with a space in an IAM policy',
    text: doc([{ ...idStmt, Sid: 'my sid' }]),
    kind: 'identity',
    code: 'sid.invalid',
    path: 'Statement[0].Sid',
    doc: 'reference_policies_elements_sid: IAM Sids are alphanumeric',
  },
  {
    name: 'duplicate Sid',
    text: doc([
      { ...idStmt, Sid: 'A' },
      { ...idStmt, Sid: 'A' },
    ]),
    kind: 'identity',
    code: 'sid.duplicate',
    path: 'Statement[1].Sid',
    message: 'Statement IDs (SID) in a single policy must be unique.',
    doc: 'reference_policies_elements_sid: unique within the policy',
  },
  {
    name: 'no Effect',
    text: doc([{ Action: '*', Resource: '*' }]),
    code: 'effect.missing',
    path: 'Statement[0].Effect',
    message: 'Missing required field Effect',
    doc: 'reference_policies_elements_effect',
  },
  {
    name: 'Effect in lower case',
    text: doc([{ ...idStmt, Effect: 'allow' }]),
    code: 'effect.invalid',
    path: 'Statement[0].Effect',
    doc: 'IAM-21: unknown Effect "allow"',
  },
  {
    name: 'no Action',
    text: doc([{ Effect: 'Allow', Resource: '*' }]),
    code: 'action.missing',
    path: 'Statement[0].Action',
    message: 'Policy statement must contain actions.',
    doc: 'IAM-21: statement without Action/NotAction',
  },
  {
    name: 'Action and NotAction',
    text: doc([{ ...idStmt, NotAction: 's3:PutObject' }]),
    code: 'action.conflict',
    path: 'Statement[0]',
    doc: 'IAM-21: both Action and NotAction',
  },
  {
    name: 'action without vendor',
    text: doc([{ ...idStmt, Action: 'GetObject' }]),
    code: 'action.invalid',
    path: 'Statement[0].Action',
    message: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    doc: 'reference_policies_elements_action: service:action',
  },
  {
    name: 'action with two colons',
    text: doc([{ ...idStmt, Action: ['s3:Get:Object'] }]),
    code: 'action.invalid',
    path: 'Statement[0].Action[0]',
    message: 'Actions/Condition can contain only one colon.',
    doc: 'reference_policies_elements_action',
  },
  {
    name: 'action of the wrong type',
    text: doc([{ ...idStmt, Action: { a: 1 } }]),
    code: 'action.invalid',
    path: 'Statement[0].Action',
    doc: 'reference_policies_grammar: action is a string or list of strings',
  },
  {
    name: 'non-STS action in a trust policy',
    text: doc([{ ...trustStmt, Action: 's3:GetObject' }]),
    kind: 'trust',
    code: 'action.not_sts',
    path: 'Statement[0].Action',
    message: 'AssumeRole policy may only specify STS AssumeRole actions.',
    doc: 'reference_policies_elements_principal: trust policies control sts:AssumeRole*',
  },
  {
    name: 'identity policy without Resource',
    text: doc([{ Effect: 'Allow', Action: '*' }]),
    kind: 'identity',
    code: 'resource.missing',
    path: 'Statement[0].Resource',
    message: 'Policy statement must contain resources.',
    doc: 'reference_policies_elements_resource: Resource or NotResource required',
  },
  {
    name: 'Resource and NotResource',
    text: doc([{ ...idStmt, NotResource: '*' }]),
    code: 'resource.conflict',
    path: 'Statement[0]',
    doc: 'reference_policies_elements_notresource',
  },
  {
    name: 'Resource not an ARN',
    text: doc([{ ...idStmt, Resource: 'my-bucket' }]),
    code: 'resource.invalid',
    path: 'Statement[0].Resource',
    message: 'Resource my-bucket must be in ARN format or "*".',
    doc: 'reference_policies_elements_resource: bad ARN',
  },
  {
    name: 'Resource in a trust policy',
    text: doc([{ ...trustStmt, Resource: '*' }]),
    kind: 'trust',
    code: 'resource.forbidden',
    path: 'Statement[0].Resource',
    message: 'Has prohibited field Resource',
    doc: 'access-analyzer: role trust policies cannot specify a resource',
  },
  {
    name: 'trust policy without Principal',
    text: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole' }]),
    kind: 'trust',
    code: 'principal.missing',
    path: 'Statement[0].Principal',
    message: 'Missing required field Principal',
    doc: 'reference_policies_elements_principal: required in resource-based policies',
  },
  {
    name: 'resource policy without Principal',
    text: doc([idStmt]),
    kind: 'resource',
    code: 'principal.missing',
    path: 'Statement[0].Principal',
    doc: 'reference_policies_elements_principal: required in resource-based policies',
  },
  {
    name: 'Principal and NotPrincipal',
    text: doc([{ ...idStmt, Principal: '*', NotPrincipal: { AWS: '111122223333' } }]),
    kind: 'resource',
    code: 'principal.conflict',
    path: 'Statement[0]',
    doc: 'reference_policies_elements_notprincipal',
  },
  {
    name: 'Principal in an identity policy',
    text: doc([{ ...idStmt, Principal: '*' }]),
    kind: 'identity',
    code: 'principal.forbidden',
    path: 'Statement[0].Principal',
    message: 'Policy document should not specify a principal.',
    doc: 'reference_policies_elements_principal: not in identity-based policies',
  },
  {
    name: 'NotPrincipal in a trust policy',
    text: doc([{ ...trustStmt, Principal: undefined, NotPrincipal: { AWS: '111122223333' } }]),
    kind: 'trust',
    code: 'principal.forbidden',
    path: 'Statement[0].NotPrincipal',
    message: 'Has prohibited field NotPrincipal',
    doc: 'reference_policies_elements_notprincipal: not allowed in role trust policies',
  },
  {
    name: 'NotPrincipal in a session policy',
    text: doc([{ ...idStmt, NotPrincipal: { AWS: '111122223333' } }]),
    kind: 'session',
    code: 'principal.forbidden',
    path: 'Statement[0].NotPrincipal',
    doc: 'reference_policies_elements_notprincipal: only in resource-based policies',
  },
  {
    name: 'malformed principal ARN',
    text: doc([{ ...trustStmt, Principal: { AWS: 'arn:aws::iam::111122223333:root' } }]),
    kind: 'trust',
    code: 'principal.invalid',
    path: 'Statement[0].Principal.AWS',
    message: 'Invalid principal in policy: "AWS":"arn:aws::iam::111122223333:root"',
    doc: 'reference_policies_elements_principal',
  },
  {
    name: 'wildcard inside a principal ARN',
    text: doc([{ ...trustStmt, Principal: { AWS: ['arn:aws:iam::111122223333:role/*'] } }]),
    kind: 'trust',
    code: 'principal.invalid',
    path: 'Statement[0].Principal.AWS[0]',
    doc: 'reference_policies_elements_principal: no partial wildcards',
  },
  {
    name: 'unknown principal type',
    text: doc([{ ...trustStmt, Principal: { Users: 'bob' } }]),
    kind: 'trust',
    code: 'principal.invalid',
    path: 'Statement[0].Principal.Users',
    doc: 'reference_policies_elements_principal: AWS, Federated, Service, CanonicalUser',
  },
  {
    name: 'Principal as a bare ARN string',
    text: doc([{ ...trustStmt, Principal: 'arn:aws:iam::111122223333:root' }]),
    kind: 'trust',
    code: 'principal.invalid',
    path: 'Statement[0].Principal',
    doc: 'reference_policies_elements_principal: a string principal can only be "*"',
  },
  {
    name: 'Condition not an object',
    text: doc([{ ...idStmt, Condition: ['StringEquals'] }]),
    code: 'condition.invalid',
    path: 'Statement[0].Condition',
    doc: 'reference_policies_elements_condition: operator map',
  },
  {
    name: 'unknown condition operator',
    text: doc([{ ...idStmt, Condition: { StringLikee: { 'aws:username': 'a' } } }]),
    code: 'condition.unknown_operator',
    path: 'Statement[0].Condition.StringLikee',
    message: 'Invalid Condition type : StringLikee',
    doc: 'IAM-21: unknown operator',
  },
  {
    name: 'NullIfExists',
    text: doc([{ ...idStmt, Condition: { NullIfExists: { 'aws:username': 'true' } } }]),
    code: 'condition.null_if_exists',
    path: 'Statement[0].Condition.NullIfExists',
    doc: 'IAM-09: NullIfExists is invalid (condition_operators: "except the Null condition")',
  },
  {
    name: 'condition key without vendor',
    text: doc([{ ...idStmt, Condition: { StringEquals: { username: 'a' } } }]),
    code: 'condition.invalid_key',
    path: 'Statement[0].Condition.StringEquals.username',
    doc: 'reference_policies_elements_condition: keys carry a service prefix',
  },
  {
    name: 'same key twice with different case',
    text: doc([
      { ...idStmt, Condition: { StringEquals: { 'aws:username': 'a', 'AWS:UserName': 'b' } } },
    ]),
    code: 'condition.duplicate_key',
    path: 'Statement[0].Condition.StringEquals.AWS:UserName',
    doc: 'access-analyzer: Duplicate keys with different case',
  },
  {
    name: 'condition value is an object',
    text: doc([{ ...idStmt, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }]),
    code: 'condition.invalid_value',
    path: 'Statement[0].Condition.StringEquals.aws:username',
    doc: 'reference_policies_grammar: condition values are strings, numbers or booleans',
  },
  {
    name: 'condition value is null',
    text: doc([{ ...idStmt, Condition: { StringEquals: { 'aws:username': [null] } } }]),
    code: 'condition.invalid_value',
    path: 'Statement[0].Condition.StringEquals.aws:username',
    doc: 'reference_policies_grammar',
  },
  {
    name: 'GitHub trust policy without a sub restriction',
    text: doc([
      {
        Effect: 'Allow',
        Principal: { Federated: GH },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${GH_HOST}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH_HOST}:sub`]: '*' },
        },
      },
    ]),
    kind: 'trust',
    oidcSubjectRequired: [GH_HOST],
    code: 'condition.subject_required',
    path: 'Statement[0].Condition',
    doc: 'IAM-18: AWS rejects GitHub trust policies without a non-* sub condition (opt-in)',
  },
]

describe('parsePolicy issues', () => {
  it.each(cases)('$name -> $code ($doc)', (c) => {
    const options = {
      ...(c.kind === undefined ? {} : { kind: c.kind }),
      ...(c.maxLength === undefined ? {} : { maxLength: c.maxLength }),
      ...(c.oidcSubjectRequired === undefined
        ? {}
        : { oidcSubjectRequired: c.oidcSubjectRequired }),
    }
    const r = parsePolicy(c.text, options)
    expect(r.ok).toBe(false)
    if (r.ok) return
    const found = r.issues.find((i) => i.code === c.code)
    expect(found, JSON.stringify(r.issues)).toBeDefined()
    expect(found?.path).toBe(c.path)
    if (c.message !== undefined) expect(found?.message).toBe(c.message)
  })

  it('covers every issue code', () => {
    const covered = new Set(cases.map((c) => c.code))
    expect(POLICY_ISSUE_CODES.filter((code) => !covered.has(code))).toEqual([])
  })

  it('reports all issues at once', () => {
    const r = parsePolicy(
      doc([
        { Effect: 'allow', Action: 'x', Resource: 'y', Principal: '*', Condition: { Foo: {} } },
      ]),
      { kind: 'identity' },
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.map((i) => i.code).sort()).toEqual(
      [
        'action.invalid',
        'condition.unknown_operator',
        'effect.invalid',
        'principal.forbidden',
        'resource.invalid',
      ].sort(),
    )
  })
})

describe('parsePolicy accepts what IAM accepts', () => {
  const ok: { name: string; text: string; kind?: PolicyKind; doc: string }[] = [
    {
      name: 'single statement object, no Version',
      text: JSON.stringify({ Statement: idStmt }),
      kind: 'identity',
      doc: 'reference_policies_elements_version: Version optional',
    },
    {
      name: '2008-10-17 with empty Sid',
      text: JSON.stringify({ Version: '2008-10-17', Statement: [{ ...trustStmt, Sid: '' }] }),
      kind: 'trust',
      doc: 'aws-wire 4.3: ListRoles sample trust policy',
    },
    {
      name: 'EKS IRSA trust policy',
      text: doc([
        {
          ...trustStmt,
          Condition: {
            StringEquals: {
              'oidc.example.com/id/ABC:sub': 'system:serviceaccount:default:my-sa',
              'oidc.example.com/id/ABC:aud': 'sts.amazonaws.com',
            },
          },
        },
      ]),
      kind: 'trust',
      doc: 'aws-wire 2.4: EKS trust policy form',
    },
    {
      name: 'trust with account, role, service and "*"',
      text: doc([
        {
          Effect: 'Allow',
          Principal: {
            AWS: ['111122223333', 'arn:aws:iam::111122223333:role/path/r', '*'],
            Service: 'ec2.amazonaws.com',
          },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ]),
      kind: 'trust',
      doc: 'reference_policies_elements_principal',
    },
    {
      name: 'resource policy with NotPrincipal and numeric/boolean condition values',
      text: doc([
        {
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::111122223333:user/bob' },
          Action: 's3:*',
          Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
          Condition: {
            NumericLessThan: { 's3:max-keys': 10 },
            Bool: { 'aws:SecureTransport': false },
          },
        },
      ]),
      kind: 'resource',
      doc: 'reference_policies_elements_notprincipal',
    },
    {
      name: 'every operator spelling with qualifiers and IfExists',
      text: doc([
        {
          ...idStmt,
          Condition: {
            'ForAllValues:StringLikeIfExists': { 'aws:TagKeys': ['a*'] },
            'ForAnyValue:StringEquals': { 'aws:TagKeys': 'b' },
            DateGreaterThanIfExists: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
            IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8::/32'] },
            ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:t' },
            Null: { 'aws:TokenIssueTime': 'true' },
            BinaryEquals: { 'x:bin': 'QmluYXJ5' },
          },
        },
      ]),
      kind: 'identity',
      doc: 'reference_policies_elements_condition_operators',
    },
    {
      name: 'empty action and resource lists',
      text: doc([{ Effect: 'Allow', Action: [], Resource: [] }]),
      kind: 'identity',
      doc: 'access-analyzer: empty arrays are suggestions, not errors',
    },
  ]
  it.each(ok)('$name ($doc)', ({ text, kind }) => {
    const r = parsePolicy(text, kind === undefined ? {} : { kind })
    expect(r.ok ? [] : r.issues).toEqual([])
  })

  it('returns the document and a compiled policy with the label', () => {
    const r = parsePolicy(doc([idStmt]), { kind: 'identity', label: 'inline:Read' })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.policy.label).toBe('inline:Read')
    expect(r.policy.kind).toBe('identity')
    expect(r.policy.version).toBe(V)
    expect(r.document).toEqual({ Version: V, Statement: [idStmt] })
    expect(r.policy.statements[0]?.ref).toEqual({
      policy: 'inline:Read',
      index: 0,
      effect: 'Allow',
    })
  })

  it('applies default size limits per kind, and 0 disables them', () => {
    const big = doc([idStmt], { Id: 'x'.repeat(AWS_POLICY_LIMITS.inline) })
    expect(parsePolicy(big, { kind: 'identity' }).ok).toBe(false)
    expect(parsePolicy(big, { kind: 'identity', maxLength: 0 }).ok).toBe(true)
    const justFits = JSON.stringify({ Statement: idStmt, Id: '' })
    const len = justFits.length
    expect(parsePolicy(justFits, { maxLength: len }).ok).toBe(true)
    expect(parsePolicy(justFits, { maxLength: len - 1 }).ok).toBe(false)
  })

  it('does not count white space towards the limit', () => {
    const spaced = JSON.stringify({ Statement: idStmt }, null, 8)
    const len = JSON.stringify({ Statement: idStmt }).length
    expect(parsePolicy(spaced, { maxLength: len }).ok).toBe(true)
  })
})

describe('IAM-18 subject restriction (opt-in)', () => {
  const ghTrust = (condition: unknown): string =>
    doc([
      {
        Effect: 'Allow',
        Principal: { Federated: GH },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ])
  const check = (text: string, hosts: string[] | null = [GH_HOST]) =>
    parsePolicy(
      text,
      hosts === null ? { kind: 'trust' } : { kind: 'trust', oidcSubjectRequired: hosts },
    )

  it.each([
    [
      'a pinned sub',
      { StringEquals: { [`${GH_HOST}:sub`]: 'repo:o/r:ref:refs/heads/main' } },
      true,
    ],
    ['a repo-wide sub', { StringLike: { [`${GH_HOST}:sub`]: 'repo:o/r:*' } }, true],
    [
      'a job_workflow_ref pin',
      {
        StringEquals: {
          [`${GH_HOST}:job_workflow_ref`]: 'o/r/.github/workflows/d.yml@refs/heads/main',
        },
      },
      true,
    ],
    [
      'only the first value is checked',
      { StringLike: { [`${GH_HOST}:sub`]: ['repo:o/r:*', '*'] } },
      true,
    ],
    ['sub = *', { StringLike: { [`${GH_HOST}:sub`]: '*' } }, false],
    [
      'a negated sub condition',
      { StringNotEquals: { [`${GH_HOST}:sub`]: 'repo:o/evil:*' } },
      false,
    ],
    ['no condition', undefined, false],
  ])('%s -> ok=%s', (_name, condition, ok) => {
    expect(check(ghTrust(condition)).ok).toBe(ok)
  })

  it('is off unless asked for, and only for the listed hosts', () => {
    expect(check(ghTrust(undefined), null).ok).toBe(true)
    expect(check(ghTrust(undefined), ['gitlab.com']).ok).toBe(true)
  })
})

describe('compilePolicy', () => {
  it('compiles a valid document with its label', () => {
    const p = compilePolicy({ Statement: idStmt } as PolicyDocument, { label: 'managed:X' })
    expect(p.label).toBe('managed:X')
    expect(p.statements).toHaveLength(1)
  })

  it('defaults the label to the kind', () => {
    const p = compilePolicy({ Version: V, Statement: [trustStmt] } as PolicyDocument, {
      kind: 'trust',
    })
    expect(p.label).toBe('trust')
  })

  it('throws policy.malformed for an invalid document', () => {
    try {
      compilePolicy({ Statement: { Effect: 'allow', Action: '*' } } as unknown as PolicyDocument)
      expect.unreachable()
    } catch (err) {
      expect(isLanyardError(err, 'policy.malformed')).toBe(true)
    }
  })
})
