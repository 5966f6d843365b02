import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Pod as KubePod } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { applyJsonPatch } from './json-patch.js'
import { mutatePod } from './mutate-pod.js'
import type { JsonPatchOp, Pod, ServiceAccountInfo } from './types.js'
import { type ContainerCredentialsConfig, resolveWebhookConfig } from './webhook-config.js'

/**
 * The 24 Pod fixtures of aws/amazon-eks-pod-identity-webhook (`pkg/handler/testdata`, copied
 * unmodified with its LICENSE and NOTICE). Each Pod carries the expected JSONPatch and the test
 * set-up in `testing.eks.amazonaws.com/*` annotations, read here as upstream's
 * `handler_pod_test.go` reads them (`buildModifierFromPod`, `buildFakeCacheFromPod`,
 * `buildFakeConfigFromPod`, an always-zero random source).
 *
 * Upstream re-writes whole container arrays and Lanyard appends to them, so the patches are
 * compared by what they do: both are applied to the Pod and the results must be equal.
 */

const DIR = join(import.meta.dirname, '../../test/fixtures/webhook/amazon-eks-pod-identity-webhook')
const T = 'testing.eks.amazonaws.com/'

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? fixtureFiles(join(dir, e.name))
        : e.name.endsWith('.yaml')
          ? [join(dir, e.name)]
          : [],
    )
    .sort()
}

const VOLUME_MOUNT_FIELDS = [
  'name',
  'readOnly',
  'recursiveReadOnly',
  'mountPath',
  'subPath',
  'mountPropagation',
  'subPathExpr',
]

/**
 * What decoding into Go's `corev1.Container` and encoding back does to the fields these fixtures
 * use — the form the API server's own decoding gives a Pod before any webhook sees it:
 * `resources` is always present, unknown volume-mount fields are dropped and `mountPath` always
 * written, a gRPC probe's `service` is `null` when unset.
 */
function goRoundTrip(container: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...container, resources: container.resources ?? {} }
  if (Array.isArray(container.volumeMounts)) {
    out.volumeMounts = container.volumeMounts.map((m: Record<string, unknown>) => ({
      mountPath: '',
      ...Object.fromEntries(Object.entries(m).filter(([k]) => VOLUME_MOUNT_FIELDS.includes(k))),
    }))
  }
  const probe = container.readinessProbe as { grpc?: Record<string, unknown> } | undefined
  if (probe?.grpc && !('service' in probe.grpc)) {
    out.readinessProbe = { ...probe, grpc: { ...probe.grpc, service: null } }
  }
  return out
}

function asApiServerSends(pod: Pod): Pod {
  const spec = { ...pod.spec }
  spec.containers = spec.containers.map((c) => goRoundTrip(c) as Pod['spec']['containers'][0])
  if (spec.initContainers) {
    spec.initContainers = spec.initContainers.map(
      (c) => goRoundTrip(c) as Pod['spec']['containers'][0],
    )
  }
  return { ...pod, spec }
}

interface FixtureCase {
  name: string
  pod: Pod
  expectedPatch: JsonPatchOp[]
  serviceAccount: ServiceAccountInfo
  config: ReturnType<typeof resolveWebhookConfig>
}

function loadCase(file: string): FixtureCase {
  // sigs.k8s.io/yaml keeps the last of duplicate keys (rawPodWithInitContainer has two).
  const raw = parse(readFileSync(file, 'utf8'), { uniqueKeys: false }) as Pod
  const a = raw.metadata?.annotations ?? {}
  const get = (k: string) => (Object.hasOwn(a, T + k) ? a[T + k] : undefined)
  const first = (...keys: string[]) => keys.map(get).find((v) => v !== undefined)

  // buildFakeCacheFromPod: the ServiceAccount default/default with the test's annotations.
  const annotations: Record<string, string> = {}
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) annotations[`eks.amazonaws.com/${name}`] = value
  }
  set('role-arn', get('serviceAccount/roleArn'))
  set('audience', get('serviceAccount/audience'))
  set('sts-regional-endpoints', first('serviceAccount/sts-regional-endpoints', 'handler/injectSTS'))
  set('token-expiration', first('serviceAccount/token-expiration', 'handler/expiration'))

  // buildFakeConfigFromPod: container credentials for default/default when a URI is given.
  const uri = get('containercredentials/uri')
  const containerCredentials: ContainerCredentialsConfig | undefined =
    uri === undefined
      ? undefined
      : {
          fullUri: uri,
          audience: get('containercredentials/audience') ?? '',
          mountPath: get('containercredentials/mountPath') ?? '',
          volumeName: get('containercredentials/volumeName') ?? '',
          tokenPath: get('containercredentials/tokenPath') ?? '',
          identities: [{ namespace: 'default', serviceAccount: 'default' }],
        }

  const pod: Pod = {
    ...raw,
    metadata: { ...raw.metadata, namespace: 'default' },
    spec: { ...raw.spec, serviceAccountName: 'default' },
  }
  return {
    name: relative(DIR, file),
    pod: asApiServerSends(pod),
    expectedPatch: JSON.parse(get('expectedPatch') ?? '[]') as JsonPatchOp[],
    serviceAccount: { name: 'default', namespace: 'default', annotations },
    config: resolveWebhookConfig({
      tokenMountPath: get('handler/mountPath'),
      awsDefaultRegion: get('handler/region'),
      containerCredentials,
    }),
  }
}

const cases = fixtureFiles(join(DIR, 'pkg/handler/testdata')).map(loadCase)

describe('amazon-eks-pod-identity-webhook fixtures', () => {
  it('has all 24 upstream fixtures', () => {
    expect(cases).toHaveLength(24)
  })

  it.each(cases)('$name', (c) => {
    const result = mutatePod({
      pod: c.pod,
      serviceAccount: c.serviceAccount,
      config: c.config,
      namespace: 'default',
      randomInt: () => 0,
    })
    const expected = applyJsonPatch(c.pod, c.expectedPatch)
    const actual = applyJsonPatch(c.pod, result.patch)
    expect(actual).toEqual(expected)
    // Sanity: the expected patch changes these Pods, so an empty patch cannot pass.
    expect(expected).not.toEqual(c.pod)
    expect(result.mutated).toBe(true)
    expect(result.patch.every((op) => op.op === 'add')).toBe(true)
  })

  it.each(cases)('$name: the mutated Pod is valid against the Kubernetes schema', (c) => {
    const result = mutatePod({
      pod: c.pod,
      serviceAccount: c.serviceAccount,
      config: c.config,
      namespace: 'default',
      randomInt: () => 0,
    })
    const mutated = applyJsonPatch(c.pod, result.patch) as unknown as Record<string, unknown>
    // kubernetes-models validates offline against the published OpenAPI schema of core/v1 Pod.
    expect(() =>
      new KubePod({ ...mutated, apiVersion: 'v1', kind: 'Pod' } as never).validate(),
    ).not.toThrow()
  })

  it.each(cases)('$name: re-invocation on the mutated Pod gives an empty patch', (c) => {
    const input = { serviceAccount: c.serviceAccount, config: c.config, namespace: 'default' }
    const once = applyJsonPatch(
      c.pod,
      mutatePod({ ...input, pod: c.pod, randomInt: () => 0 }).patch,
    )
    const again = mutatePod({ ...input, pod: once, randomInt: () => 0 })
    expect(again.patch).toEqual([])
    expect(again.mutated).toBe(false)
    expect(again.skippedReason).toBe('up-to-date')
  })
})
