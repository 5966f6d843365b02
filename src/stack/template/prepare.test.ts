// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings are data here
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../../errors.js'
import { capabilitiesReason, requiredCapabilities } from './capabilities.js'
import { instantiate, loadTemplate } from './prepare.js'

const KNOWN = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::OIDCProvider',
  'AWS::Lambda::Function',
  'AWS::EKS::Cluster',
  'AWS::SQS::Queue',
])
const load = (body: string) => loadTemplate(body, { isKnownType: (t) => KNOWN.has(t) })
const pseudo = {
  accountId: '123456789012',
  region: 'us-east-1',
  stackName: 's',
  stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/x',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  notificationArns: [],
}
const json = (t: unknown) => JSON.stringify(t)
const q = { Type: 'AWS::SQS::Queue' }

function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (err) {
    if (isLanyardError(err)) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error('expected a failure')
}

describe('template checks before parameters (loadTemplate)', () => {
  it.each<[string, string, string]>([
    [
      'no Resources',
      json({ Parameters: {} }),
      'Template format error: At least one Resources member must be defined.',
    ],
    [
      'empty Resources',
      'Resources: {}\n',
      'Template format error: At least one Resources member must be defined.',
    ],
    [
      'not an object',
      '- a\n- b\n',
      'Template format error: not a valid template: the template must be a JSON or YAML object',
    ],
    [
      'unknown top-level key',
      json({ Resources: { Q: q }, Resourses: {} }),
      'Template format error: Invalid template property or properties [Resourses]',
    ],
    [
      'bad format version',
      json({ AWSTemplateFormatVersion: '2012-10-17', Resources: { Q: q } }),
      'Template format error: Unsupported AWSTemplateFormatVersion: 2012-10-17. Valid values are: 2010-09-09',
    ],
    [
      'Description not text',
      json({ Description: { a: 1 }, Resources: { Q: q } }),
      'Template format error: Description must be a string',
    ],
    [
      'resource without Type',
      json({ Resources: { Q: { Properties: {} } } }),
      'Template format error: [/Resources/Q] Every Resources object must contain a Type member.',
    ],
    [
      'misspelled resource attribute',
      json({ Resources: { Q: { ...q, Proprties: {} } } }),
      "Template format error: Invalid template resource property 'Proprties'",
    ],
    [
      'non-alphanumeric logical id',
      json({ Resources: { 'my-queue': q } }),
      'Template format error: Resource name my-queue is non alphanumeric.',
    ],
    [
      'bad DeletionPolicy',
      json({ Resources: { Q: { ...q, DeletionPolicy: 'Keep' } } }),
      'Template format error: Unrecognized DeletionPolicy Keep for resource Q',
    ],
    [
      'parameter without Type',
      json({ Parameters: { P: {} }, Resources: { Q: q } }),
      'Template format error: Every Parameters object must contain a Type member. (parameter P)',
    ],
    [
      'unknown parameter type',
      json({ Parameters: { P: { Type: 'Strin' } }, Resources: { Q: q } }),
      'Template format error: Unrecognized parameter type: Strin',
    ],
    [
      'output without Value',
      json({ Resources: { Q: q }, Outputs: { O: { Description: 'x' } } }),
      'Template format error: Every Outputs member must contain a Value object. (output O)',
    ],
    [
      'Transform',
      json({ Transform: 'AWS::Serverless-2016-10-31', Resources: { Q: q } }),
      'Template format error: Transform is not supported by Lanyard (no macros or AWS::Serverless)',
    ],
    [
      'DependsOn an unknown resource',
      'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    DependsOn: ClusterOIDC\n',
      'Template format error: Unresolved resource dependencies [ClusterOIDC] in the Resources block of the template',
    ],
    [
      'Ref of an unknown name',
      json({
        Resources: {
          Q: { ...q, Properties: { A: { Ref: 'VpcID' }, B: { 'Fn::Sub': '${Other}' } } },
        },
      }),
      'Template format error: Unresolved resource dependencies [VpcID, Other] in the Resources block of the template',
    ],
    [
      'GetAtt of an unknown resource',
      json({ Resources: { Q: { ...q, Properties: { A: { 'Fn::GetAtt': ['Nope', 'Arn'] } } } } }),
      'Template error: instance of Fn::GetAtt references undefined resource Nope',
    ],
    [
      'Sub attribute of an unknown resource',
      json({ Resources: { Q: { ...q, Properties: { A: { 'Fn::Sub': '${Nope.Arn}' } } } } }),
      'Template error: instance of Fn::GetAtt references undefined resource Nope',
    ],
    [
      'Ref of an unknown name in Outputs',
      json({ Resources: { Q: q }, Outputs: { O: { Value: { Ref: 'Nope' } } } }),
      'Template format error: Unresolved resource dependencies [Nope] in the Outputs block of the template',
    ],
    [
      'resource with an unknown condition',
      json({ Resources: { Q: { ...q, Condition: 'Nope' } } }),
      'Template format error: Unresolved condition dependencies [Nope] in the Resources block of the template',
    ],
    [
      'Fn::If with an unknown condition',
      json({ Resources: { Q: { ...q, Properties: { A: { 'Fn::If': ['Nope', 1, 2] } } } } }),
      'Template format error: Unresolved condition dependencies [Nope] in the Resources block of the template',
    ],
    [
      'condition referencing a resource',
      json({ Conditions: { C: { 'Fn::Equals': [{ Ref: 'Q' }, 'x'] } }, Resources: { Q: q } }),
      'Template format error: Unresolved dependencies [Q]. Cannot reference resources in the Conditions block of the template',
    ],
    [
      'circular dependency',
      json({
        Resources: {
          A: { ...q, DependsOn: 'B' },
          B: { ...q, Properties: { X: { 'Fn::GetAtt': ['A', 'Arn'] } } },
          C: q,
        },
      }),
      'Circular dependency between resources: [A, B]',
    ],
    [
      'self dependency is no cycle but a DependsOn on itself is',
      json({ Resources: { A: { ...q, DependsOn: ['B'] }, B: { ...q, DependsOn: ['A'] } } }),
      'Circular dependency between resources: [A, B]',
    ],
    [
      'unrecognized resource types',
      json({
        Resources: {
          A: { Type: 'AWS::Foo::Bar' },
          B: { Type: 'AWS::Foo::Bar' },
          C: { Type: 'AWS::S3::Bucket' },
        },
      }),
      'Template format error: Unrecognized resource types: [AWS::Foo::Bar, AWS::S3::Bucket]',
    ],
  ])('%s', (_name, body, message) => {
    expect(failure(() => load(body))).toEqual({ code: 'request.validation', message })
  })

  it('accepts custom resource types and both custom forms', () => {
    const t = load(
      json({
        Resources: {
          A: { Type: 'Custom::Thing' },
          B: { Type: 'AWS::CloudFormation::CustomResource' },
        },
      }),
    )
    expect([...t.template.resources.keys()]).toEqual(['A', 'B'])
  })
})

const withParams = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  load(json({ Parameters: parameters, Resources: { Q: q }, ...extra }))

describe('parameters (instantiate)', () => {
  const run = (
    params: Record<string, unknown>,
    given: { key: string; value?: string; usePreviousValue?: boolean }[],
    previous?: Map<string, string>,
  ) =>
    instantiate(withParams(params), {
      parameters: given,
      capabilities: [],
      pseudo,
      ...(previous ? { previousParameters: previous } : {}),
    })

  it.each<[string, Record<string, unknown>, { key: string; value?: string }[], string]>([
    [
      'missing values, in template order',
      {
        ClusterName: { Type: 'String' },
        Namespace: { Type: 'String' },
        ServiceAccount: { Type: 'String' },
      },
      [{ key: 'ServiceAccount', value: 'sa' }],
      'Parameters: [ClusterName, Namespace] must have values',
    ],
    [
      'unknown key',
      { A: { Type: 'String', Default: 'x' } },
      [{ key: 'B', value: 'y' }],
      'Parameters: [B] do not exist in the template',
    ],
    [
      'not an allowed value',
      { Env: { Type: 'String', AllowedValues: ['dev', 'prod'] } },
      [{ key: 'Env', value: 'test' }],
      "Parameter 'Env' must be one of AllowedValues",
    ],
    [
      'pattern',
      { Name: { Type: 'String', AllowedPattern: '[a-z]+' } },
      [{ key: 'Name', value: 'ab1' }],
      "Parameter 'Name' must match pattern [a-z]+",
    ],
    [
      'constraint description replaces the message',
      {
        Name: {
          Type: 'String',
          AllowedPattern: '[a-z]+',
          ConstraintDescription: 'lower-case letters only',
        },
      },
      [{ key: 'Name', value: 'A' }],
      'Parameter Name failed to satisfy constraint: lower-case letters only',
    ],
    [
      'MinLength',
      { Name: { Type: 'String', MinLength: 3 } },
      [{ key: 'Name', value: 'ab' }],
      "Parameter 'Name' must contain at least 3 characters",
    ],
    [
      'MaxLength',
      { Name: { Type: 'String', MaxLength: '2' } },
      [{ key: 'Name', value: 'abc' }],
      "Parameter 'Name' must contain at most 2 characters",
    ],
    [
      'Number that is not',
      { N: { Type: 'Number' } },
      [{ key: 'N', value: 'ten' }],
      "Parameter 'N' must be a number",
    ],
    [
      'MinValue',
      { N: { Type: 'Number', MinValue: 5 } },
      [{ key: 'N', value: '4' }],
      "Parameter 'N' must be a number not less than 5",
    ],
    [
      'MaxValue',
      { N: { Type: 'Number', MaxValue: 5 } },
      [{ key: 'N', value: '6' }],
      "Parameter 'N' must be a number not greater than 5",
    ],
    [
      'List<Number> element',
      { L: { Type: 'List<Number>' } },
      [{ key: 'L', value: '1,x' }],
      "Parameter 'L' must be a number",
    ],
    [
      'AllowedValues checks each list element',
      { L: { Type: 'CommaDelimitedList', AllowedValues: ['a', 'b'] } },
      [{ key: 'L', value: 'a,c' }],
      "Parameter 'L' must be one of AllowedValues",
    ],
  ])('%s', (_name, params, given, message) => {
    expect(failure(() => run(params, given))).toEqual({ code: 'request.validation', message })
  })

  it('refuses values for a template without parameters', () => {
    const t = load(json({ Resources: { Q: q } }))
    expect(
      failure(() =>
        instantiate(t, { parameters: [{ key: 'A', value: 'b' }], capabilities: [], pseudo }),
      ).message,
    ).toBe('Parameter values specified for a template which does not require them.')
  })

  it('takes given values, then previous values, then defaults; lists split on commas', () => {
    const s = run(
      {
        A: { Type: 'String', Default: 'da' },
        B: { Type: 'String', Default: 'db' },
        C: { Type: 'CommaDelimitedList' },
        D: { Type: 'Number', Default: 3 },
        E: { Type: 'List<AWS::EC2::Subnet::Id>', Default: ['s-1', 's-2'] },
      },
      [
        { key: 'A', value: 'ga' },
        { key: 'C', usePreviousValue: true },
      ],
      new Map([['C', 'x,y']]),
    )
    expect(Object.fromEntries(s.parameters)).toEqual({
      A: 'ga',
      B: 'db',
      C: ['x', 'y'],
      D: '3',
      E: ['s-1', 's-2'],
    })
    expect(s.rawParameters.get('E')).toBe('s-1,s-2')
  })
})

describe('capabilities', () => {
  const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } }
  const named = {
    Type: 'AWS::IAM::Role',
    Properties: { RoleName: 'r', AssumeRolePolicyDocument: {} },
  }
  it.each<[string, unknown, string[], string | undefined]>([
    [
      'IAM resource without acknowledgement',
      { R: role },
      [],
      'Requires capabilities : [CAPABILITY_IAM]',
    ],
    ['IAM resource with CAPABILITY_IAM', { R: role }, ['CAPABILITY_IAM'], undefined],
    [
      'IAM resource with CAPABILITY_NAMED_IAM only',
      { R: role },
      ['CAPABILITY_NAMED_IAM'],
      undefined,
    ],
    [
      'named IAM resource with CAPABILITY_IAM only',
      { R: named },
      ['CAPABILITY_IAM'],
      'Requires capabilities : [CAPABILITY_NAMED_IAM]',
    ],
    [
      'named IAM resource without acknowledgement',
      { R: named },
      [],
      'Requires capabilities : [CAPABILITY_NAMED_IAM]',
    ],
    [
      'named IAM resource with both',
      { R: named },
      ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      undefined,
    ],
    [
      'OIDC provider needs none',
      { P: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://x' } } },
      [],
      undefined,
    ],
  ])('%s', (_name, resources, capabilities, message) => {
    const t = load(json({ Resources: resources }))
    const run = () => instantiate(t, { parameters: [], capabilities, pseudo })
    if (message === undefined) expect(() => run()).not.toThrow()
    else expect(failure(run)).toEqual({ code: 'stack.insufficient_capabilities', message })
  })

  it('explains them as ValidateTemplate does', () => {
    const t = load(json({ Resources: { R: named, P: { Type: 'AWS::IAM::Policy' } } }))
    const r = requiredCapabilities(t.template)
    expect(r.capabilities).toEqual(['CAPABILITY_NAMED_IAM'])
    expect(capabilitiesReason(r)).toBe(
      'The following resource(s) require capabilities: [AWS::IAM::Role, AWS::IAM::Policy]',
    )
  })
})

describe('conditions and order', () => {
  const template = {
    Parameters: { Env: { Type: 'String', AllowedValues: ['dev', 'prod'] } },
    Conditions: {
      IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
      IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
      Both: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'IsDev' }] },
    },
    Resources: {
      C: { ...q, Properties: { A: { 'Fn::GetAtt': ['B', 'Arn'] } } },
      B: { ...q, Properties: { A: { Ref: 'A' } } },
      A: q,
      Big: { ...q, Condition: 'IsProd' },
    },
    Outputs: { O: { Value: { Ref: 'Big' }, Condition: 'IsProd' } },
  }
  it('evaluates conditions, drops resources and outputs whose condition is false, orders by dependency', () => {
    const t = load(json(template))
    const dev = instantiate(t, {
      parameters: [{ key: 'Env', value: 'dev' }],
      capabilities: [],
      pseudo,
    })
    expect(Object.fromEntries(dev.conditions)).toEqual({ IsProd: false, IsDev: true, Both: false })
    expect([...dev.resources.keys()]).toEqual(['C', 'B', 'A'])
    expect(dev.order).toEqual(['A', 'B', 'C'])
    expect(dev.outputs).toEqual([])
    const prod = instantiate(t, {
      parameters: [{ key: 'Env', value: 'prod' }],
      capabilities: [],
      pseudo,
    })
    expect(prod.order).toEqual(['A', 'Big', 'B', 'C'])
    expect(prod.outputs.map((o) => o.key)).toEqual(['O'])
  })

  it('a reference to a resource whose condition is false is unresolved', () => {
    const t = load(
      json({
        ...template,
        Resources: { ...template.Resources, D: { ...q, Properties: { X: { Ref: 'Big' } } } },
      }),
    )
    expect(
      failure(() =>
        instantiate(t, { parameters: [{ key: 'Env', value: 'dev' }], capabilities: [], pseudo }),
      ).message,
    ).toBe(
      'Template format error: Unresolved resource dependencies [Big] in the Resources block of the template',
    )
  })

  it('a cycle between conditions is refused', () => {
    const t = load(
      json({
        Conditions: {
          A: { 'Fn::Not': [{ Condition: 'B' }] },
          B: { 'Fn::Not': [{ Condition: 'A' }] },
        },
        Resources: { Q: q },
      }),
    )
    expect(
      failure(() => instantiate(t, { parameters: [], capabilities: [], pseudo })).message,
    ).toBe('Circular dependency between conditions: [A, B]')
  })
})

describe('the seed templates', () => {
  const oidc = readFileSync('test/fixtures/seed/cluster-oidc.yml', 'utf8')
  const role = readFileSync('test/fixtures/seed/cluster-iam-role.yml', 'utf8')
  const quoteFixed = role.replace("Resource: '*\n", "Resource: '*'\n")
  const bothFixed = quoteFixed.replace('    DependsOn: ClusterOIDC\n', '')

  it('cluster-oidc.yml: role, function, custom resource in dependency order; CAPABILITY_IAM', () => {
    const t = load(oidc)
    const s = instantiate(t, {
      parameters: [{ key: 'ClusterName', value: 'my-cluster' }],
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      pseudo,
    })
    expect(s.order).toEqual([
      'ClusterOIDCLambdaIAMRole',
      'ClusterOIDCLambdaFunction',
      'ClusterOIDC',
    ])
    expect(requiredCapabilities(t.template).capabilities).toEqual(['CAPABILITY_IAM'])
  })

  it('cluster-iam-role.yml: the quote, then the DependsOn, then the repeated --parameters', () => {
    expect(failure(() => load(role)).message).toMatch(
      /^Template format error: YAML not well-formed\./,
    )
    expect(failure(() => load(quoteFixed)).message).toBe(
      'Template format error: Unresolved resource dependencies [ClusterOIDC] in the Resources block of the template',
    )
    const t = load(bothFixed)
    expect(
      failure(() =>
        instantiate(t, {
          parameters: [{ key: 'ServiceAccount', value: 'my-service-account' }],
          capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
          pseudo,
        }),
      ).message,
    ).toBe('Parameters: [ClusterName, Namespace] must have values')
    expect(requiredCapabilities(t.template).capabilities).toEqual(['CAPABILITY_NAMED_IAM'])
  })
})
