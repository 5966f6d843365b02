import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { mutatePod } from '../webhook/mutate-pod.js'
import { resolveWebhookConfig } from '../webhook/webhook-config.js'
import { readManifests } from './manifests.js'
import { preparePod } from './prepare-pod.js'

const fixture = (name: string) => ({
  name,
  text: readFileSync(new URL(`../../test/fixtures/pods/${name}`, import.meta.url), 'utf8'),
})
const ROLE = 'arn:aws:iam::123456789012:role/ClusterSelfDescribeRole'
const TOKEN_FILE = '/var/run/secrets/eks.amazonaws.com/serviceaccount/token'
const UID = '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11'
const config = resolveWebhookConfig({
  awsDefaultRegion: 'us-east-1',
  stsEndpointUrl: 'http://127.0.0.1:4566',
})

describe('preparePod', () => {
  it("admits the seed's pod exactly as the webhook's own mutatePod patches it", () => {
    const manifests = readManifests(
      [fixture('seed/service-account.yaml'), fixture('seed/pod.yaml')],
      'test',
    )
    const p = preparePod({ manifests, config, newUid: () => UID })
    expect(p).toMatchObject({ name: 'my-pod', namespace: 'test', uid: UID })
    expect(p.serviceAccountName).toBe('my-service-account')
    // The very same code as the webhook: same input, same patch.
    const pod = {
      ...manifests.pods[0],
      metadata: { ...manifests.pods[0]?.metadata, name: 'my-pod', uid: UID },
    }
    expect(p.mutation.patch).toEqual(
      mutatePod({
        pod: pod as never,
        serviceAccount: manifests.serviceAccounts[0],
        config,
        namespace: 'test',
      }).patch,
    )
    expect(p.pod.spec.volumes).toEqual([
      {
        name: 'aws-iam-token',
        projected: {
          sources: [
            {
              serviceAccountToken: {
                audience: 'sts.amazonaws.com',
                expirationSeconds: 86400,
                path: 'token',
              },
            },
          ],
        },
      },
    ])
    const c = p.pod.spec.containers[0]
    expect(c?.env).toEqual([
      { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
      { name: 'AWS_REGION', value: 'us-east-1' },
      { name: 'AWS_ROLE_ARN', value: ROLE },
      { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: TOKEN_FILE },
      { name: 'AWS_ENDPOINT_URL_STS', value: 'http://127.0.0.1:4566' },
    ])
    expect(c?.volumeMounts).toEqual([
      {
        name: 'aws-iam-token',
        readOnly: true,
        mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount',
      },
    ])
    expect(p.notices).toEqual([])
  })

  it('honours the pod token-expiration annotation (the node-sdk fixture asks for 600 s)', () => {
    const manifests = readManifests(
      [fixture('seed/service-account.yaml'), fixture('node-sdk/pod.yaml')],
      'test',
    )
    const p = preparePod({ manifests, config })
    const volume = p.pod.spec.volumes?.[0] as unknown as {
      projected: { sources: Array<{ serviceAccountToken: unknown }> }
    }
    expect(volume.projected.sources[0]?.serviceAccountToken).toMatchObject({
      expirationSeconds: 600,
    })
  })

  const pod = (extra = '') =>
    `kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, command: [true]}]\n${extra}`

  it('a missing default ServiceAccount is the unannotated one every namespace has', () => {
    const p = preparePod({ manifests: readManifests([{ name: 'p', text: pod() }]), config })
    expect(p.mutation.mutated).toBe(false)
    expect(p.pod.spec.volumes).toBeUndefined()
    expect(p.notices).toEqual([
      'service account `default` has no `eks.amazonaws.com/role-arn` annotation: the pod gets no AWS credentials',
    ])
  })

  it.each([
    ['no pod', 'kind: ServiceAccount\nmetadata: {name: a}\n', /the manifests hold no Pod/],
    ['two pods', `${pod()}---\n${pod().replace('name: p', 'name: q')}`, /hold 2 Pods \(`p`, `q`\)/],
    [
      'a named service account that is not given',
      pod('  serviceAccountName: app\n'),
      /service account `app` of namespace `default` is not among the manifests: pass its manifest with -f/,
    ],
    [
      'a service account in another namespace',
      `kind: ServiceAccount\nmetadata: {name: app, namespace: prod}\n---\n${pod('  serviceAccountName: app\n')}`,
      /is in namespace `prod` but the pod is in `default`/,
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(() => preparePod({ manifests: readManifests([{ name: 'x', text }]), config })).toThrow(
      message,
    )
  })

  it('names a generateName pod as the API server does', () => {
    const text = 'kind: Pod\nmetadata: {generateName: job-}\nspec: {containers: [{name: c}]}\n'
    const p = preparePod({
      manifests: readManifests([{ name: 'x', text }]),
      config,
      randomSuffix: () => 'x7k2q',
    })
    expect(p.name).toBe('job-x7k2q')
    expect(p.pod.metadata?.name).toBe('job-x7k2q')
  })
})
