/** CloudFormation templates with Lambda-backed custom resources, for the e2e tests. */

export const LAMBDA_TRUST = `
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole`

export const NODE_HANDLER = `
const response = require('cfn-response')
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts')
exports.handler = async (event, context) => {
  if (event.RequestType === 'Delete') return response.send(event, context, response.SUCCESS, {})
  const me = await new STSClient({}).send(new GetCallerIdentityCommand({}))
  const value = event.ResourceProperties.Value
  await response.send(event, context, response.SUCCESS, { Caller: me.Arn, Doubled: String(Number(value) * 2) }, 'node-' + value)
}`

export const PY_FAILING = `
import cfnresponse
def handler(event, context):
  if event['RequestType'] == 'Delete':
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, event['PhysicalResourceId'])
  else:
    cfnresponse.send(event, context, cfnresponse.FAILED, {}, 'refused-1', reason='the handler refused')`

const indent = (code: string, n: number) =>
  code
    .trim()
    .split('\n')
    .map((l) => `${' '.repeat(n)}${l}`)
    .join('\n')

export const functionTemplate = (
  runtime: string,
  handler: string,
  code: string,
  value: string,
  trust = LAMBDA_TRUST,
) => `
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:${trust}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: ${runtime}
      Handler: ${handler}
      Role: !GetAtt FnRole.Arn
      Timeout: 30
      Code:
        ZipFile: |
${indent(code, 10)}
  Thing:
    Type: Custom::Thing
    Properties:
      ServiceToken: !GetAtt Fn.Arn
      Value: ${value}
Outputs:
  Doubled:
    Value: !GetAtt Thing.Doubled
  Caller:
    Value: !GetAtt Thing.Caller
  Id:
    Value: !Ref Thing
`
