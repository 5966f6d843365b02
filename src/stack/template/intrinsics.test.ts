// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings are data here
import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../../errors.js'
import { cidrSubnets } from './cidr.js'
import { NO_VALUE, type ResolveContext, resolveValue } from './intrinsics.js'
import { parseSub } from './sub.js'

const pseudo = {
  accountId: '123456789012',
  region: 'eu-west-1',
  stackName: 'app',
  stackId:
    'arn:aws:cloudformation:eu-west-1:123456789012:stack/app/0e8d6d10-0000-4000-8000-000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  notificationArns: [],
}

const ctx: ResolveContext = {
  parameters: new Map<string, string | string[]>([
    ['Env', 'prod'],
    ['Count', '3'],
    ['Subnets', ['s-1', 's-2']],
    ['Index', '1'],
  ]),
  pseudo,
  mappings: { Regions: { 'eu-west-1': { Ami: 'ami-1', Zones: ['a', 'b'] } } },
  condition: (name) => {
    if (name === 'IsProd') return true
    if (name === 'IsDev') return false
    throw new Error(`no condition ${name}`)
  },
  resourceRef: (id) => `${id}-physical`,
  getAtt: (id, attr) => (attr === 'List' ? ['x', 'y'] : `${id}.${attr}`),
  importValue: (name) => `imported:${name}`,
}

describe('intrinsic functions', () => {
  it.each<[string, unknown, unknown]>([
    ['Ref parameter', { Ref: 'Env' }, 'prod'],
    ['Ref list parameter', { Ref: 'Subnets' }, ['s-1', 's-2']],
    ['Ref resource', { Ref: 'Bucket' }, 'Bucket-physical'],
    ['Ref AWS::AccountId', { Ref: 'AWS::AccountId' }, '123456789012'],
    ['Ref AWS::Region', { Ref: 'AWS::Region' }, 'eu-west-1'],
    ['Ref AWS::StackName', { Ref: 'AWS::StackName' }, 'app'],
    ['Ref AWS::StackId', { Ref: 'AWS::StackId' }, pseudo.stackId],
    ['Ref AWS::Partition', { Ref: 'AWS::Partition' }, 'aws'],
    ['Ref AWS::URLSuffix', { Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    ['Ref AWS::NotificationARNs', { Ref: 'AWS::NotificationARNs' }, []],
    ['Ref AWS::NoValue at top', { Ref: 'AWS::NoValue' }, NO_VALUE],
    ['AWS::NoValue removes a property', { A: 1, B: { Ref: 'AWS::NoValue' } }, { A: 1 }],
    ['AWS::NoValue removes a list element', ['a', { Ref: 'AWS::NoValue' }], ['a']],
    ['Fn::GetAtt list form', { 'Fn::GetAtt': ['Role', 'Arn'] }, 'Role.Arn'],
    ['Fn::GetAtt dotted string form', { 'Fn::GetAtt': 'Role.Arn' }, 'Role.Arn'],
    [
      'Fn::GetAtt nested attribute',
      { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
      'Db.Endpoint.Address',
    ],
    ['Fn::GetAtt attribute from Ref', { 'Fn::GetAtt': ['Role', { Ref: 'Env' }] }, 'Role.prod'],
    [
      'Fn::Sub pseudo',
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' },
      'arn:aws:iam::123456789012:root',
    ],
    ['Fn::Sub parameter and resource', { 'Fn::Sub': '${Env}-${Bucket}' }, 'prod-Bucket-physical'],
    ['Fn::Sub attribute', { 'Fn::Sub': '${Role.Arn}' }, 'Role.Arn'],
    ['Fn::Sub literal ${!x}', { 'Fn::Sub': '${!Literal}-${Env}' }, '${Literal}-prod'],
    ['Fn::Sub lone $', { 'Fn::Sub': 'cost $5 ${Env}' }, 'cost $5 prod'],
    ['Fn::Sub with variables', { 'Fn::Sub': ['${A}:${Env}', { A: { Ref: 'Count' } }] }, '3:prod'],
    ['Fn::Sub variable shadows a parameter', { 'Fn::Sub': ['${Env}', { Env: 'x' }] }, 'x'],
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'Env' }, 3]] }, 'a-prod-3'],
    ['Fn::Join a list function', { 'Fn::Join': [',', { Ref: 'Subnets' }] }, 's-1,s-2'],
    ['Fn::Join empty', { 'Fn::Join': ['', []] }, ''],
    ['Fn::Select', { 'Fn::Select': ['1', ['a', 'b', 'c']] }, 'b'],
    [
      'Fn::Select number index from Ref',
      { 'Fn::Select': [{ Ref: 'Index' }, { Ref: 'Subnets' }] },
      's-2',
    ],
    ['Fn::Select from Fn::GetAZs', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, 'eu-west-1a'],
    ['Fn::Split', { 'Fn::Split': [',', 'a,b,,c'] }, ['a', 'b', '', 'c']],
    ['Fn::Split then Select', { 'Fn::Select': [2, { 'Fn::Split': ['/', 'a/b/c'] }] }, 'c'],
    ['Fn::If true', { 'Fn::If': ['IsProd', 'big', 'small'] }, 'big'],
    ['Fn::If false', { 'Fn::If': ['IsDev', 'big', 'small'] }, 'small'],
    ['Fn::If NoValue branch', { P: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] } }, {}],
    ['Fn::Equals true', { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, true],
    ['Fn::Equals false', { 'Fn::Equals': ['a', 'b'] }, false],
    ['Fn::Equals number and text', { 'Fn::Equals': [{ Ref: 'Count' }, 3] }, true],
    ['Fn::And', { 'Fn::And': [{ 'Fn::Equals': ['a', 'a'] }, { 'Fn::Equals': ['b', 'b'] }] }, true],
    [
      'Fn::And false',
      { 'Fn::And': [{ 'Fn::Equals': ['a', 'a'] }, { 'Fn::Equals': ['a', 'b'] }] },
      false,
    ],
    ['Fn::Or', { 'Fn::Or': [{ 'Fn::Equals': ['a', 'b'] }, { 'Fn::Equals': ['b', 'b'] }] }, true],
    ['Fn::Not', { 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] }, true],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Ami'] }, 'ami-1'],
    [
      'Fn::FindInMap list value',
      { 'Fn::FindInMap': ['Regions', 'eu-west-1', 'Zones'] },
      ['a', 'b'],
    ],
    [
      'Fn::Base64',
      { 'Fn::Base64': { 'Fn::Sub': '#!/bin/sh ${Env}' } },
      Buffer.from('#!/bin/sh prod').toString('base64'),
    ],
    [
      'Fn::Cidr',
      { 'Fn::Cidr': ['10.0.0.0/16', 3, 8] },
      ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
    ],
    [
      'Fn::Cidr from strings',
      { 'Fn::Cidr': ['192.168.0.0/24', '2', '6'] },
      ['192.168.0.0/26', '192.168.0.64/26'],
    ],
    [
      'Fn::GetAZs empty is the stack region',
      { 'Fn::GetAZs': '' },
      ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    ],
    [
      'Fn::GetAZs Ref region',
      { 'Fn::GetAZs': { Ref: 'AWS::Region' } },
      ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    ],
    [
      'Fn::GetAZs named region',
      { 'Fn::GetAZs': 'us-east-2' },
      ['us-east-2a', 'us-east-2b', 'us-east-2c'],
    ],
    ['Fn::ImportValue', { 'Fn::ImportValue': { 'Fn::Sub': '${Env}-vpc' } }, 'imported:prod-vpc'],
    [
      'nested object',
      { Statement: [{ Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Env}/*' } }] },
      { Statement: [{ Resource: 'arn:aws:s3:::prod/*' }] },
    ],
    [
      'a two-key object is data, not a function',
      { Ref: 'Env', Other: 1 },
      { Ref: 'Env', Other: 1 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(resolveValue(input, ctx)).toEqual(expected)
  })
})

describe('intrinsic function errors', () => {
  it.each<[string, unknown, string]>([
    [
      'Ref not a string',
      { Ref: ['a'] },
      'Template format error: Every Ref object must have a single String value.',
    ],
    [
      'Ref unknown pseudo',
      { Ref: 'AWS::Nope' },
      'Template format error: Unresolved resource dependencies [AWS::Nope] in the Resources block of the template',
    ],
    [
      'GetAtt one part',
      { 'Fn::GetAtt': ['Role'] },
      'Template error: every Fn::GetAtt object requires two non-empty parameters',
    ],
    [
      'GetAtt empty attribute',
      { 'Fn::GetAtt': ['Role', ''] },
      'Template error: every Fn::GetAtt object requires two non-empty parameters',
    ],
    [
      'Join with one argument',
      { 'Fn::Join': ['-'] },
      'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
    ],
    [
      'Join of a string',
      { 'Fn::Join': ['-', 'abc'] },
      'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
    ],
    [
      'Join of objects',
      { 'Fn::Join': ['-', [{ A: 1 }]] },
      'Template error: every Fn::Join element must resolve to a string',
    ],
    [
      'Select out of range',
      { 'Fn::Select': [5, ['a']] },
      'Template error: Fn::Select cannot select nonexistent value at index 5',
    ],
    [
      'Select bad index',
      { 'Fn::Select': ['x', ['a']] },
      'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
    ],
    [
      'Split of a list',
      { 'Fn::Split': [',', ['a']] },
      'Template error: Fn::Split source must resolve to a string',
    ],
    [
      'Split with one argument',
      { 'Fn::Split': [','] },
      'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
    ],
    [
      'Sub bad variable name',
      { 'Fn::Sub': '${a-b}' },
      'Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons (found `a-b`)',
    ],
    [
      'Sub of a number',
      { 'Fn::Sub': 3 },
      "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
    ],
    [
      'Sub of a list parameter',
      { 'Fn::Sub': '${Subnets}' },
      'Template error: ${Subnets} must resolve to a string',
    ],
    [
      'If with two arguments',
      { 'Fn::If': ['IsProd', 'a'] },
      'Template error: every Fn::If object requires three parameters: a condition name, a value if true and a value if false',
    ],
    [
      'Equals with one argument',
      { 'Fn::Equals': ['a'] },
      'Template error: every Fn::Equals object requires a list of 2 string parameters.',
    ],
    [
      'And with one condition',
      { 'Fn::And': [true] },
      'Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters.',
    ],
    [
      'Or with eleven conditions',
      { 'Fn::Or': Array(11).fill(true) },
      'Template error: every Fn::Or object requires a list of at least 2 and at most 10 boolean parameters.',
    ],
    [
      'Not with a string',
      { 'Fn::Not': ['x'] },
      'Template error: every Fn::Not member must be a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition)',
    ],
    [
      'FindInMap unknown map',
      { 'Fn::FindInMap': ['Nope', 'a', 'b'] },
      "Template error: Mapping named 'Nope' is not present in the 'Mappings' section of template.",
    ],
    [
      'FindInMap unknown key',
      { 'Fn::FindInMap': ['Regions', 'us-east-1', 'Ami'] },
      'Template error: Unable to get mapping for Regions::us-east-1::Ami',
    ],
    [
      'FindInMap two arguments',
      { 'Fn::FindInMap': ['Regions', 'x'] },
      'Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value',
    ],
    [
      'Base64 of a list',
      { 'Fn::Base64': ['a'] },
      'Template error: every Fn::Base64 object requires a string parameter.',
    ],
    [
      'Cidr bad block',
      { 'Fn::Cidr': ['10.0.0.0', 1, 8] },
      'Template error: Fn::Cidr ip block `10.0.0.0` is not a valid CIDR',
    ],
    [
      'Cidr too many subnets',
      { 'Fn::Cidr': ['10.0.0.0/24', 5, 7] },
      'Template error: Fn::Cidr 10.0.0.0/24 holds fewer than 5 subnets of 7 bits',
    ],
    [
      'GetAZs of a list',
      { 'Fn::GetAZs': ['a'] },
      'Template error: every Fn::GetAZs object requires a string parameter (a region or an empty string)',
    ],
    [
      'ImportValue of a list',
      { 'Fn::ImportValue': ['a'] },
      'Template error: every Fn::ImportValue object requires a string parameter',
    ],
    [
      'unsupported function',
      { 'Fn::Length': [1] },
      'Template error: Encountered unsupported function: Fn::Length',
    ],
  ])('%s', (_name, input, message) => {
    let err: unknown
    try {
      resolveValue(input, ctx)
    } catch (e) {
      err = e
    }
    expect(isLanyardError(err, 'request.validation')).toBe(true)
    expect((err as Error).message).toBe(message)
  })

  it('Ref of an unknown name where resources cannot be referenced', () => {
    const { resourceRef: _, ...noResources } = ctx
    expect(() => resolveValue({ Ref: 'Nope' }, noResources)).toThrow(
      'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template',
    )
  })

  it('ImportValue without a resolver reports the missing export', () => {
    const { importValue: _, ...noImports } = ctx
    expect(() => resolveValue({ 'Fn::ImportValue': 'X' }, noImports)).toThrow(
      'No export named X found.',
    )
  })
})

describe('Fn::Sub parsing', () => {
  it.each([
    ['plain', 'abc', [{ literal: 'abc' }]],
    [
      'variables',
      'a${B}c${D.E}',
      [{ literal: 'a' }, { variable: 'B' }, { literal: 'c' }, { variable: 'D.E' }],
    ],
    ['escaped', '${!B}', [{ literal: '${B}' }]],
    ['pseudo', '${AWS::Region}', [{ variable: 'AWS::Region' }]],
    ['unclosed', 'a${b', [{ literal: 'a${b' }]],
  ])('%s', (_n, text, parts) => {
    expect(parseSub(text)).toEqual(parts)
  })
})

describe('Fn::Cidr', () => {
  it.each([
    ['IPv4 /16 into /24', '10.0.0.0/16', 2, 8, ['10.0.0.0/24', '10.0.1.0/24']],
    ['IPv4 host bits in the block are ignored', '10.0.5.7/16', 1, 8, ['10.0.0.0/24']],
    ['IPv6 /56 into /64', '2001:db8::/56', 2, 64, ['2001:db8::/64', '2001:db8:0:1::/64']],
  ])('%s', (_n, block, count, bits, expected) => {
    expect(cidrSubnets(block, count, bits)).toEqual(expected)
  })
})
