// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings are data here
import { describe, expect, it } from 'vitest'
import { engineKit, ROOT_ACTOR } from './test-kit.js'

const trust = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
}
const doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: '*' }],
}

const template = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources, ...extra })

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
  } catch (err) {
    const e = err as { code: string; message: string }
    return { code: e.code, message: e.message }
  }
  throw new Error('expected a failure')
}

describe('CreateStack', () => {
  it('answers with the StackId at once, then creates in dependency order and completes', async () => {
    const k = engineKit()
    const body = template(
      {
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: doc, Roles: [{ Ref: 'Role' }] },
        },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: trust,
            Policies: [{ PolicyName: 'inline', PolicyDocument: doc }],
          },
        },
        Provider: {
          Type: 'AWS::IAM::OIDCProvider',
          Properties: { Url: 'https://oidc.example.com/id/A', ClientIdList: ['sts.amazonaws.com'] },
        },
      },
      {
        Outputs: {
          RoleArn: {
            Value: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Export: { Name: { 'Fn::Sub': '${AWS::StackName}-role' } },
          },
          Provider: { Value: { Ref: 'Provider' } },
        },
      },
    )
    const { stackId } = await k.service.createStack(
      { stackName: 'app', templateBody: body, capabilities: ['CAPABILITY_IAM'] },
      ROOT_ACTOR,
    )
    expect(stackId).toMatch(
      /^arn:aws:cloudformation:us-east-1:123456789012:stack\/app\/[0-9a-f-]{36}$/,
    )
    expect((await k.service.describeStacks('app'))[0]?.status).toBe('CREATE_IN_PROGRESS')
    await k.service.idle()
    const [stack] = await k.service.describeStacks('app')
    expect(stack?.status).toBe('CREATE_COMPLETE')
    const roleName = (await k.service.describeStackResource('app', 'Role')).resource
      .physicalId as string
    expect(roleName).toMatch(/^app-Role-R\d{12}$/)
    expect(stack?.outputs).toEqual([
      {
        key: 'RoleArn',
        value: `arn:aws:iam::123456789012:role/${roleName}`,
        exportName: 'app-role',
      },
      { key: 'Provider', value: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/A' },
    ])
    expect(await k.service.listExports()).toEqual([
      { name: 'app-role', stackId, value: `arn:aws:iam::123456789012:role/${roleName}` },
    ])
    const policyArn = (await k.service.describeStackResource('app', 'Policy')).resource.physicalId
    expect((await k.iam.listAttachedRolePolicies(roleName)).items.map((a) => a.policyArn)).toEqual([
      policyArn,
    ])
    expect((await k.iam.listRolePolicies(roleName)).items).toEqual(['inline'])
    const events = (await k.service.describeStackEvents('app')).reverse()
    const order = events.map((e) => `${e.logicalResourceId}:${e.resourceStatus}`)
    expect(order[0]).toBe('app:CREATE_IN_PROGRESS')
    expect(events[0]?.resourceStatusReason).toBe('User Initiated')
    expect(order.at(-1)).toBe('app:CREATE_COMPLETE')
    expect(order.indexOf('Role:CREATE_COMPLETE')).toBeLessThan(
      order.indexOf('Policy:CREATE_IN_PROGRESS'),
    )
    expect(k.performed).toEqual(
      expect.arrayContaining([
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'iam:CreatePolicy',
        'iam:AttachRolePolicy',
        'iam:CreateOpenIDConnectProvider',
      ]),
    )
  })

  it.each<[string, Record<string, unknown>, { code: string; message: string }]>([
    [
      'an existing stack name',
      {},
      { code: 'entity.exists', message: 'Stack [dup] already exists' },
    ],
    [
      'a bad stack name',
      { stackName: 'bad_name' },
      {
        code: 'request.validation',
        message:
          "1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
      },
    ],
    [
      'no template',
      { templateBody: undefined },
      {
        code: 'request.validation',
        message: 'Either Template URL or Template Body must be specified.',
      },
    ],
    [
      'a TemplateURL',
      { templateBody: undefined, templateUrl: 'https://s3.amazonaws.com/b/t.yml' },
      {
        code: 'request.validation',
        message:
          'TemplateURL is not supported by Lanyard (there is no S3): send the template as TemplateBody',
      },
    ],
    [
      'missing capabilities',
      { capabilities: [] },
      {
        code: 'stack.insufficient_capabilities',
        message: 'Requires capabilities : [CAPABILITY_IAM]',
      },
    ],
    [
      'an unknown attribute',
      {
        templateBody: template(
          { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } } },
          { Outputs: { O: { Value: { 'Fn::GetAtt': ['R', 'Nope'] } } } },
        ),
      },
      {
        code: 'request.validation',
        message: 'Template error: resource R does not support attribute type Nope in Fn::GetAtt',
      },
    ],
  ])('refuses %s synchronously', async (_name, override, expected) => {
    const k = engineKit()
    const base = {
      stackName: 'dup',
      templateBody: template({
        R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
      }),
      capabilities: ['CAPABILITY_IAM'],
    }
    await k.service.createStack(base, ROOT_ACTOR)
    await k.service.idle()
    expect(await failure(k.service.createStack({ ...base, ...override }, ROOT_ACTOR))).toEqual(
      expected,
    )
  })

  it('rolls back what it created when a resource fails, leaving nothing behind', async () => {
    const k = engineKit()
    const body = template({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
      Provider: {
        Type: 'AWS::IAM::OIDCProvider',
        Properties: { Url: 'https://oidc.example.com/id/B' },
      },
      Bad: {
        Type: 'AWS::IAM::Policy',
        DependsOn: ['Role', 'Provider'],
        Properties: {
          PolicyName: 'p',
          PolicyDocument: doc,
          Roles: [{ Ref: 'Role' }],
          Colour: 'red',
        },
      },
    })
    await k.service.createStack(
      { stackName: 'rb', templateBody: body, capabilities: ['CAPABILITY_IAM'] },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const [stack] = await k.service.describeStacks('rb')
    expect(stack?.status).toBe('ROLLBACK_COMPLETE')
    const events = (await k.service.describeStackEvents('rb')).reverse()
    const failed = events.find((e) => e.resourceStatus === 'CREATE_FAILED')
    expect(failed).toMatchObject({
      logicalResourceId: 'Bad',
      resourceStatusReason: 'Encountered unsupported property Colour',
    })
    expect(
      events.find((e) => e.resourceStatus === 'ROLLBACK_IN_PROGRESS')?.resourceStatusReason,
    ).toBe('The following resource(s) failed to create: [Bad]. Rollback requested by user.')
    expect(
      events
        .filter((e) => e.resourceStatus === 'DELETE_COMPLETE')
        .map((e) => e.logicalResourceId)
        .sort(),
    ).toEqual(['Bad', 'Provider', 'Role'])
    expect((await k.iam.listRoles()).items).toEqual([])
    expect(await k.iam.listOidcProviders()).toEqual([])
  })

  it("a missing import fails the stack with CloudFormation's reason", async () => {
    const k = engineKit()
    const body = template({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: trust, Path: { 'Fn::ImportValue': 'nope' } },
      },
    })
    await k.service.createStack(
      { stackName: 'imp', templateBody: body, capabilities: ['CAPABILITY_IAM'] },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const events = (await k.service.describeStackEvents('imp')).map((e) => [
      e.resourceStatus,
      e.resourceStatusReason,
    ])
    expect(events).toEqual([
      ['ROLLBACK_COMPLETE', undefined],
      ['ROLLBACK_IN_PROGRESS', 'No export named nope found. Rollback requested by user.'],
      ['CREATE_IN_PROGRESS', 'User Initiated'],
    ])
  })

  it('DisableRollback keeps what was created (CREATE_FAILED)', async () => {
    const k = engineKit()
    const body = template({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
      Bad: { Type: 'AWS::IAM::Role', DependsOn: 'Role', Properties: {} },
    })
    await k.service.createStack(
      {
        stackName: 'keep',
        templateBody: body,
        capabilities: ['CAPABILITY_IAM'],
        disableRollback: true,
      },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const [stack] = await k.service.describeStacks('keep')
    expect(stack).toMatchObject({
      status: 'CREATE_FAILED',
      statusReason: 'The following resource(s) failed to create: [Bad]. ',
    })
    expect((await k.service.describeStackResource('keep', 'Bad')).resource.statusReason).toBe(
      'Property AssumeRolePolicyDocument cannot be empty.',
    )
    expect((await k.iam.listRoles()).items).toHaveLength(1)
  })

  it("an access denial of the caller fails the resource with the service's message", async () => {
    const k = engineKit({ deny: (action) => action === 'iam:CreateRole' })
    const body = template({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
    })
    await k.service.createStack(
      { stackName: 'deny', templateBody: body, capabilities: ['CAPABILITY_IAM'] },
      ROOT_ACTOR,
    )
    await k.service.idle()
    const failed = (await k.service.describeStackEvents('deny')).find(
      (e) => e.resourceStatus === 'CREATE_FAILED',
    )
    expect(failed?.resourceStatusReason).toBe('not authorized to perform iam:CreateRole')
    expect((await k.service.describeStackResource('deny', 'Role')).resource.status).toBe(
      'DELETE_COMPLETE',
    )
    expect((await k.service.describeStacks('deny'))[0]?.status).toBe('ROLLBACK_COMPLETE')
  })
})

describe('DeleteStack and exports', () => {
  const exporter = template(
    { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } } },
    {
      Outputs: {
        Arn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] }, Export: { Name: 'shared-arn' } },
      },
    },
  )
  const importer = template({
    Policy: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iam:GetRole',
              Resource: { 'Fn::ImportValue': 'shared-arn' },
            },
          ],
        },
      },
    },
  })

  it('refuses to delete an export in use, then deletes both in reverse order', async () => {
    const k = engineKit()
    await k.service.createStack(
      { stackName: 'first', templateBody: exporter, capabilities: ['CAPABILITY_IAM'] },
      ROOT_ACTOR,
    )
    await k.service.idle()
    await k.service.createStack(
      { stackName: 'second', templateBody: importer, capabilities: ['CAPABILITY_IAM'] },
      ROOT_ACTOR,
    )
    await k.service.idle()
    expect((await k.service.describeStacks('second'))[0]?.status).toBe('CREATE_COMPLETE')
    expect(await k.service.listImports('shared-arn')).toEqual(['second'])

    await k.service.deleteStack({ stackName: 'first' }, ROOT_ACTOR)
    await k.service.idle()
    expect((await k.service.describeStacks('first'))[0]).toMatchObject({
      status: 'CREATE_COMPLETE',
      statusReason: 'Export shared-arn cannot be deleted as it is in use by second',
    })
    expect((await k.iam.listRoles()).items).toHaveLength(1)

    await k.service.deleteStack({ stackName: 'second' }, ROOT_ACTOR)
    await k.service.idle()
    await k.service.deleteStack({ stackName: 'first' }, ROOT_ACTOR)
    await k.service.idle()
    expect(await failure(k.service.describeStacks('first'))).toEqual({
      code: 'request.validation',
      message: 'Stack with id first does not exist',
    })
    expect((await k.service.listStacks(['DELETE_COMPLETE'])).map((s) => s.stackName)).toEqual([
      'second',
      'first',
    ])
    expect((await k.iam.listRoles()).items).toEqual([])
    expect((await k.iam.listPolicies()).items).toEqual([])
    expect(await k.service.listExports()).toEqual([])
    // Deleted stacks stay describable by StackId, and deleting again succeeds.
    const [deleted] = await k.service.listStacks(['DELETE_COMPLETE'])
    expect((await k.service.describeStacks(deleted?.stackId))[0]?.status).toBe('DELETE_COMPLETE')
    await k.service.deleteStack({ stackName: 'first' }, ROOT_ACTOR)
  })

  it('runs operations on different stacks concurrently', async () => {
    const k = engineKit()
    const names = ['c1', 'c2', 'c3', 'c4']
    await Promise.all(
      names.map((stackName) =>
        k.service.createStack(
          {
            stackName,
            templateBody: template({
              Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
            }),
            capabilities: ['CAPABILITY_IAM'],
          },
          ROOT_ACTOR,
        ),
      ),
    )
    await k.service.idle()
    for (const n of names)
      expect((await k.service.describeStacks(n))[0]?.status).toBe('CREATE_COMPLETE')
    await Promise.all(names.map((stackName) => k.service.deleteStack({ stackName }, ROOT_ACTOR)))
    await k.service.idle()
    expect((await k.iam.listRoles()).items).toEqual([])
    expect(k.errors).toEqual([])
  })
})
