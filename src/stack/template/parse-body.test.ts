// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings are data here
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../../errors.js'
import { parseTemplateBody } from './parse-body.js'

const parse = (yaml: string) => parseTemplateBody(`V: ${yaml}\n`) as { V: unknown }

describe('YAML short forms become the long form', () => {
  it.each([
    ['!Ref Name', { Ref: 'Name' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!GetAtt Role.Arn', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!GetAtt Db.Endpoint.Address', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }],
    ['!GetAtt [Role, Arn]', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!Sub "arn:${AWS::Partition}:x"', { 'Fn::Sub': 'arn:${AWS::Partition}:x' }],
    ['!Sub ["${A}-b", { A: !Ref P }]', { 'Fn::Sub': ['${A}-b', { A: { Ref: 'P' } }] }],
    ['!ImportValue Shared', { 'Fn::ImportValue': 'Shared' }],
    ['!ImportValue { "Fn::Sub": "${S}-x" }', { 'Fn::ImportValue': { 'Fn::Sub': '${S}-x' } }],
    ['!Join [":", [a, !Ref B]]', { 'Fn::Join': [':', ['a', { Ref: 'B' }]] }],
    ['!Select [0, !GetAZs ""]', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!If [C, a, !Ref AWS::NoValue]', { 'Fn::If': ['C', 'a', { Ref: 'AWS::NoValue' }] }],
    ['!Equals [!Ref Env, prod]', { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    [
      '!Or [!Condition A, !Not [!Condition B]]',
      { 'Fn::Or': [{ Condition: 'A' }, { 'Fn::Not': [{ Condition: 'B' }] }] },
    ],
    ['!Not [!Equals [a, b]]', { 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] }],
    [
      '!FindInMap [M, !Ref AWS::Region, Ami]',
      { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'Ami'] },
    ],
    ['!Base64 hello', { 'Fn::Base64': 'hello' }],
    ['!Base64 { "Fn::Sub": "x" }', { 'Fn::Base64': { 'Fn::Sub': 'x' } }],
    ['!Cidr ["10.0.0.0/16", 2, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }],
    ['!GetAZs us-east-1', { 'Fn::GetAZs': 'us-east-1' }],
    ['!GetAZs ""', { 'Fn::GetAZs': '' }],
  ])('%s', (yaml, expected) => {
    expect(parse(yaml).V).toEqual(expected)
  })

  it('keeps block scalars and the 1.2 core schema (a policy version stays text)', () => {
    const v = parseTemplateBody('A: !Sub |\n  x ${B}\n  y\nV: 2012-10-17\nN: 3\n')
    expect(v).toEqual({ A: { 'Fn::Sub': 'x ${B}\ny\n' }, V: '2012-10-17', N: 3 })
  })

  it('reads JSON when the body starts with {', () => {
    expect(parseTemplateBody(' {"Resources": {"A": {"Type": "T"}}}')).toEqual({
      Resources: { A: { Type: 'T' } },
    })
  })
})

describe('syntax errors as CloudFormation words them', () => {
  const cases: { name: string; body: string; message: string }[] = [
    {
      name: 'unterminated quote (the seed typo)',
      body: "A:\n  B: 1\n  C: '*\n",
      message: 'Template format error: YAML not well-formed. (line 4, column 1)',
    },
    {
      name: 'bad indentation',
      body: 'A:\n  B: 1\n C: 2\n',
      message: 'Template format error: YAML not well-formed. (line 3, column 1)',
    },
    {
      name: 'duplicate key',
      body: 'A: 1\nA: 2\n',
      message: 'Template format error: YAML not well-formed. (line 2, column 1)',
    },
    {
      name: 'unknown tag',
      body: 'A: !Reff B\n',
      message: 'Template format error: YAML not well-formed. (line 1, column 4)',
    },
    {
      name: 'JSON with a trailing comma',
      body: '{\n  "A": 1,\n}',
      message: 'Template format error: JSON not well-formed. (line 3, column 1)',
    },
  ]
  it.each(cases)('$name', ({ body, message }) => {
    let err: unknown
    try {
      parseTemplateBody(body)
    } catch (e) {
      err = e
    }
    expect(isLanyardError(err, 'request.validation')).toBe(true)
    expect((err as Error).message).toBe(message)
  })

  it('the seed cluster-iam-role.yml as printed fails at its unterminated quote', () => {
    const body = readFileSync('test/fixtures/seed/cluster-iam-role.yml', 'utf8')
    expect(() => parseTemplateBody(body)).toThrow(
      /^Template format error: YAML not well-formed\. \(line \d+, column \d+\)$/,
    )
    expect(() => parseTemplateBody(body.replace("Resource: '*\n", "Resource: '*'\n"))).not.toThrow()
  })
})
