import { describe, expect, it } from 'vitest'
import { type AdmissionDeps, handleAdmissionReview } from './admission.js'
import { applyJsonPatch } from './json-patch.js'
import { createWebhookMetrics } from './metrics.js'
import type { JsonPatchOp, Pod } from './types.js'
import { resolveWebhookConfig } from './webhook-config.js'

const ROLE = 'arn:aws:iam::111122223333:role/app'

const pod = (extra: Record<string, unknown> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team-a' },
  spec: { serviceAccountName: 'app', containers: [{ name: 'app', image: 'x' }], ...extra },
})

const review = (request: Record<string, unknown> = {}, apiVersion = 'admission.k8s.io/v1') => ({
  apiVersion,
  kind: 'AdmissionReview',
  request: {
    uid: 'u-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    namespace: 'team-a',
    operation: 'CREATE',
    object: pod(),
    ...request,
  },
})

function deps(extra: Partial<AdmissionDeps> = {}): AdmissionDeps & { failures: string[] } {
  const failures: string[] = []
  return {
    config: resolveWebhookConfig(),
    lookupServiceAccount: async (namespace, name) =>
      name === 'app'
        ? { namespace, name, annotations: { 'eks.amazonaws.com/role-arn': ROLE } }
        : undefined,
    onMutationFailure: (_pod, reason) => void failures.push(reason),
    failures,
    ...extra,
  }
}

async function send(body: unknown, d: AdmissionDeps = deps(), contentType = 'application/json') {
  const res = await handleAdmissionReview(
    { contentType, body: typeof body === 'string' ? body : JSON.stringify(body) },
    d,
  )
  const json = res.status === 200 ? JSON.parse(res.body) : undefined
  const patch: JsonPatchOp[] = json?.response.patch
    ? JSON.parse(Buffer.from(json.response.patch, 'base64').toString())
    : []
  return { res, json, patch }
}

describe('handleAdmissionReview: HTTP contract', () => {
  it.each([
    [undefined, 415],
    ['text/plain', 415],
    ['application/yaml', 415],
    ['application/json', 200],
    ['application/json; charset=utf-8', 200],
    ['Application/JSON', 200],
  ])('Content-Type %s → %i', async (contentType, status) => {
    const res = await handleAdmissionReview({ contentType, body: JSON.stringify(review()) }, deps())
    expect(res.status).toBe(status)
    if (status === 415) expect(res.body).toBe('Invalid Content-Type, expected `application/json`\n')
  })

  it('refuses a body above the cap with 413 before parsing it', async () => {
    const d = deps({ maxBodyBytes: 1000 })
    const { res } = await send(`{"x":"${'a'.repeat(2000)}"}`, d)
    expect(res.status).toBe(413)
  })

  it('accepts a big but legitimate Pod (a 256 KiB annotation) under the default cap', async () => {
    const big = pod()
    big.metadata = { ...big.metadata, annotations: { note: 'a'.repeat(256 * 1024) } }
    const { res, patch } = await send(review({ object: big }))
    expect(res.status).toBe(200)
    expect(patch.length).toBeGreaterThan(0)
  })

  it('refuses deep nesting with 400 without parsing it', async () => {
    const body = `{"kind":"AdmissionReview","request":{"uid":"u","object":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`
    const { res } = await send(body)
    expect(res.status).toBe(400)
    expect(res.body).toContain('nests deeper')
  })

  it('does not count brackets inside strings as nesting', async () => {
    const object = pod()
    object.metadata = { ...object.metadata, annotations: { brackets: '[[[[{{{{'.repeat(100) } }
    const { res } = await send(review({ object }))
    expect(res.status).toBe(200)
  })

  it('refuses invalid UTF-8 with 400', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"kind":"AdmissionReview","x":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ])
    const res = await handleAdmissionReview(
      { contentType: 'application/json', body: bytes },
      deps(),
    )
    expect(res.status).toBe(400)
  })

  it('echoes v1beta1 and the uid, always allowed', async () => {
    const { json } = await send(review({ uid: 'abc' }, 'admission.k8s.io/v1beta1'))
    expect(json).toMatchObject({
      apiVersion: 'admission.k8s.io/v1beta1',
      kind: 'AdmissionReview',
      response: { uid: 'abc', allowed: true, patchType: 'JSONPatch' },
    })
  })
})

describe('handleAdmissionReview: what is not a Pod CREATE', () => {
  it.each([
    ['UPDATE', { operation: 'UPDATE' }],
    ['DELETE', { operation: 'DELETE', object: null }],
    ['CONNECT', { operation: 'CONNECT' }],
    ['subresource', { subResource: 'ephemeralcontainers' }],
    ['Deployment', { kind: { group: 'apps', version: 'v1', kind: 'Deployment' } }],
    ['no kind', { kind: undefined }],
  ])('%s → allowed without patch or lookup', async (_name, request) => {
    let looked = false
    const d = deps({
      lookupServiceAccount: async () => {
        looked = true
        return undefined
      },
    })
    const { res, json } = await send(review(request), d)
    expect(res.status).toBe(200)
    expect(json.response).toEqual({ uid: 'u-1', allowed: true })
    expect(looked).toBe(false)
  })
})

describe('handleAdmissionReview: idempotence', () => {
  it('a re-invoked review of the mutated Pod gets no patch', async () => {
    const first = await send(review())
    const mutated = applyJsonPatch(pod(), first.patch)
    const second = await send(review({ object: mutated }))
    expect(first.patch.length).toBeGreaterThan(0)
    expect(second.json.response).toEqual({ uid: 'u-1', allowed: true })
  })
})

describe('handleAdmissionReview: failures are reported, never fatal', () => {
  it('a failing lookup: no patch, a warning, the hook and the metric', async () => {
    const metrics = createWebhookMetrics()
    const pods: Pod[] = []
    const d = deps({
      metrics,
      lookupServiceAccount: async () => {
        throw new Error('connect ECONNREFUSED 10.96.0.1:443')
      },
    })
    d.onMutationFailure = (p, reason) => {
      pods.push(p)
      d.failures.push(reason)
    }
    const { json } = await send(review({ object: pod({}), namespace: 'team-a' }), d)
    expect(json.response.allowed).toBe(true)
    expect(json.response.patch).toBeUndefined()
    expect(json.response.warnings).toEqual([
      'lanyard: service account `team-a/app` lookup failed: connect ECONNREFUSED 10.96.0.1:443; the pod gets no aws credentials',
    ])
    expect(d.failures).toHaveLength(1)
    expect(pods[0]?.metadata?.namespace).toBe('team-a')
    expect((await metrics.failures.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'lookup' }, value: 1 }),
    ])
  })

  it('uses the request namespace when the Pod has none (generateName)', async () => {
    const pods: Pod[] = []
    const d = deps({
      lookupServiceAccount: async () => {
        throw new Error('down')
      },
      onMutationFailure: (p) => void pods.push(p),
    })
    const object = pod()
    object.metadata = { generateName: 'job-' }
    await send(review({ object, namespace: 'team-b' }), d)
    expect(pods[0]?.metadata).toEqual({ generateName: 'job-', namespace: 'team-b' })
  })

  it('a dry run has no side effects: no hook', async () => {
    const d = deps({
      lookupServiceAccount: async () => {
        throw new Error('down')
      },
    })
    const { json } = await send(review({ dryRun: true }), d)
    expect(json.response.allowed).toBe(true)
    expect(d.failures).toEqual([])
  })

  it('a lookup that never answers times out', async () => {
    const d = deps({ lookupServiceAccount: () => new Promise(() => {}), lookupTimeoutMs: 5 })
    const { json } = await send(review(), d)
    expect(json.response.warnings?.[0]).toContain('lookup timed out')
    expect(d.failures).toHaveLength(1)
  })

  it.each([
    [
      'throws',
      () => {
        throw new Error('boom')
      },
    ],
    ['rejects', () => Promise.reject(new Error('boom'))],
  ])('a hook that %s does not break the answer', async (_name, hook) => {
    const errors: string[] = []
    const d = deps({
      lookupServiceAccount: async () => {
        throw new Error('down')
      },
      onMutationFailure: hook,
      onError: (_e, context) => void errors.push(context),
    })
    const { res } = await send(review(), d)
    await new Promise((r) => setImmediate(r))
    expect(res.status).toBe(200)
    expect(errors).toContain('mutation failure hook')
  })

  it('an unexpected error inside the mutation is a failure, not a crash', async () => {
    const config = resolveWebhookConfig()
    // Hostile config: identities is not a list, so the mutation throws.
    const broken = {
      ...config,
      containerCredentials: { identities: null },
    } as unknown as typeof config
    const d = deps({ config: broken })
    const { json } = await send(review(), d)
    expect(json.response).toMatchObject({ uid: 'u-1', allowed: true })
    expect(d.failures).toEqual(['the mutation failed unexpectedly'])
  })
})

describe('handleAdmissionReview: role check (--check-roles)', () => {
  it('puts its warnings in the response and counts them', async () => {
    const metrics = createWebhookMetrics()
    const calls: string[][] = []
    const d = deps({
      metrics,
      checkRole: async (...args) => {
        calls.push(args)
        return ['role `x` does not exist']
      },
    })
    const { json, patch } = await send(review(), d)
    expect(calls).toEqual([[ROLE, 'team-a', 'app', 'sts.amazonaws.com']])
    expect(json.response.warnings).toEqual(['lanyard: role `x` does not exist'])
    expect(patch.length).toBeGreaterThan(0)
    expect((await metrics.roleCheckWarnings.get()).values[0]?.value).toBe(1)
  })

  it('is skipped when nothing is mutated', async () => {
    let called = false
    const d = deps({
      checkRole: async () => {
        called = true
        return []
      },
      lookupServiceAccount: async () => undefined,
    })
    await send(review(), d)
    expect(called).toBe(false)
  })

  it.each([
    ['fails', () => Promise.reject(new Error('iam down')), 'could not check role'],
    ['hangs', () => new Promise<string[]>(() => {}), 'in time'],
  ])('that %s still admits the Pod with its patch', async (_name, checkRole, warning) => {
    const d = deps({ checkRole, checkRoleTimeoutMs: 5 })
    const { json, patch } = await send(review(), d)
    expect(patch.length).toBeGreaterThan(0)
    expect(json.response.warnings[0]).toContain(warning)
  })
})

describe('handleAdmissionReview: metrics', () => {
  it('counts mutations and skips by reason', async () => {
    const metrics = createWebhookMetrics()
    const d = deps({ metrics })
    await send(review(), d)
    await send(review({ object: pod({ serviceAccountName: 'ghost' }) }), d)
    await send(review({ operation: 'DELETE' }), d)
    await send(review({ object: pod({ containers: null }) }), d)
    const text = await metrics.registry.metrics()
    expect(text).toContain('lanyard_webhook_mutations_total{method="sts_web_identity"} 1')
    expect(text).toContain('lanyard_webhook_skips_total{reason="no-service-account"} 1')
    expect(text).toContain('lanyard_webhook_skips_total{reason="not-a-pod-create"} 1')
    expect(text).toContain('lanyard_webhook_skips_total{reason="malformed-pod"} 1')
  })
})
