import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { associateIamOidcProvider } from '../../src/cli/associate-provider.js'
import {
  awsCli,
  lanyardCli,
  requireTool,
  run,
  startTestServer,
  type TestServer,
} from './harness.js'

const ORIGINAL_OIDC = 'test/fixtures/seed/cluster-oidc.yml'
const ORIGINAL_ROLE = 'test/fixtures/seed/cluster-iam-role.yml'

/**
 * The seed tutorial end to end with the machine's `aws` CLI against Lanyard on HTTPS: the
 * OIDC-issuer stack (a Python Lambda-backed custom resource calling EKS with boto3), the role
 * stack's two typos and its repeated `--parameters`, the fixed role stack, the IRSA exchange with
 * the role it made, and deleting both stacks (the first refused while the second imports it).
 */
describe.runIf(requireTool('aws') && requireTool('jq'))(
  'seed tutorial through CloudFormation (HTTPS, aws CLI)',
  () => {
    let t: TestServer
    let iam: IAMClient
    let work: string
    let issuer: string

    const cfn = (args: string[]) => awsCli(t, ['cloudformation', ...args])
    const status = async (
      stack: string,
    ): Promise<{
      StackStatus: string
      StackStatusReason?: string
      Outputs?: { OutputKey: string; OutputValue: string; ExportName?: string }[]
    }> => {
      const r = await cfn(['describe-stacks', '--stack-name', stack])
      expect(r.stderr).toBe('')
      return JSON.parse(r.stdout).Stacks[0]
    }
    /** Polls until the stack leaves *_IN_PROGRESS (the CLI waiters poll every 30 s). */
    const settle = async (stack: string) => {
      for (let i = 0; i < 600; i++) {
        const s = await status(stack)
        if (!s.StackStatus.endsWith('_IN_PROGRESS')) return s
        await new Promise((r) => setTimeout(r, 200))
      }
      throw new Error(`${stack} did not settle`)
    }
    const token = async (serviceAccount: string) => {
      const r = await lanyardCli([
        'token',
        'create',
        '--namespace',
        'test',
        '--service-account',
        serviceAccount,
        '--data-dir',
        t.dataDir,
      ])
      expect(r.status).toBe(0)
      return r.stdout.trim()
    }

    beforeAll(async () => {
      t = await startTestServer({ tls: 'auto' })
      work = mkdtempSync(join(tmpdir(), 'lanyard-seed-'))
      const ca = readFileSync(t.server.caBundle as string)
      iam = new IAMClient({ ...t.sdk, requestHandler: { httpsAgent: new Agent({ ca }) } })
      const created = await lanyardCli(['cluster', 'create', 'my-cluster', '--data-dir', t.dataDir])
      expect(created.status).toBe(0)
      // eksctl utils associate-iam-oidc-provider --approve --cluster my-cluster
      await associateIamOidcProvider({
        cluster: 'my-cluster',
        approve: true,
        dataDir: t.dataDir,
        print: () => undefined,
      })
    }, 120_000)
    afterAll(async () => {
      await t?.close()
      if (work) rmSync(work, { recursive: true, force: true })
    })

    it('cluster-oidc.yml deploys with the seed command; its export holds the issuer without https://', async () => {
      const created = await cfn([
        'create-stack',
        '--template-body',
        `file://${ORIGINAL_OIDC}`,
        '--stack-name',
        'cluster-oidc',
        '--capabilities',
        'CAPABILITY_IAM',
        'CAPABILITY_NAMED_IAM',
        '--parameters',
        'ParameterKey=ClusterName,ParameterValue=my-cluster',
      ])
      expect(created.stderr).toBe('')
      expect(JSON.parse(created.stdout).StackId).toMatch(
        /^arn:aws:cloudformation:us-east-1:\d{12}:stack\/cluster-oidc\/[0-9a-f-]{36}$/,
      )
      const waited = await cfn(['wait', 'stack-create-complete', '--stack-name', 'cluster-oidc'])
      expect(waited.stderr).toBe('')
      expect(waited.status).toBe(0)
      const stack = await status('cluster-oidc')
      expect(stack.StackStatus).toBe('CREATE_COMPLETE')
      const eks = await awsCli(t, ['eks', 'describe-cluster', '--name', 'my-cluster'])
      issuer = String(JSON.parse(eks.stdout).cluster.identity.oidc.issuer).split(
        'https://',
      )[1] as string
      expect(stack.Outputs).toEqual([
        { OutputKey: 'ClusterOIDCIssuer', OutputValue: issuer, ExportName: 'my-clusterOIDCIssuer' },
      ])
      const exports = JSON.parse((await cfn(['list-exports'])).stdout).Exports
      expect(exports).toEqual([
        expect.objectContaining({ Name: 'my-clusterOIDCIssuer', Value: issuer }),
      ])
    }, 120_000)

    it('describe-stack-events tells the story, newest first', async () => {
      const r = await cfn(['describe-stack-events', '--stack-name', 'cluster-oidc'])
      expect(r.stderr).toBe('')
      const events = (
        JSON.parse(r.stdout).StackEvents as {
          LogicalResourceId: string
          ResourceStatus: string
          ResourceStatusReason?: string
        }[]
      )
        .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)
        .reverse()
      expect(events[0]).toBe('cluster-oidc CREATE_IN_PROGRESS')
      expect(events.at(-1)).toBe('cluster-oidc CREATE_COMPLETE')
      for (const id of ['ClusterOIDCLambdaIAMRole', 'ClusterOIDCLambdaFunction', 'ClusterOIDC'])
        expect(events).toContain(`${id} CREATE_COMPLETE`)
      expect(events.indexOf('ClusterOIDCLambdaFunction CREATE_COMPLETE')).toBeLessThan(
        events.indexOf('ClusterOIDC CREATE_IN_PROGRESS'),
      )
      const resources = JSON.parse(
        (await cfn(['list-stack-resources', '--stack-name', 'cluster-oidc'])).stdout,
      ).StackResourceSummaries as { LogicalResourceId: string; PhysicalResourceId: string }[]
      expect(resources.find((x) => x.LogicalResourceId === 'ClusterOIDC')?.PhysicalResourceId).toBe(
        'CustomResourcePhysicalID',
      )
    })

    it('cluster-iam-role.yml as printed fails on its unterminated quote', async () => {
      const r = await cfn([
        'create-stack',
        '--template-body',
        `file://${ORIGINAL_ROLE}`,
        '--stack-name',
        'cluster-iam-role',
        '--capabilities',
        'CAPABILITY_IAM',
        'CAPABILITY_NAMED_IAM',
        '--parameters',
        'ParameterKey=ClusterName,ParameterValue=my-cluster',
        'ParameterKey=Namespace,ParameterValue=test',
        'ParameterKey=ServiceAccount,ParameterValue=my-service-account',
      ])
      expect(r.status).not.toBe(0)
      expect(r.stderr.trim()).toMatch(
        /^An error occurred \(ValidationError\) when calling the CreateStack operation: Template format error: YAML not well-formed\. \(line \d+, column \d+\)$/,
      )
    })

    it("with the quote fixed, DependsOn on the other stack's resource is unresolved", async () => {
      const body = readFileSync(ORIGINAL_ROLE, 'utf8').replace("Resource: '*\n", "Resource: '*'\n")
      writeFileSync(join(work, 'quote-fixed.yml'), body)
      const r = await cfn([
        'create-stack',
        '--template-body',
        `file://${join(work, 'quote-fixed.yml')}`,
        '--stack-name',
        'cluster-iam-role',
        '--capabilities',
        'CAPABILITY_IAM',
        'CAPABILITY_NAMED_IAM',
        '--parameters',
        'ParameterKey=ClusterName,ParameterValue=my-cluster',
        'ParameterKey=Namespace,ParameterValue=test',
        'ParameterKey=ServiceAccount,ParameterValue=my-service-account',
      ])
      expect(r.stderr.trim()).toBe(
        'An error occurred (ValidationError) when calling the CreateStack operation: Template format error: Unresolved resource dependencies [ClusterOIDC] in the Resources block of the template',
      )
    })

    it('with both typos fixed, the seed command (repeated --parameters) misses two parameters', async () => {
      const body = readFileSync(ORIGINAL_ROLE, 'utf8')
        .replace("Resource: '*\n", "Resource: '*'\n")
        .replace('    DependsOn: ClusterOIDC\n', '')
      writeFileSync(join(work, 'cluster-iam-role.yml'), body)
      const r = await cfn([
        'create-stack',
        '--template-body',
        `file://${join(work, 'cluster-iam-role.yml')}`,
        '--stack-name',
        'cluster-iam-role',
        '--capabilities',
        'CAPABILITY_IAM',
        'CAPABILITY_NAMED_IAM',
        '--parameters',
        'ParameterKey=ClusterName,ParameterValue=my-cluster',
        '--parameters',
        'ParameterKey=Namespace,ParameterValue=test',
        '--parameters',
        'ParameterKey=ServiceAccount,ParameterValue=my-service-account',
      ])
      expect(r.stderr.trim()).toBe(
        'An error occurred (ValidationError) when calling the CreateStack operation: Parameters: [ClusterName, Namespace] must have values',
      )
    })

    it('lanyard stack plan and DescribeChangeSet show who gains access before anything changes', async () => {
      const path = join(work, 'cluster-iam-role.yml')
      const plan = await lanyardCli([
        'stack',
        'plan',
        '--stack-name',
        'cluster-iam-role',
        '--template-file',
        `file://${path}`,
        '--parameters',
        'ParameterKey=ClusterName,ParameterValue=my-cluster',
        'ParameterKey=Namespace,ParameterValue=test',
        'ParameterKey=ServiceAccount,ParameterValue=my-service-account',
        '--data-dir',
        t.dataDir,
      ])
      expect(plan.stderr).toBe('')
      const lines = plan.stdout.trim().split('\n')
      expect(lines.slice(0, 3)).toEqual([
        'Stack cluster-iam-role: create',
        'Resource changes:',
        '  + add      ClusterSelfDescribeRole (AWS::IAM::Role)',
      ])
      // The trust policy has no aud condition: the plan says so (and lints it).
      const gained = lines.find((l) =>
        l.startsWith(
          `  + service account my-service-account in namespace test of issuer ${issuer}`,
        ),
      )
      expect(gained).toMatch(/can now assume ClusterSelfDescribeRole$/)
      expect(lines).toContain('  + ClusterSelfDescribeRole → eks:DescribeCluster → *')
      expect(lines.some((l) => l.startsWith('  ! ClusterSelfDescribeRole: '))).toBe(true)

      const cs = await cfn([
        'create-change-set',
        '--stack-name',
        'cluster-iam-role',
        '--change-set-name',
        'review',
        '--change-set-type',
        'CREATE',
        '--template-body',
        `file://${path}`,
        '--capabilities',
        'CAPABILITY_NAMED_IAM',
        '--parameters',
        'ParameterKey=ClusterName,ParameterValue=my-cluster',
        'ParameterKey=Namespace,ParameterValue=test',
        'ParameterKey=ServiceAccount,ParameterValue=my-service-account',
      ])
      expect(cs.stderr).toBe('')
      const described = JSON.parse(
        (await cfn(['describe-change-set', '--change-set-name', JSON.parse(cs.stdout).Id])).stdout,
      )
      expect(described.StatusReason).toContain(gained?.trim())
      // Nothing was created; the review stack goes away with delete-stack.
      expect(
        JSON.parse((await awsCli(t, ['iam', 'list-roles'])).stdout).Roles.map(
          (r: { RoleName: string }) => r.RoleName,
        ),
      ).not.toContain('ClusterSelfDescribeRole')
      expect((await cfn(['delete-stack', '--stack-name', 'cluster-iam-role'])).stderr).toBe('')
      let gone = false
      for (let i = 0; i < 100 && !gone; i++) {
        const r = await cfn(['describe-stacks', '--stack-name', 'cluster-iam-role'])
        gone = r.stderr.includes('Stack with id cluster-iam-role does not exist')
        if (!gone) await new Promise((res) => setTimeout(res, 200))
      }
      expect(gone).toBe(true)
    }, 60_000)

    it('the fixed role stack deploys: trust names the provider and the sub condition, policy allows eks:DescribeCluster', async () => {
      const r = await cfn([
        'create-stack',
        '--template-body',
        `file://${join(work, 'cluster-iam-role.yml')}`,
        '--stack-name',
        'cluster-iam-role',
        '--capabilities',
        'CAPABILITY_IAM',
        'CAPABILITY_NAMED_IAM',
        '--parameters',
        'ParameterKey=ClusterName,ParameterValue=my-cluster',
        'ParameterKey=Namespace,ParameterValue=test',
        'ParameterKey=ServiceAccount,ParameterValue=my-service-account',
      ])
      expect(r.stderr).toBe('')
      expect((await settle('cluster-iam-role')).StackStatus).toBe('CREATE_COMPLETE')
      const role = await iam.send(new GetRoleCommand({ RoleName: 'ClusterSelfDescribeRole' }))
      const trust = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument as string))
      expect(trust.Statement[0]).toEqual({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${t.credentials.accountId}:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:test:my-service-account' },
        },
      })
      const inline = await iam.send(
        new GetRolePolicyCommand({
          RoleName: 'ClusterSelfDescribeRole',
          PolicyName: 'ClusterOIDCPolicy',
        }),
      )
      expect(JSON.parse(decodeURIComponent(inline.PolicyDocument as string)).Statement[0]).toEqual({
        Sid: 'AllowDescribeCluster',
        Effect: 'Allow',
        Action: ['eks:DescribeCluster'],
        Resource: '*',
      })
      const imports = JSON.parse(
        (await cfn(['list-imports', '--export-name', 'my-clusterOIDCIssuer'])).stdout,
      )
      expect(imports.Imports).toEqual(['cluster-iam-role'])
    }, 60_000)

    it('aws iam list-roles | jq prints its ARN', async () => {
      const r = await run(
        'sh',
        [
          '-c',
          `aws iam list-roles --output json | jq -r '.Roles | map(select(.RoleName == "ClusterSelfDescribeRole" )) | .[0].Arn'`,
        ],
        { env: t.env },
      )
      expect(r.stderr).toBe('')
      expect(r.stdout.trim()).toBe(
        `arn:aws:iam::${t.credentials.accountId}:role/ClusterSelfDescribeRole`,
      )
    })

    it('the service account exchanges its token and describes the cluster; another one is denied', async () => {
      const roleArn = `arn:aws:iam::${t.credentials.accountId}:role/ClusterSelfDescribeRole`
      const assume = (jwt: string) =>
        awsCli(t, [
          'sts',
          'assume-role-with-web-identity',
          '--role-arn',
          roleArn,
          '--role-session-name',
          'pod',
          '--web-identity-token',
          jwt,
        ])
      const ok = await assume(await token('my-service-account'))
      expect(ok.stderr).toBe('')
      const creds = JSON.parse(ok.stdout).Credentials
      const env = {
        ...t.env,
        AWS_ACCESS_KEY_ID: creds.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
        AWS_SESSION_TOKEN: creds.SessionToken,
      }
      const described = await awsCli(t, ['eks', 'describe-cluster', '--name', 'my-cluster'], env)
      expect(described.stderr).toBe('')
      expect(JSON.parse(described.stdout).cluster.name).toBe('my-cluster')
      const denied = await assume(await token('other-service-account'))
      expect(denied.status).not.toBe(0)
      expect(denied.stderr).toContain('(AccessDenied)')
    }, 60_000)

    it('delete-stack: the exporter is refused while imported, then both go and take everything', async () => {
      expect((await cfn(['delete-stack', '--stack-name', 'cluster-oidc'])).stderr).toBe('')
      const refused = await settle('cluster-oidc')
      expect(refused).toMatchObject({
        StackStatus: 'CREATE_COMPLETE',
        StackStatusReason:
          'Export my-clusterOIDCIssuer cannot be deleted as it is in use by cluster-iam-role',
      })
      expect((await cfn(['delete-stack', '--stack-name', 'cluster-iam-role'])).stderr).toBe('')
      const waited = await cfn([
        'wait',
        'stack-delete-complete',
        '--stack-name',
        'cluster-iam-role',
      ])
      expect(waited.status).toBe(0)
      expect((await cfn(['delete-stack', '--stack-name', 'cluster-oidc'])).stderr).toBe('')
      const gone = await cfn(['wait', 'stack-delete-complete', '--stack-name', 'cluster-oidc'])
      expect(gone.status).toBe(0)
      const roles = JSON.parse((await awsCli(t, ['iam', 'list-roles'])).stdout).Roles
      expect(roles).toEqual([])
      expect(JSON.parse((await cfn(['list-exports'])).stdout).Exports).toEqual([])
      const missing = await cfn(['describe-stacks', '--stack-name', 'cluster-oidc'])
      expect(missing.stderr.trim()).toBe(
        'An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id cluster-oidc does not exist',
      )
      const summaries = JSON.parse(
        (await cfn(['list-stacks', '--stack-status-filter', 'DELETE_COMPLETE'])).stdout,
      ).StackSummaries as { StackName: string }[]
      // The change set's review stack was deleted too.
      expect(summaries.map((s) => s.StackName).sort()).toEqual([
        'cluster-iam-role',
        'cluster-iam-role',
        'cluster-oidc',
      ])
    }, 180_000)
  },
)
