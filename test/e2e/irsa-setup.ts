import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import type { TestServer } from './harness.js'

/**
 * A trust policy letting the provider's tokens assume a role when every `equals` holds (and,
 * when given, every `like` pattern matches).
 */
export function webIdentityTrust(
  providerArn: string,
  equals: Record<string, string>,
  like?: Record<string, string>,
): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: like ? { StringEquals: equals, StringLike: like } : { StringEquals: equals },
      },
    ],
  })
}

export interface IrsaSetup {
  issuer: string
  providerArn: string
  roleArn: string
}

/**
 * The tutorial's IRSA set-up through the real SDK clients: a cluster with its issuer, the IAM OIDC
 * provider for it, and a role trusting `system:serviceaccount:<subject>` (with an `aud`
 * condition unless told otherwise) and allowed the given actions.
 */
export async function setUpIrsa(
  t: Pick<TestServer, 'sdk'>,
  options: {
    cluster?: string
    roleName: string
    subject: string
    withAud?: boolean
    allow?: string[]
  },
): Promise<IrsaSetup> {
  const eks = new EKSClient(t.sdk)
  const iam = new IAMClient(t.sdk)
  const { cluster } = await eks.send(
    new CreateClusterCommand({ name: options.cluster ?? 'my-cluster' } as never),
  )
  const issuer = cluster?.identity?.oidc?.issuer as string
  const provider = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }),
  )
  const providerArn = provider.OpenIDConnectProviderArn as string
  const host = issuer.slice('https://'.length)
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: options.roleName,
      AssumeRolePolicyDocument: webIdentityTrust(providerArn, {
        [`${host}:sub`]: `system:serviceaccount:${options.subject}`,
        ...(options.withAud === false ? {} : { [`${host}:aud`]: 'sts.amazonaws.com' }),
      }),
    }),
  )
  if (options.allow && options.allow.length > 0) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: options.roleName,
        PolicyName: 'permissions',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: options.allow, Resource: '*' }],
        }),
      }),
    )
  }
  return { issuer, providerArn, roleArn: role.Role?.Arn as string }
}
