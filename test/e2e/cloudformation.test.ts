import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { functionTemplate, LAMBDA_TRUST, NODE_HANDLER, PY_FAILING } from './cfn-templates.js'
import { awsCli, requireTool, startTestServer, type TestServer } from './harness.js'

/**
 * CloudFormation through the machine's `aws` CLI (plain HTTP): a Node.js Lambda-backed custom
 * resource whose handler calls STS with the unmodified AWS SDK and the role Lambda assumed; a
 * handler's FAILED answer rolling the stack back; a role Lambda may not assume; update with
 * replacement vs in place; change sets; stacks created concurrently.
 */
describe.runIf(requireTool('aws'))('cloudformation with the aws CLI', () => {
  let t: TestServer
  let work: string
  const cfn = (args: string[]) => awsCli(t, ['cloudformation', ...args])
  const file = (name: string, body: string) => {
    const path = join(work, name)
    writeFileSync(path, body)
    return `file://${path}`
  }
  const stack = async (name: string) => {
    const r = await cfn(['describe-stacks', '--stack-name', name])
    expect(r.stderr).toBe('')
    return JSON.parse(r.stdout).Stacks[0]
  }
  const settle = async (name: string) => {
    for (let i = 0; i < 600; i++) {
      const s = await stack(name)
      if (!s.StackStatus.endsWith('_IN_PROGRESS')) return s
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`${name} did not settle`)
  }
  const events = async (name: string) =>
    (
      JSON.parse((await cfn(['describe-stack-events', '--stack-name', name])).stdout)
        .StackEvents as {
        LogicalResourceId: string
        ResourceStatus: string
        ResourceStatusReason?: string
      }[]
    ).reverse()

  beforeAll(async () => {
    t = await startTestServer()
    work = mkdtempSync(join(tmpdir(), 'lanyard-cfn-'))
  })
  afterAll(async () => {
    await t?.close()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('a Node.js custom resource runs with its role and the unmodified SDK; Data readable with GetAtt', async () => {
    const created = await cfn([
      'create-stack',
      '--stack-name',
      'node',
      '--capabilities',
      'CAPABILITY_IAM',
      '--template-body',
      file('node.yml', functionTemplate('nodejs20.x', 'index.handler', NODE_HANDLER, '21')),
    ])
    expect(created.stderr).toBe('')
    const s = await settle('node')
    expect(s.StackStatus).toBe('CREATE_COMPLETE')
    const outputs = Object.fromEntries(
      (s.Outputs as { OutputKey: string; OutputValue: string }[]).map((o) => [
        o.OutputKey,
        o.OutputValue,
      ]),
    )
    expect(outputs.Doubled).toBe('42')
    expect(outputs.Id).toBe('node-21')
    const fn = JSON.parse(
      (
        await cfn([
          'describe-stack-resource',
          '--stack-name',
          'node',
          '--logical-resource-id',
          'Fn',
        ])
      ).stdout,
    )
    const roleName = JSON.parse(
      (
        await cfn([
          'describe-stack-resource',
          '--stack-name',
          'node',
          '--logical-resource-id',
          'FnRole',
        ])
      ).stdout,
    ).StackResourceDetail.PhysicalResourceId
    expect(outputs.Caller).toBe(
      `arn:aws:sts::${t.credentials.accountId}:assumed-role/${roleName}/${fn.StackResourceDetail.PhysicalResourceId}`,
    )
  }, 90_000)

  it('update-stack: a new PhysicalResourceId in the Update answer replaces the custom resource; the same template is no update', async () => {
    const body = functionTemplate('nodejs20.x', 'index.handler', NODE_HANDLER, '50')
    const r = await cfn([
      'update-stack',
      '--stack-name',
      'node',
      '--capabilities',
      'CAPABILITY_IAM',
      '--template-body',
      file('node2.yml', body),
    ])
    expect(r.stderr).toBe('')
    const s = await settle('node')
    expect(s.StackStatus).toBe('UPDATE_COMPLETE')
    expect(
      s.Outputs.find((o: { OutputKey: string }) => o.OutputKey === 'Doubled').OutputValue,
    ).toBe('100')
    expect(s.Outputs.find((o: { OutputKey: string }) => o.OutputKey === 'Id').OutputValue).toBe(
      'node-50',
    )
    // The custom resource answered with a new PhysicalResourceId: the old one was deleted at cleanup.
    const e = await events('node')
    const last = e.slice(
      e.findLastIndex(
        (x) => x.ResourceStatus === 'UPDATE_IN_PROGRESS' && x.LogicalResourceId === 'node',
      ),
    )
    expect(last.map((x) => `${x.LogicalResourceId} ${x.ResourceStatus}`)).toEqual([
      'node UPDATE_IN_PROGRESS',
      'Thing UPDATE_IN_PROGRESS',
      'Thing UPDATE_COMPLETE',
      'node UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'Thing DELETE_IN_PROGRESS',
      'Thing DELETE_COMPLETE',
      'node UPDATE_COMPLETE',
    ])
    const same = await cfn([
      'update-stack',
      '--stack-name',
      'node',
      '--capabilities',
      'CAPABILITY_IAM',
      '--template-body',
      file('node3.yml', body),
    ])
    expect(same.stderr.trim()).toBe(
      'An error occurred (ValidationError) when calling the UpdateStack operation: No updates are to be performed.',
    )
  }, 90_000)

  it('change sets: create, describe (replacement), execute', async () => {
    const body = functionTemplate('nodejs20.x', 'index.handler', NODE_HANDLER, '50').replace(
      '  FnRole:\n    Type: AWS::IAM::Role\n    Properties:\n',
      '  FnRole:\n    Type: AWS::IAM::Role\n    Properties:\n      Path: /moved/\n',
    )
    const moveRole = () =>
      cfn([
        'create-change-set',
        '--stack-name',
        'node',
        '--change-set-name',
        'move-role',
        '--capabilities',
        'CAPABILITY_IAM',
        '--template-body',
        file('node4.yml', body),
      ])
    const created = await moveRole()
    expect(created.stderr).toBe('')
    const { Id } = JSON.parse(created.stdout)
    expect(
      (await cfn(['wait', 'change-set-create-complete', '--change-set-name', Id])).status,
    ).toBe(0)
    const described = JSON.parse(
      (await cfn(['describe-change-set', '--change-set-name', Id])).stdout,
    )
    expect(described.Status).toBe('CREATE_COMPLETE')
    const changes = Object.fromEntries(
      (
        described.Changes as {
          ResourceChange: { LogicalResourceId: string; Action: string; Replacement?: string }
        }[]
      ).map((c) => [
        c.ResourceChange.LogicalResourceId,
        `${c.ResourceChange.Action}/${c.ResourceChange.Replacement}`,
      ]),
    )
    expect(changes).toEqual({ FnRole: 'Modify/True', Fn: 'Modify/False' })
    const listed = JSON.parse(
      (await cfn(['list-change-sets', '--stack-name', 'node'])).stdout,
    ).Summaries
    expect(listed.map((c: { ChangeSetName: string }) => c.ChangeSetName)).toEqual(['move-role'])
    expect((await cfn(['execute-change-set', '--change-set-name', Id])).stderr).toBe('')
    const s = await settle('node')
    expect(s.StackStatus).toBe('UPDATE_COMPLETE')
    const roles = JSON.parse((await awsCli(t, ['iam', 'list-roles'])).stdout).Roles as {
      Path: string
    }[]
    expect(roles.map((r) => r.Path)).toEqual(['/moved/'])
    // Settled together with the stack; then its name is free again, as in AWS (the same name
    // and template make a new change set that failed for want of changes).
    expect(
      JSON.parse((await cfn(['describe-change-set', '--change-set-name', Id])).stdout)
        .ExecutionStatus,
    ).toBe('EXECUTE_COMPLETE')
    const again = await moveRole()
    expect(again.stderr).toBe('')
    const reused = JSON.parse(
      (await cfn(['describe-change-set', '--stack-name', 'node', '--change-set-name', 'move-role']))
        .stdout,
    )
    expect(reused.ChangeSetId).toBe(JSON.parse(again.stdout).Id)
    expect(reused.ChangeSetId).not.toBe(Id)
    expect(reused.Status).toBe('FAILED')
    expect(reused.StatusReason).toBe(
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    )
  }, 90_000)

  it("a handler's FAILED answer rolls the stack back with its reason (and the resource gets a Delete)", async () => {
    const body = functionTemplate('python3.12', 'index.handler', PY_FAILING, '1').replace(
      /Outputs:[\s\S]*$/,
      '',
    )
    expect(
      (
        await cfn([
          'create-stack',
          '--stack-name',
          'fails',
          '--capabilities',
          'CAPABILITY_IAM',
          '--template-body',
          file('fails.yml', body),
        ])
      ).stderr,
    ).toBe('')
    const s = await settle('fails')
    expect(s.StackStatus).toBe('ROLLBACK_COMPLETE')
    const e = await events('fails')
    expect(e.find((x) => x.ResourceStatus === 'CREATE_FAILED')).toMatchObject({
      LogicalResourceId: 'Thing',
      ResourceStatusReason:
        'Received response status [FAILED] from custom resource. Message returned: the handler refused',
    })
    expect(e.find((x) => x.ResourceStatus === 'ROLLBACK_IN_PROGRESS')?.ResourceStatusReason).toBe(
      'The following resource(s) failed to create: [Thing]. Rollback requested by user.',
    )
    expect(
      e.filter((x) => x.ResourceStatus === 'DELETE_COMPLETE').map((x) => x.LogicalResourceId),
    ).toEqual(['Thing', 'Fn', 'FnRole'])
  }, 90_000)

  it("a role Lambda may not assume fails the function with Lambda's message", async () => {
    const ec2Trust = LAMBDA_TRUST.replace('lambda.amazonaws.com', 'ec2.amazonaws.com')
    const body = functionTemplate('python3.12', 'index.handler', PY_FAILING, '1', ec2Trust).replace(
      /Outputs:[\s\S]*$/,
      '',
    )
    await cfn([
      'create-stack',
      '--stack-name',
      'untrusted',
      '--capabilities',
      'CAPABILITY_IAM',
      '--template-body',
      file('untrusted.yml', body),
    ])
    expect((await settle('untrusted')).StackStatus).toBe('ROLLBACK_COMPLETE')
    const failed = (await events('untrusted')).find((x) => x.ResourceStatus === 'CREATE_FAILED')
    expect(failed?.LogicalResourceId).toBe('Fn')
    expect(failed?.ResourceStatusReason).toMatch(
      /^The role defined for the function cannot be assumed by Lambda\. \(Service: Lambda; Status Code: 400; Error Code: InvalidParameterValueException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    )
  }, 60_000)

  it('stacks created at the same time do not wait for each other', async () => {
    const body = `
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:${LAMBDA_TRUST}
`
    const path = file('par.yml', body)
    const names = ['p1', 'p2', 'p3']
    const results = await Promise.all(
      names.map((n) =>
        cfn([
          'create-stack',
          '--stack-name',
          n,
          '--capabilities',
          'CAPABILITY_IAM',
          '--template-body',
          path,
        ]),
      ),
    )
    for (const r of results) expect(r.stderr).toBe('')
    for (const n of names) expect((await settle(n)).StackStatus).toBe('CREATE_COMPLETE')
    await Promise.all(names.map((n) => cfn(['delete-stack', '--stack-name', n])))
    for (const n of names) {
      const w = await cfn(['wait', 'stack-delete-complete', '--stack-name', n])
      expect(w.status).toBe(0)
    }
  }, 120_000)

  it("a stack service role (--role-arn) acts with its own permissions, not the caller's", async () => {
    const trust = (service: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      })
    const acct = t.credentials.accountId
    for (const [name, service] of [
      ['cfn-exec', 'cloudformation.amazonaws.com'],
      ['not-for-cfn', 'ec2.amazonaws.com'],
    ] as const) {
      const r = await awsCli(t, [
        'iam',
        'create-role',
        '--role-name',
        name,
        '--assume-role-policy-document',
        trust(service),
      ])
      expect(r.stderr).toBe('')
    }
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${acct}:role/allowed-*` },
      ],
    })
    expect(
      (
        await awsCli(t, [
          'iam',
          'put-role-policy',
          '--role-name',
          'cfn-exec',
          '--policy-name',
          'p',
          '--policy-document',
          policy,
        ])
      ).stderr,
    ).toBe('')
    const body = (roleName: string) => `
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ${roleName}
      AssumeRolePolicyDocument:${LAMBDA_TRUST}
`
    const create = (stackName: string, roleName: string, roleArn: string) =>
      cfn([
        'create-stack',
        '--stack-name',
        stackName,
        '--capabilities',
        'CAPABILITY_NAMED_IAM',
        '--role-arn',
        roleArn,
        '--template-body',
        file(`${stackName}.yml`, body(roleName)),
      ])
    const exec = `arn:aws:iam::${acct}:role/cfn-exec`
    expect((await create('svc-ok', 'allowed-one', exec)).stderr).toBe('')
    expect((await settle('svc-ok')).StackStatus).toBe('CREATE_COMPLETE')
    expect((await create('svc-denied', 'forbidden-one', exec)).stderr).toBe('')
    expect((await settle('svc-denied')).StackStatus).toBe('ROLLBACK_COMPLETE')
    const failed = (await events('svc-denied')).find((e) => e.ResourceStatus === 'CREATE_FAILED')
    expect(failed?.ResourceStatusReason).toMatch(
      new RegExp(
        `^User: arn:aws:sts::${acct}:assumed-role/cfn-exec/AWSCloudFormation is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${acct}:role/forbidden-one because no identity-based policy allows the iam:CreateRole action \\(Service: AmazonIdentityManagement; Status Code: 403; Error Code: AccessDenied; Request ID: [0-9a-f-]{36}; Proxy: null\\)$`,
      ),
    )
    const refused = await create('svc-bad', 'allowed-two', `arn:aws:iam::${acct}:role/not-for-cfn`)
    expect(refused.stderr.trim()).toBe(
      `An error occurred (ValidationError) when calling the CreateStack operation: Role arn:aws:iam::${acct}:role/not-for-cfn is invalid or cannot be assumed`,
    )
  }, 90_000)

  it('aws cloudformation deploy (change set, waiters) creates, then updates, then has nothing to do', async () => {
    const body = `
Parameters:
  Description:
    Type: String
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      Description: !Ref Description
      AssumeRolePolicyDocument:${LAMBDA_TRUST}
Outputs:
  Name:
    Value: !Ref R
`
    const path = file('deploy.yml', body).replace('file://', '')
    const deploy = (value: string) =>
      awsCli(t, [
        'cloudformation',
        'deploy',
        '--stack-name',
        'deployed',
        '--template-file',
        path,
        '--capabilities',
        'CAPABILITY_IAM',
        '--parameter-overrides',
        `Description=${value}`,
      ])
    const first = await deploy('one')
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    expect((await stack('deployed')).StackStatus).toBe('CREATE_COMPLETE')
    const second = await deploy('two')
    expect(second.stderr).toBe('')
    expect(second.status).toBe(0)
    const s = await stack('deployed')
    expect(s.StackStatus).toBe('UPDATE_COMPLETE')
    const roleName = s.Outputs[0].OutputValue
    const role = JSON.parse(
      (await awsCli(t, ['iam', 'get-role', '--role-name', roleName])).stdout,
    ).Role
    expect(role.Description).toBe('two')
    // The AWS CLI fails an empty change set by default (--fail-on-empty-changeset).
    const third = await deploy('two')
    expect(third.status).toBe(255)
    expect(third.stdout + third.stderr).toContain('No changes to deploy')
  }, 180_000)

  it('validate-template and get-template-summary describe parameters and capabilities', async () => {
    const body = `
Description: demo
Parameters:
  Name:
    Type: String
    Default: x
    AllowedValues: [x, y]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref Name
      AssumeRolePolicyDocument:${LAMBDA_TRUST}
`
    const path = file('validate.yml', body)
    const v = JSON.parse((await cfn(['validate-template', '--template-body', path])).stdout)
    expect(v).toEqual({
      Parameters: [{ ParameterKey: 'Name', DefaultValue: 'x', NoEcho: false }],
      Description: 'demo',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      CapabilitiesReason: 'The following resource(s) require capabilities: [AWS::IAM::Role]',
      DeclaredTransforms: [],
    })
    const s = JSON.parse((await cfn(['get-template-summary', '--template-body', path])).stdout)
    expect(s.ResourceTypes).toEqual(['AWS::IAM::Role'])
    expect(s.Parameters[0].ParameterConstraints).toEqual({ AllowedValues: ['x', 'y'] })
    const bad = await cfn([
      'validate-template',
      '--template-body',
      file('bad.yml', 'Resources:\n  R:\n    Type: AWS::Foo::Bar\n'),
    ])
    expect(bad.stderr.trim()).toBe(
      'An error occurred (ValidationError) when calling the ValidateTemplate operation: Template format error: Unrecognized resource types: [AWS::Foo::Bar]',
    )
    const caps = await cfn(['create-stack', '--stack-name', 'nocaps', '--template-body', path])
    expect(caps.stderr.trim()).toBe(
      'An error occurred (InsufficientCapabilitiesException) when calling the CreateStack operation: Requires capabilities : [CAPABILITY_NAMED_IAM]',
    )
  })
})
