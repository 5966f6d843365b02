import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1'
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1'
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { ensureLocalTls } from '../../src/tls/index.js'

const DEPLOY = resolve(import.meta.dirname, '../../deploy')

/** kubectl renders kustomizations offline; with CI=true a missing kubectl fails, never skips. */
function hasKubectl(): boolean {
  const found = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0
  if (!found && process.env.CI === 'true') {
    throw new Error(
      'the deploy/ manifest tests need `kubectl` on PATH, and CI=true forbids skipping',
    )
  }
  if (!found) console.warn('\n*** SKIPPING deploy/ manifest tests: `kubectl` is not on PATH ***\n')
  return found
}

function hasOpenssl(): boolean {
  const found = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0
  if (!found && process.env.CI === 'true') {
    throw new Error(
      'deploy/certs/generate.sh is tested with `openssl`, and CI=true forbids skipping',
    )
  }
  if (!found) console.warn('\n*** SKIPPING deploy/certs/generate.sh test: no `openssl` ***\n')
  return found
}

type K8sObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> }
  [field: string]: unknown
}

function kustomize(dir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function render(dir: string): K8sObject[] {
  const r = kustomize(dir)
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`)
  return parseAllDocuments(r.stdout).map((d) => {
    if (d.errors.length > 0) throw d.errors[0]
    return d.toJS() as K8sObject
  })
}

// Each rendered object through the Kubernetes OpenAPI schema of its kind (kubernetes-models
// validates offline). Kinds outside core Kubernetes (cert-manager) have no schema here.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': MutatingWebhookConfiguration,
}
const WITHOUT_SCHEMA = new Set(['cert-manager.io/v1/Issuer', 'cert-manager.io/v1/Certificate'])

// kustomize wraps long base64 values over several lines; the API server's JSON decoding ignores
// the line breaks (Go's base64 decoder skips \r and \n), the schema's `byte` format does not.
// kustomize keeps that wrapping when it copies the CA into the caBundle.
function normalizeBase64(o: K8sObject): K8sObject {
  const strip = (v: string) => v.replace(/\s+/g, '')
  if (o.kind === 'Secret' && typeof o.data === 'object' && o.data !== null) {
    const data = Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, strip(v)])
    return { ...o, data: Object.fromEntries(data) }
  }
  if (o.kind === 'MutatingWebhookConfiguration') {
    const webhooks = (o.webhooks as { clientConfig: { caBundle?: string } }[]).map((w) => ({
      ...w,
      clientConfig: {
        ...w.clientConfig,
        ...(w.clientConfig.caBundle !== undefined
          ? { caBundle: strip(w.clientConfig.caBundle) }
          : {}),
      },
    }))
    return { ...o, webhooks }
  }
  return o
}

function validateAll(objects: K8sObject[]): void {
  for (const o of objects) {
    const id = `${o.apiVersion}/${o.kind}`
    const Model = MODELS[id]
    if (!Model) {
      expect(WITHOUT_SCHEMA.has(id), `no schema for ${id}`).toBe(true)
      continue
    }
    try {
      new Model(normalizeBase64(o) as never).validate()
    } catch (err) {
      throw new Error(`${id} ${o.metadata.name} is invalid: ${(err as Error).message}`)
    }
  }
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
])

function find<T = Record<string, never>>(objects: K8sObject[], kind: string, name?: string) {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name))
  expect(o, `${kind} ${name ?? ''}`).toBeDefined()
  return o as unknown as K8sObject & T
}

// Minimal shapes of what the semantic checks read.
interface PodTemplate {
  metadata: { labels: Record<string, string> }
  spec: {
    serviceAccountName?: string
    automountServiceAccountToken?: boolean
    securityContext: Record<string, unknown>
    containers: {
      name: string
      image: string
      args: string[]
      envFrom?: { configMapRef: { name: string } }[]
      ports: { name: string; containerPort: number }[]
      securityContext: {
        allowPrivilegeEscalation: boolean
        readOnlyRootFilesystem: boolean
        capabilities: { drop: string[] }
      }
      volumeMounts?: { name: string; mountPath: string }[]
      readinessProbe: { httpGet: { path: string; port: string } }
    }[]
    volumes?: { name: string; secret?: { secretName: string } }[]
  }
}
type Workload = {
  spec: {
    replicas: number
    selector: { matchLabels: Record<string, string> }
    template: PodTemplate
  }
}
type Webhook = {
  webhooks: {
    name: string
    failurePolicy: string
    sideEffects: string
    matchPolicy: string
    reinvocationPolicy: string
    timeoutSeconds: number
    admissionReviewVersions: string[]
    clientConfig: {
      caBundle?: string
      service: { name: string; namespace: string; path: string; port: number }
    }
    objectSelector: { matchExpressions: { key: string; operator: string; values?: string[] }[] }
    namespaceSelector?: unknown
    rules: {
      operations: string[]
      apiGroups: string[]
      apiVersions: string[]
      resources: string[]
      scope: string
    }[]
  }[]
}
type Svc = {
  spec: {
    selector: Record<string, string>
    ports: { name: string; port: number; targetPort: string }[]
  }
}

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v)

const kubectl = hasKubectl()

describe.skipIf(!kubectl)('deploy/ rendered with kubectl kustomize', () => {
  let work: string
  let objects: K8sObject[]
  let caPem: string

  beforeAll(async () => {
    // A copy of deploy/ with a real certificate in certs/, as a user has after generating one.
    work = mkdtempSync(join(tmpdir(), 'lanyard-deploy-'))
    cpSync(DEPLOY, join(work, 'deploy'), { recursive: true })
    const tls = await ensureLocalTls(join(work, 'tls'), ['lanyard-webhook.lanyard.svc'], {
      now: Date.now(),
    })
    const certs = join(work, 'deploy', 'certs')
    cpSync(tls.certPath, join(certs, 'tls.crt'))
    cpSync(tls.keyPath, join(certs, 'tls.key'))
    cpSync(tls.caPath, join(certs, 'ca.crt'))
    caPem = readFileSync(tls.caPath, 'utf8')
    objects = render(join(work, 'deploy'))
  })
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('renders exactly the expected objects', () => {
    const names = objects.map(
      (o) =>
        // A generated ConfigMap's name ends in a hash of its content.
        `${o.kind}/${o.kind === 'ConfigMap' ? o.metadata.name.replace(/-[a-z0-9]{10}$/, '-<hash>') : o.metadata.name}`,
    )
    expect(names.sort()).toEqual(
      [
        'ClusterRole/lanyard-webhook',
        'ClusterRoleBinding/lanyard-webhook',
        'ConfigMap/lanyard-webhook-config-<hash>',
        'Deployment/lanyard-webhook',
        'MutatingWebhookConfiguration/lanyard-pod-identity-webhook',
        'Namespace/lanyard',
        'PodDisruptionBudget/lanyard-webhook',
        'Secret/lanyard-webhook-tls',
        'Service/lanyard-webhook',
        'ServiceAccount/lanyard-webhook',
      ].sort(),
    )
  })

  it('every object is valid against the Kubernetes schemas', () => {
    validateAll(objects)
  })

  it('the schema check can fail', () => {
    const d = find<Workload>(objects, 'Deployment')
    expect(() =>
      new Deployment({ ...d, spec: { ...d.spec, replicas: 'two' } } as never).validate(),
    ).toThrow()
  })

  it('puts every namespaced object in `lanyard`', () => {
    for (const o of objects) {
      if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined()
      else expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe('lanyard')
    }
  })

  it('registers the webhook like upstream: CREATE pods v1 only, failurePolicy Ignore, skip label, no side effects', () => {
    const mwc = find<Webhook>(objects, 'MutatingWebhookConfiguration')
    expect(mwc.webhooks).toHaveLength(1)
    const [w] = mwc.webhooks
    expect(w).toMatchObject({
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      matchPolicy: 'Equivalent',
      reinvocationPolicy: 'IfNeeded',
      admissionReviewVersions: ['v1', 'v1beta1'],
      clientConfig: {
        service: { name: 'lanyard-webhook', namespace: 'lanyard', path: '/mutate', port: 443 },
      },
      objectSelector: {
        matchExpressions: [
          { key: 'eks.amazonaws.com/skip-pod-identity-webhook', operator: 'DoesNotExist' },
        ],
      },
      rules: [
        {
          operations: ['CREATE'],
          apiGroups: [''],
          apiVersions: ['v1'],
          resources: ['pods'],
          scope: 'Namespaced',
        },
      ],
    })
    // The API server's own limit is 30 s; a webhook that fails open should answer fast.
    expect(w?.timeoutSeconds).toBeLessThanOrEqual(10)
    expect(w?.namespaceSelector).toBeUndefined()
  })

  it('the caBundle is the CA of the Secret, and that CA signed a certificate for the Service name', () => {
    const mwc = find<Webhook>(objects, 'MutatingWebhookConfiguration')
    const secret = find<{ type: string; data: Record<string, string> }>(objects, 'Secret')
    expect(secret.type).toBe('kubernetes.io/tls')
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key'])
    const bundle = Buffer.from(mwc.webhooks[0]?.clientConfig.caBundle ?? '', 'base64').toString()
    expect(bundle).toBe(caPem)
    const decode = (k: string) => Buffer.from(secret.data[k] ?? '', 'base64').toString()
    expect(decode('ca.crt')).toBe(caPem)
    const ca = new X509Certificate(caPem)
    const leaf = new X509Certificate(decode('tls.crt'))
    expect(leaf.verify(ca.publicKey)).toBe(true)
    // The API server calls https://<service>.<namespace>.svc.
    const svc = find<Svc>(objects, 'Service')
    expect(leaf.checkHost(`${svc.metadata.name}.${svc.metadata.namespace}.svc`)).toBeDefined()
  })

  it('the Service reaches the Deployment on its HTTPS port', () => {
    const svc = find<Svc>(objects, 'Service')
    const d = find<Workload>(objects, 'Deployment')
    const mwc = find<Webhook>(objects, 'MutatingWebhookConfiguration')
    expect(selects(svc.spec.selector, d.spec.template.metadata.labels)).toBe(true)
    expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true)
    const port = svc.spec.ports.find((p) => p.port === mwc.webhooks[0]?.clientConfig.service.port)
    const container = d.spec.template.spec.containers[0]
    const target = container?.ports.find((p) => p.name === port?.targetPort)
    expect(target?.containerPort).toBe(8443)
    expect(container?.args).toContain(`--port=${target?.containerPort}`)
    const pdb = find<{
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } }
    }>(objects, 'PodDisruptionBudget')
    expect(selects(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true)
    expect(pdb.spec.minAvailable).toBeLessThan(d.spec.replicas)
  })

  it('runs `lanyard webhook` in-cluster with the mounted certificate, and never on its own Pods', () => {
    const d = find<Workload>(objects, 'Deployment')
    const pod = d.spec.template
    const [c] = pod.spec.containers
    expect(c?.args[0]).toBe('webhook')
    expect(c?.args).toContain('--in-cluster')
    const flag = (name: string) => c?.args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
    const mount = c?.volumeMounts?.find((m) => flag('tls-cert')?.startsWith(`${m.mountPath}/`))
    expect(mount).toBeDefined()
    expect(flag('tls-key')?.startsWith(`${mount?.mountPath}/`)).toBe(true)
    const volume = pod.spec.volumes?.find((v) => v.name === mount?.name)
    expect(volume?.secret?.secretName).toBe(find(objects, 'Secret').metadata.name)
    // The objectSelector excludes the webhook's own Pods: no chicken-and-egg on restart.
    expect(pod.metadata.labels['eks.amazonaws.com/skip-pod-identity-webhook']).toBe('true')
    expect(c?.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' })
    expect(c?.args).toContain(
      `--metrics-port=${c?.ports.find((p) => p.name === 'metrics')?.containerPort}`,
    )
  })

  it('every $(VAR) in the args comes from the generated ConfigMap', () => {
    const d = find<Workload>(objects, 'Deployment')
    const [c] = d.spec.template.spec.containers
    const cm = find<{ data: Record<string, string> }>(objects, 'ConfigMap')
    expect(c?.envFrom?.map((e) => e.configMapRef.name)).toEqual([cm.metadata.name])
    const vars = (c?.args ?? []).flatMap((a) =>
      [...a.matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1]),
    )
    expect(vars.sort()).toEqual(['AWS_DEFAULT_REGION', 'STS_ENDPOINT_URL'])
    for (const v of vars) expect(Object.keys(cm.data)).toContain(v)
    expect(new URL(cm.data.STS_ENDPOINT_URL ?? '').protocol).toMatch(/^https?:$/)
  })

  it('hardens the container', () => {
    const d = find<Workload>(objects, 'Deployment')
    expect(d.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    })
    expect(d.spec.template.spec.containers[0]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    })
  })

  it('RBAC is minimal: get/list/watch ServiceAccounts, create/patch Events, for the webhook only', () => {
    const role = find<{
      rules: {
        apiGroups: string[]
        resources: string[]
        verbs: string[]
        resourceNames?: string[]
      }[]
    }>(objects, 'ClusterRole')
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    ])
    expect(JSON.stringify(role.rules)).not.toContain('*')
    const binding = find<{ roleRef: Record<string, string>; subjects: Record<string, string>[] }>(
      objects,
      'ClusterRoleBinding',
    )
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role.metadata.name,
    })
    const d = find<Workload>(objects, 'Deployment')
    const sa = find(objects, 'ServiceAccount')
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace },
    ])
    expect(d.spec.template.spec.serviceAccountName).toBe(sa.metadata.name)
  })

  it('without a certificate in deploy/certs the build fails and names the missing file', () => {
    const bare = join(work, 'bare')
    cpSync(DEPLOY, bare, { recursive: true })
    rmSync(join(bare, 'certs', 'tls.crt'), { force: true })
    const r = kustomize(bare)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/certs\/tls\.crt/)
  })

  describe.skipIf(!hasOpenssl())('deploy/certs/generate.sh', () => {
    it('makes a CA and a serving certificate for the Service that kustomize accepts', () => {
      const dir = join(work, 'generated')
      cpSync(DEPLOY, dir, { recursive: true })
      const certs = join(dir, 'certs')
      for (const f of ['ca.crt', 'ca.key', 'tls.crt', 'tls.key'])
        rmSync(join(certs, f), { force: true })
      const r = spawnSync('sh', [join(certs, 'generate.sh')], { encoding: 'utf8' })
      expect(r.status, r.stderr).toBe(0)
      expect(statSync(join(certs, 'tls.key')).mode & 0o777).toBe(0o600)
      expect(statSync(join(certs, 'ca.key')).mode & 0o777).toBe(0o600)
      const ca = new X509Certificate(readFileSync(join(certs, 'ca.crt')))
      const leaf = new X509Certificate(readFileSync(join(certs, 'tls.crt')))
      expect(ca.ca).toBe(true)
      expect(leaf.ca).toBe(false)
      expect(leaf.verify(ca.publicKey)).toBe(true)
      expect(leaf.checkHost('lanyard-webhook.lanyard.svc')).toBe('lanyard-webhook.lanyard.svc')
      expect(leaf.checkHost('lanyard-webhook.lanyard.svc.cluster.local')).toBeDefined()
      expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1'])
      const rendered = render(dir)
      validateAll(rendered)
      const mwc = find<Webhook>(rendered, 'MutatingWebhookConfiguration')
      expect(Buffer.from(mwc.webhooks[0]?.clientConfig.caBundle ?? '', 'base64').toString()).toBe(
        readFileSync(join(certs, 'ca.crt'), 'utf8'),
      )
    })
  })

  it('the committed deploy/certs holds no key or certificate', () => {
    for (const f of ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']) {
      const tracked = spawnSync('git', ['ls-files', '--error-unmatch', `deploy/certs/${f}`], {
        cwd: resolve(DEPLOY, '..'),
        encoding: 'utf8',
      })
      expect(tracked.status, `deploy/certs/${f} is tracked by git`).not.toBe(0)
    }
  })
})

describe.skipIf(!kubectl)('deploy/cert-manager rendered with kubectl kustomize', () => {
  let objects: K8sObject[]
  beforeAll(() => {
    objects = render(join(DEPLOY, 'cert-manager'))
  })

  it('is the webhook plus an Issuer and a Certificate, all valid', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'Certificate',
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'Issuer',
        'MutatingWebhookConfiguration',
        'Namespace',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
      ].sort(),
    )
    validateAll(objects)
  })

  it('the Certificate fills the Secret the Deployment mounts, for the Service name, and cert-manager injects its CA', () => {
    const cert = find<{
      spec: { secretName: string; dnsNames: string[]; issuerRef: { name: string; kind: string } }
    }>(objects, 'Certificate')
    const d = find<Workload>(objects, 'Deployment')
    expect(d.spec.template.spec.volumes?.map((v) => v.secret?.secretName)).toContain(
      cert.spec.secretName,
    )
    expect(cert.spec.dnsNames).toContain('lanyard-webhook.lanyard.svc')
    const issuer = find(objects, 'Issuer')
    expect(cert.spec.issuerRef).toEqual({ name: issuer.metadata.name, kind: 'Issuer' })
    const mwc = find<Webhook>(objects, 'MutatingWebhookConfiguration')
    expect(mwc.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe(
      `${cert.metadata.namespace}/${cert.metadata.name}`,
    )
    // No caBundle of ours for a later `kubectl apply` to reset.
    expect(mwc.webhooks[0]?.clientConfig.caBundle).toBeUndefined()
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false)
  })
})

describe.skipIf(!kubectl)('deploy/server rendered with kubectl kustomize', () => {
  let objects: K8sObject[]
  let webhookConfig: Record<string, string>
  beforeAll(() => {
    objects = render(join(DEPLOY, 'server'))
    webhookConfig = Object.fromEntries(
      readFileSync(join(DEPLOY, 'webhook', 'webhook.env'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    )
  })

  it('is a one-replica StatefulSet, its Service and its ConfigMap, all valid', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Service', 'StatefulSet'])
    validateAll(objects)
    const s = find<Workload>(objects, 'StatefulSet')
    expect(s.spec.replicas).toBe(1)
    expect(s.spec.template.spec.containers[0]?.args.slice(0, 1)).toEqual(['up'])
    expect(s.spec.template.spec.automountServiceAccountToken).toBe(false)
    for (const o of objects) expect(o.metadata.namespace).toBe('lanyard')
  })

  it("is where the webhook's default STS_ENDPOINT_URL points", () => {
    const url = new URL(webhookConfig.STS_ENDPOINT_URL ?? '')
    const svc = find<Svc>(objects, 'Service')
    expect(url.hostname).toBe(`${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`)
    const port = svc.spec.ports.find((p) => String(p.port) === url.port)
    const s = find<Workload>(objects, 'StatefulSet')
    const [c] = s.spec.template.spec.containers
    expect(c?.ports.find((p) => p.name === port?.targetPort)?.containerPort).toBe(4566)
    expect(c?.args).toContain('--port=4566')
    expect(c?.args).toContain('--host=0.0.0.0')
    expect(selects(svc.spec.selector, s.spec.template.metadata.labels)).toBe(true)
  })

  it('the optional server lives next to the webhook without replacing its namespace', () => {
    expect(existsSync(join(DEPLOY, 'server', 'kustomization.yaml'))).toBe(true)
    expect(objects.some((o) => o.kind === 'Namespace')).toBe(false)
  })
})
