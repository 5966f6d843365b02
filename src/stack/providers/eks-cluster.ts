import { ignoreMissing } from './iam-role.js'
import { changedProperties, resourceError, str } from './properties.js'
import type { ProviderContext, ResourceProvider } from './provider.js'

const clusterArn = (ctx: ProviderContext, name: string) =>
  `arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:cluster/${name}`

function tagsOf(v: unknown): Record<string, string> | undefined {
  if (!Array.isArray(v)) return undefined
  return Object.fromEntries(
    v.map((t) => [
      String((t as Record<string, unknown>).Key),
      String((t as Record<string, unknown>).Value),
    ]),
  )
}

/**
 * AWS::EKS::Cluster (aws-resource-eks-cluster): a Lanyard cluster (its own OIDC issuer and
 * signing key). `Ref` is the name; attributes `Arn`, `Endpoint` (Lanyard's URL: there is no
 * Kubernetes API server), `OpenIdConnectIssuerUrl`. Network, logging and encryption settings are
 * accepted and not modelled.
 */
export const eksClusterProvider: ResourceProvider = {
  type: 'AWS::EKS::Cluster',
  properties: {
    Name: { update: 'replace', type: 'String' },
    Version: { update: 'mutable', type: 'String' },
    RoleArn: { update: 'replace', type: 'String' },
    ResourcesVpcConfig: { update: 'mutable', type: 'Object' },
    KubernetesNetworkConfig: { update: 'replace', type: 'Object' },
    Logging: { update: 'mutable', type: 'Object' },
    EncryptionConfig: { update: 'replace', type: 'List' },
    AccessConfig: { update: 'mutable', type: 'Object' },
    BootstrapSelfManagedAddons: { update: 'replace', type: 'Boolean' },
    UpgradePolicy: { update: 'mutable', type: 'Object' },
    Tags: { update: 'mutable', type: 'List' },
  },
  attributes: [
    'Arn',
    'Endpoint',
    'OpenIdConnectIssuerUrl',
    'CertificateAuthorityData',
    'ClusterSecurityGroupId',
    'EncryptionConfigKeyArn',
    'Id',
  ],

  async create(ctx, p) {
    const name = str(p.Name) ?? ctx.physicalName(100)
    const arn = clusterArn(ctx, name)
    const tags = tagsOf(p.Tags)
    const roleArn = str(p.RoleArn)
    const version = str(p.Version)
    const cluster = await ctx.perform(
      { service: 'eks', action: 'CreateCluster', resource: arn, parameters: { name } },
      () =>
        ctx.eks.createCluster({
          name,
          ...(version !== undefined ? { version } : {}),
          ...(roleArn !== undefined ? { roleArn } : {}),
          ...(tags ? { tags } : {}),
        }),
    )
    const issuer = cluster.identity.oidc.issuer
    return {
      physicalId: name,
      attributes: {
        Arn: cluster.arn,
        Endpoint: new URL(issuer).origin,
        OpenIdConnectIssuerUrl: issuer,
        CertificateAuthorityData: '',
        ClusterSecurityGroupId: '',
        EncryptionConfigKeyArn: '',
        Id: issuer.slice(issuer.lastIndexOf('/') + 1),
      },
    }
  },

  async update(_ctx, name, p, old, attributes) {
    if (changedProperties(p, old).includes('Version'))
      throw resourceError('Lanyard cannot change the Kubernetes version of an existing cluster')
    return { physicalId: name, attributes }
  },

  async delete(ctx, name) {
    await ctx.perform(
      {
        service: 'eks',
        action: 'DeleteCluster',
        resource: clusterArn(ctx, name),
        parameters: { name },
      },
      () => ignoreMissing(() => ctx.eks.deleteCluster(name)),
    )
  },
}
