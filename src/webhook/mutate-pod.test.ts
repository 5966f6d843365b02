import { describe, expect, it } from 'vitest'
import { applyJsonPatch } from './json-patch.js'
import { type MutatePodInput, mutatePod } from './mutate-pod.js'
import type { Container, Pod, ServiceAccountInfo } from './types.js'
import { DEFAULT_CONTAINER_CREDENTIALS, resolveWebhookConfig } from './webhook-config.js'

const ROLE = 'arn:aws:iam::111122223333:role/s3-reader'
const LANYARD_STS = 'https://lanyard.lanyard-system.svc:8080'
const TOKEN_FILE = '/var/run/secrets/eks.amazonaws.com/serviceaccount/token'

const sa = (annotations: Record<string, string> = {}): ServiceAccountInfo => ({
  name: 'app',
  namespace: 'team-a',
  annotations: { 'eks.amazonaws.com/role-arn': ROLE, ...annotations },
})

const pod = (containers: Container[], extra: Partial<Pod['spec']> = {}, meta = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team-a', ...meta },
  spec: { serviceAccountName: 'app', containers, ...extra },
})

function run(input: Partial<MutatePodInput> & { pod: Pod }) {
  const full: MutatePodInput = {
    serviceAccount: sa(),
    config: resolveWebhookConfig(),
    ...input,
  }
  const result = mutatePod(full)
  return { result, after: applyJsonPatch(full.pod, result.patch) }
}

const envOf = (p: Pod, i = 0) =>
  Object.fromEntries((p.spec.containers[i]?.env ?? []).map((e) => [e.name, e.value]))
type Projected = { projected: { sources: [{ serviceAccountToken: Record<string, unknown> }] } }
function tokenSource(p: Pod, name = 'aws-iam-token'): Record<string, unknown> {
  const volume = p.spec.volumes?.find((v) => v.name === name) as Projected | undefined
  if (!volume) throw new Error(`no volume ${name}`)
  return volume.projected.sources[0].serviceAccountToken
}

describe('mutatePod: patches that apply under strict RFC 6902', () => {
  it('creates missing env, volumeMounts and volumes arrays', () => {
    const { result, after } = run({ pod: pod([{ name: 'app', image: 'x' }]) })
    expect(result.patch).toEqual([
      expect.objectContaining({ op: 'add', path: '/spec/volumes' }),
      expect.objectContaining({ op: 'add', path: '/spec/containers/0/env' }),
      expect.objectContaining({ op: 'add', path: '/spec/containers/0/volumeMounts' }),
    ])
    expect(envOf(after)).toEqual({ AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_TOKEN_FILE: TOKEN_FILE })
    expect(after.spec.containers[0]?.volumeMounts).toEqual([
      {
        name: 'aws-iam-token',
        readOnly: true,
        mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount',
      },
    ])
    expect(tokenSource(after)).toEqual({
      audience: 'sts.amazonaws.com',
      expirationSeconds: 86400,
      path: 'token',
    })
  })

  it('replaces null arrays and appends to existing ones without touching other entries', () => {
    const { result, after } = run({
      pod: pod(
        [
          { name: 'a', env: null, volumeMounts: null },
          {
            name: 'b',
            env: [{ name: 'X', value: '1' }],
            volumeMounts: [{ name: 'v', mountPath: '/v' }],
          },
        ],
        { volumes: null },
      ),
    })
    expect(result.patch.map((op) => op.path)).toEqual([
      '/spec/volumes',
      '/spec/containers/0/env',
      '/spec/containers/0/volumeMounts',
      '/spec/containers/1/env/-',
      '/spec/containers/1/env/-',
      '/spec/containers/1/volumeMounts/-',
    ])
    expect(after.spec.containers[1]?.env?.[0]).toEqual({ name: 'X', value: '1' })
    expect(after.spec.containers[1]?.volumeMounts?.map((m) => m.name)).toEqual([
      'v',
      'aws-iam-token',
    ])
  })

  it('prepends the token volume to existing volumes', () => {
    const { after } = run({
      pod: pod([{ name: 'a' }], { volumes: [{ name: 'data', emptyDir: {} }] }),
    })
    expect(after.spec.volumes?.map((v) => v.name)).toEqual(['aws-iam-token', 'data'])
  })

  it('keeps fields it does not know', () => {
    const { after } = run({
      pod: pod([{ name: 'a', image: 'x', ports: [{ containerPort: 80 }], futureField: { z: 1 } }], {
        hostNetwork: true,
      }),
    })
    expect(after.spec.containers[0]).toMatchObject({
      ports: [{ containerPort: 80 }],
      futureField: { z: 1 },
    })
    expect(after.spec.hostNetwork).toBe(true)
  })
})

describe('mutatePod: Lanyard STS endpoint (AWS_ENDPOINT_URL_STS)', () => {
  const config = resolveWebhookConfig({
    stsEndpointUrl: LANYARD_STS,
    awsDefaultRegion: 'us-east-1',
  })

  it('is injected after the web-identity variables', () => {
    const { after } = run({ pod: pod([{ name: 'a' }]), config })
    expect(after.spec.containers[0]?.env?.map((e) => e.name)).toEqual([
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'AWS_ROLE_ARN',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_ENDPOINT_URL_STS',
    ])
    expect(envOf(after).AWS_ENDPOINT_URL_STS).toBe(LANYARD_STS)
  })

  it('is not injected when the container sets it', () => {
    const { after } = run({
      pod: pod([{ name: 'a', env: [{ name: 'AWS_ENDPOINT_URL_STS', value: 'http://mine' }] }]),
      config,
    })
    expect(after.spec.containers[0]?.env?.filter((e) => e.name === 'AWS_ENDPOINT_URL_STS')).toEqual(
      [{ name: 'AWS_ENDPOINT_URL_STS', value: 'http://mine' }],
    )
  })

  it('counts as a group for the "already has everything" rule', () => {
    const complete = [
      { name: 'AWS_ROLE_ARN', value: 'mine' },
      { name: 'AWS_REGION', value: 'eu-west-1' },
      { name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' },
    ]
    // Without the endpoint the container gets it (and the mount); with it, nothing.
    const partial = run({ pod: pod([{ name: 'a', env: complete }]), config })
    expect(envOf(partial.after)).toMatchObject({
      AWS_ENDPOINT_URL_STS: LANYARD_STS,
      AWS_ROLE_ARN: 'mine',
    })
    const full = run({
      pod: pod([{ name: 'a', env: [...complete, { name: 'AWS_ENDPOINT_URL_STS', value: 'x' }] }]),
      config,
    })
    expect(full.after.spec.containers[0]?.volumeMounts).toBeUndefined()
  })

  it('is not injected in container-credentials mode', () => {
    const { after } = run({
      pod: pod([{ name: 'a' }]),
      config: resolveWebhookConfig({
        stsEndpointUrl: LANYARD_STS,
        containerCredentials: {
          ...DEFAULT_CONTAINER_CREDENTIALS,
          identities: [{ namespace: 'team-a', serviceAccount: 'app' }],
        },
      }),
      randomInt: () => 7,
    })
    expect(Object.keys(envOf(after))).toEqual([
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
    ])
    expect(after.metadata?.labels).toEqual({ 'eks.amazonaws.com/pod-identity': 'enabled' })
    const source = tokenSource(after, 'eks-pod-identity-token')
    expect(source).toEqual({
      audience: 'pods.eks.amazonaws.com',
      expirationSeconds: 79207,
      path: 'eks-pod-identity-token',
    })
  })

  it('re-invocation gives an empty patch', () => {
    const first = run({ pod: pod([{ name: 'a' }, { name: 'b', env: [] }], {}, {}), config })
    const again = mutatePod({ pod: first.after, serviceAccount: sa(), config })
    expect(again).toMatchObject({ patch: [], mutated: false, skippedReason: 'up-to-date' })
  })
})

describe('mutatePod: annotations', () => {
  it.each([
    ['"0" is raised to 600', '0', 600],
    ['negative is raised to 600', '-5', 600],
    ['valid', '3600', 3600],
    ['above 2^32 is lowered to 2^32', '99999999999', 2 ** 32],
    ['beyond int64 keeps the ServiceAccount value', '9223372036854775808', 7200],
    ['not a number keeps the ServiceAccount value', '1h', 7200],
    ['spaces are not a number', ' 3600', 7200],
  ])('Pod token-expiration: %s', (_name, value, expected) => {
    const { after } = run({
      pod: pod(
        [{ name: 'a' }],
        {},
        { annotations: { 'eks.amazonaws.com/token-expiration': value } },
      ),
      serviceAccount: sa({ 'eks.amazonaws.com/token-expiration': '7200' }),
    })
    expect(tokenSource(after).expirationSeconds).toBe(expected)
  })

  it.each([
    [
      'ServiceAccount expiration under the minimum',
      { 'eks.amazonaws.com/token-expiration': '60' },
      600,
    ],
    [
      'ServiceAccount expiration unparsable → flag',
      { 'eks.amazonaws.com/token-expiration': 'x' },
      4000,
    ],
  ])('%s', (_name, annotations, expected) => {
    const { after } = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: sa(annotations),
      config: resolveWebhookConfig({ tokenExpiration: 4000 }),
    })
    expect(tokenSource(after).expirationSeconds).toBe(expected)
  })

  it('the flag expiration is clamped when resolving the config', () => {
    expect(resolveWebhookConfig({ tokenExpiration: 10 }).tokenExpiration).toBe(600)
  })

  it.each([
    ['true', true, true],
    ['false', true, false],
    ['1', false, true],
    ['yes (unparsable: flag wins)', true, true],
    ['yes (unparsable: flag wins) ', false, false],
  ])('sts-regional-endpoints %s with flag %s', (value, flag, injected) => {
    const { after } = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: sa({
        'eks.amazonaws.com/sts-regional-endpoints': value.split(' ')[0] as string,
      }),
      config: resolveWebhookConfig({ stsRegionalEndpoint: flag }),
    })
    expect(envOf(after).AWS_STS_REGIONAL_ENDPOINTS).toBe(injected ? 'regional' : undefined)
  })

  it('audience annotation overrides the flag; an empty one leaves the field out', () => {
    const custom = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: sa({ 'eks.amazonaws.com/audience': 'lanyard' }),
      config: resolveWebhookConfig({ tokenAudience: 'flag-aud' }),
    })
    expect(tokenSource(custom.after).audience).toBe('lanyard')
    expect(custom.result.audience).toBe('lanyard')
    const empty = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: sa({ 'eks.amazonaws.com/audience': '' }),
    })
    expect(tokenSource(empty.after)).not.toHaveProperty('audience')
  })

  it('reads the annotations under --annotation-prefix only', () => {
    const config = resolveWebhookConfig({ annotationPrefix: 'lanyard.dev' })
    const other = run({ pod: pod([{ name: 'a' }]), config })
    expect(other.result).toMatchObject({ patch: [], skippedReason: 'not-annotated' })
    const own = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: {
        name: 'app',
        namespace: 'team-a',
        annotations: { 'lanyard.dev/role-arn': ROLE },
      },
      config,
    })
    expect(envOf(own.after).AWS_ROLE_ARN).toBe(ROLE)
  })

  it.each([
    ['no ServiceAccount', undefined, 'no-service-account'],
    ['no role-arn', { name: 'app', namespace: 'team-a', annotations: {} }, 'not-annotated'],
    ['empty role-arn', sa({ 'eks.amazonaws.com/role-arn': '' }), 'not-annotated'],
  ] as const)('%s → no patch', (_name, serviceAccount, reason) => {
    const { result } = run({ pod: pod([{ name: 'a' }]), serviceAccount })
    expect(result).toMatchObject({ patch: [], mutated: false, skippedReason: reason })
  })

  it('a Pod cannot pick its own role: a role-arn annotation on the Pod is ignored', () => {
    const { result } = run({
      pod: pod(
        [{ name: 'a' }],
        {},
        { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::999999999999:role/admin' } },
      ),
      serviceAccount: { name: 'app', namespace: 'team-a', annotations: {} },
    })
    expect(result.patch).toEqual([])
  })

  it('skip-containers applies to init containers too; an unparsable list skips nothing', () => {
    const skipped = run({
      pod: pod(
        [{ name: 'a' }, { name: 'b' }],
        { initContainers: [{ name: 'init' }] },
        {
          annotations: { 'eks.amazonaws.com/skip-containers': 'b,init' },
        },
      ),
    })
    expect(skipped.after.spec.containers[1]?.env).toBeUndefined()
    expect(skipped.after.spec.initContainers?.[0]?.env).toBeUndefined()
    expect(envOf(skipped.after, 0).AWS_ROLE_ARN).toBe(ROLE)
    const broken = run({
      pod: pod(
        [{ name: 'a' }, { name: 'b' }],
        {},
        { annotations: { 'eks.amazonaws.com/skip-containers': 'b"' } },
      ),
    })
    expect(envOf(broken.after, 1).AWS_ROLE_ARN).toBe(ROLE)
  })

  it('warns about a role-arn that is not a role ARN, and mutates anyway (as upstream)', () => {
    const { result, after } = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: sa({ 'eks.amazonaws.com/role-arn': 's3-reader' }),
    })
    expect(envOf(after).AWS_ROLE_ARN).toBe('s3-reader')
    expect(result.warnings).toEqual([
      'role-arn annotation `s3-reader` of service account `app` is not a role arn',
    ])
  })

  it('warns when a volume named aws-iam-token exists but is not a projected token', () => {
    const { result, after } = run({
      pod: pod([{ name: 'a' }], { volumes: [{ name: 'aws-iam-token', emptyDir: {} }] }),
    })
    expect(after.spec.volumes).toEqual([{ name: 'aws-iam-token', emptyDir: {} }])
    expect(result.warnings).toHaveLength(1)
  })

  it('hostile annotation keys do not reach inherited properties', () => {
    const annotations = JSON.parse(
      '{"__proto__":{"eks.amazonaws.com/role-arn":"arn:aws:iam::999999999999:role/x"}}',
    ) as Record<string, string>
    const { result } = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: { name: 'app', namespace: 'team-a', annotations },
    })
    expect(result.skippedReason).toBe('not-annotated')
  })
})

describe('mutatePod: container credentials (EKS Pod Identity) mode', () => {
  const config = resolveWebhookConfig({
    containerCredentials: {
      ...DEFAULT_CONTAINER_CREDENTIALS,
      identities: [{ namespace: 'team-a', serviceAccount: 'app' }],
    },
  })

  it('applies to listed ServiceAccounts even without annotations or when unknown', () => {
    const { after } = run({
      pod: pod([{ name: 'a' }]),
      serviceAccount: undefined,
      config,
      randomInt: () => 0,
    })
    expect(envOf(after).AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).toBe(
      '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token',
    )
  })

  it('matches on the request namespace, not only metadata', () => {
    const { result } = run({
      pod: pod([{ name: 'a' }], {}, { namespace: undefined }),
      serviceAccount: undefined,
      config,
      namespace: 'team-b',
    })
    expect(result.skippedReason).toBe('no-service-account')
  })

  it('adds the label member when labels exist, and nothing when it is already set', () => {
    const withLabels = run({
      pod: pod([{ name: 'a' }], {}, { labels: { app: 'x' } }),
      config,
      randomInt: () => 0,
    })
    expect(withLabels.result.patch[0]).toEqual({
      op: 'add',
      path: '/metadata/labels/eks.amazonaws.com~1pod-identity',
      value: 'enabled',
    })
    expect(withLabels.after.metadata?.labels).toEqual({
      app: 'x',
      'eks.amazonaws.com/pod-identity': 'enabled',
    })
    const again = mutatePod({
      pod: withLabels.after,
      serviceAccount: sa(),
      config,
      randomInt: () => 0,
    })
    expect(again.patch).toEqual([])
  })
})

describe('mutatePod: Windows', () => {
  it.each(['kubernetes.io/os', 'beta.kubernetes.io/os'])(
    '%s=windows gets a C:\\ token path',
    (key) => {
      const { after } = run({ pod: pod([{ name: 'a' }], { nodeSelector: { [key]: 'windows' } }) })
      expect(envOf(after).AWS_WEB_IDENTITY_TOKEN_FILE).toBe(
        'C:\\var\\run\\secrets\\eks.amazonaws.com\\serviceaccount\\token',
      )
      expect(after.spec.containers[0]?.volumeMounts?.[0]?.mountPath).toBe(
        '/var/run/secrets/eks.amazonaws.com/serviceaccount',
      )
    },
  )

  it('uses --token-mount-path for both the mount and the file', () => {
    const { after } = run({
      pod: pod([{ name: 'a' }]),
      config: resolveWebhookConfig({ tokenMountPath: '/custom/path/' }),
    })
    expect(envOf(after).AWS_WEB_IDENTITY_TOKEN_FILE).toBe('/custom/path/token')
    expect(after.spec.containers[0]?.volumeMounts?.[0]?.mountPath).toBe('/custom/path/')
  })
})
