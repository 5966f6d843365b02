import { describe, expect, it } from 'vitest'
import { readManifests } from './manifests.js'

const SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: my-service-account
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/ClusterSelfDescribeRole
`
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  serviceAccountName: my-service-account
  containers:
  - name: my-container
    image: amazon/aws-cli
    command: ["sh", "-c", "aws eks describe-cluster --name my-cluster"]
`

describe('readManifests', () => {
  it('reads separate files and fills the namespace from -n, as kubectl apply -n test', () => {
    const m = readManifests(
      [
        { name: 'sa.yaml', text: SA },
        { name: 'pod.yaml', text: POD },
      ],
      'test',
    )
    expect(m.serviceAccounts).toEqual([
      {
        name: 'my-service-account',
        namespace: 'test',
        annotations: {
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/ClusterSelfDescribeRole',
        },
      },
    ])
    expect(m.pods).toHaveLength(1)
    expect(m.pods[0]?.metadata?.namespace).toBe('test')
    expect(m.pods[0]?.spec.containers[0]?.command).toEqual([
      'sh',
      '-c',
      'aws eks describe-cluster --name my-cluster',
    ])
  })

  it('reads one multi-document stream, skips empty documents and unwraps a List', () => {
    const list = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: settings}
  data: {LEVEL: debug}
- apiVersion: v1
  kind: Secret
  metadata: {name: creds}
  data: {password: c2VjcmV0}
  stringData: {user: admin}
`
    const m = readManifests([{ name: 'stdin', text: `---\n${SA}---\n---\n${POD}---\n${list}` }])
    expect(m.serviceAccounts[0]?.namespace).toBe('default')
    expect(m.pods[0]?.metadata?.namespace).toBe('default')
    expect(m.configMaps).toEqual([
      { namespace: 'default', name: 'settings', data: { LEVEL: 'debug' } },
    ])
    expect(m.secrets).toEqual([
      { namespace: 'default', name: 'creds', data: { password: 'secret', user: 'admin' } },
    ])
  })

  it('keeps a written namespace and lists the kinds it has no use for', () => {
    const m = readManifests([
      {
        name: 'all.yaml',
        text: `kind: Namespace\napiVersion: v1\nmetadata: {name: test}\n---\n${POD.replace('name: my-pod', 'name: my-pod\n  namespace: test')}`,
      },
    ])
    expect(m.ignored).toEqual(['Namespace/test'])
    expect(m.pods[0]?.metadata?.namespace).toBe('test')
  })

  const refused: Array<[string, string, string | undefined, RegExp]> = [
    ['bad yaml', 'kind: Pod\nmetadata: [1\n', undefined, /^`x.yaml` is not valid yaml/],
    ['a scalar document', 'just text\n', undefined, /holds a document that is not an object/],
    ['no kind', 'metadata: {name: a}\n', undefined, /has no kind/],
    ['no name', 'kind: ServiceAccount\nmetadata: {}\n', undefined, /has no metadata.name/],
    [
      'a namespace that contradicts -n (kubectl refuses too)',
      'kind: ServiceAccount\nmetadata: {name: a, namespace: prod}\n',
      'test',
      /the namespace of ServiceAccount `a` \(`prod`\) does not match the namespace `test`/,
    ],
    [
      'an annotation that YAML reads as a boolean (kubectl refuses too)',
      'kind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    eks.amazonaws.com/sts-regional-endpoints: yes\n',
      undefined,
      /must be a string: quote it/,
    ],
    [
      'a pod without containers',
      'kind: Pod\nmetadata: {name: p}\nspec: {}\n',
      undefined,
      /no spec.containers/,
    ],
    [
      'a container without a name',
      'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: x}]}\n',
      undefined,
      /needs a name/,
    ],
    [
      'a secret value that is not base64',
      'kind: Secret\nmetadata: {name: s}\ndata: {k: "not base64!"}\n',
      undefined,
      /is not base64/,
    ],
  ]
  it.each(refused)('refuses %s', (_name, text, namespace, message) => {
    expect(() => readManifests([{ name: 'x.yaml', text }], namespace)).toThrow(message)
  })

  it('takes generateName for a pod without a name', () => {
    const m = readManifests([
      {
        name: 'p',
        text: 'kind: Pod\nmetadata: {generateName: job-}\nspec: {containers: [{name: c}]}\n',
      },
    ])
    expect(m.pods[0]?.metadata?.generateName).toBe('job-')
  })
})
