import { describe, expect, it } from 'vitest'
import type { Container, Pod } from '../webhook/types.js'
import { buildContainerEnv } from './container-env.js'

const pod: Pod = {
  metadata: {
    name: 'my-pod',
    namespace: 'test',
    uid: '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11',
    labels: { app: 'web' },
    annotations: { team: 'blue' },
  },
  spec: { serviceAccountName: 'my-service-account', containers: [] },
}
const manifests = {
  configMaps: [{ namespace: 'test', name: 'settings', data: { LEVEL: 'debug', MODE: 'fast' } }],
  secrets: [{ namespace: 'test', name: 'creds', data: { password: 'hunter2' } }],
}
const mappings = [
  {
    mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount',
    localPath: '/tmp/x/aws-iam-token',
  },
]
const base = { PATH: '/usr/bin:/bin', HOME: '/home/me', LANG: 'C.UTF-8' }
const lanyard = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }

const build = (container: Partial<Container>) =>
  buildContainerEnv({
    pod,
    container: { name: 'c', ...container },
    manifests,
    mappings,
    base,
    lanyard,
    nodeName: 'laptop',
  })

describe('buildContainerEnv', () => {
  it('is base + Lanyard + the pod env, token paths made local, nothing else', () => {
    const { env } = build({
      env: [
        { name: 'AWS_ROLE_ARN', value: 'arn:aws:iam::123456789012:role/R' },
        {
          name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
          value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
        },
      ],
    })
    expect({ ...env }).toEqual({
      ...base,
      ...lanyard,
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/R',
      AWS_WEB_IDENTITY_TOKEN_FILE: '/tmp/x/aws-iam-token/token',
    })
  })

  it('resolves the downward API, ConfigMaps, Secrets and $(VAR) as kubelet does', () => {
    const { env, podEnv } = build({
      envFrom: [
        { configMapRef: { name: 'settings' }, prefix: 'CFG_' },
        { secretRef: { name: 'absent', optional: true } },
      ],
      env: [
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'NOLABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['none']" } } },
        { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team']" } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LEVEL' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        {
          name: 'SKIPPED',
          valueFrom: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } },
        },
        { name: 'GREETING', value: '$(POD) in $(NS) at $(LATER) costs $$5' },
        { name: 'LATER', value: 'x' },
        { name: 'EMPTY' },
      ],
    })
    expect(Object.fromEntries(podEnv)).toEqual({
      CFG_LEVEL: 'debug',
      CFG_MODE: 'fast',
      POD: 'my-pod',
      NS: 'test',
      UID: '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11',
      SA: 'my-service-account',
      NODE: 'laptop',
      IP: '127.0.0.1',
      APP: 'web',
      NOLABEL: '',
      TEAM: 'blue',
      LEVEL: 'debug',
      PASSWORD: 'hunter2',
      // Only variables defined before are expanded (kubelet's order).
      GREETING: 'my-pod in test at $(LATER) costs $5',
      LATER: 'x',
      EMPTY: '',
    })
    expect(env.SKIPPED).toBeUndefined()
  })

  it('lets the pod override a base variable, and says so when it redirects AWS clients', () => {
    const r = build({
      env: [
        { name: 'PATH', value: '/opt/bin' },
        { name: 'AWS_ENDPOINT_URL', value: 'https://s3.amazonaws.com' },
      ],
    })
    expect(r.env.PATH).toBe('/opt/bin')
    expect(r.env.AWS_ENDPOINT_URL).toBe('https://s3.amazonaws.com')
    expect(r.notices).toEqual([
      'container `c` sets `AWS_ENDPOINT_URL` itself: its AWS clients may not reach Lanyard',
    ])
  })

  it('keeps a variable named __proto__ as a variable', () => {
    const { env } = build({ env: [{ name: '__proto__', value: 'x' }] })
    expect(Object.entries(env)).toContainEqual(['__proto__', 'x'])
  })

  it.each([
    [
      'a resource field',
      { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      'env `CPU` of container `c` takes its value from `resourceFieldRef`, which cannot be resolved locally',
    ],
    [
      'an unknown field path',
      { name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } },
      'env `X` of container `c` uses field `status.phase`, which cannot be resolved locally',
    ],
    [
      'a ConfigMap that is not given',
      { name: 'X', valueFrom: { configMapKeyRef: { name: 'other', key: 'k' } } },
      'env `X` of container `c` needs config map `other`, which is not among the manifests: pass it with -f',
    ],
    [
      'a missing key',
      { name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } },
      'env `X` of container `c` needs key `user` of secret `creds`, which it does not have',
    ],
    [
      'a number as value',
      { name: 'PORT', value: 8080 },
      'env `PORT` of container `c` must have a string value: quote it in the yaml',
    ],
  ])('refuses %s', (_name, entry, message) => {
    expect(() => build({ env: [entry as never] })).toThrow(message)
  })

  it('refuses an envFrom source that is not given', () => {
    expect(() => build({ envFrom: [{ secretRef: { name: 'absent' } }] })).toThrow(
      'envFrom[0] of container `c` needs secret `absent`, which is not among the manifests: pass it with -f',
    )
  })
})
