import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { handleAdmissionReview } from './admission.js'
import { applyJsonPatch } from './json-patch.js'
import type { Container, JsonPatchOp, Pod, ServiceAccountInfo } from './types.js'
import { resolveWebhookConfig, type WebhookConfigInput } from './webhook-config.js'

/**
 * The AdmissionReview bodies written for Lanyard (`test/fixtures/webhook/admission-review`),
 * each answered by `handleAdmissionReview` and checked against `index.json`.
 */

const DIR = join(import.meta.dirname, '../../test/fixtures/webhook/admission-review')

interface ContainerExpectation {
  env: [string, string][]
  mounts: string[]
}
interface Case {
  file: string
  description: string
  status: number
  apiVersion?: string
  uid?: string
  patched?: boolean
  warnings?: number
  lookups?: [string, string][]
  messageIncludes?: string
  after?: {
    containers?: Record<string, ContainerExpectation>
    initContainers?: Record<string, ContainerExpectation>
    volumes?: string[]
    token?: Record<string, unknown>
  }
}
interface Index {
  config: WebhookConfigInput
  serviceAccounts: ServiceAccountInfo[]
  cases: Case[]
}

const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Index
const config = resolveWebhookConfig(index.config)

function describeContainers(list: Container[] | null | undefined) {
  return Object.fromEntries(
    (list ?? []).map((c) => [
      c.name,
      {
        env: (c.env ?? []).map((e) => [e.name, e.value]),
        mounts: (c.volumeMounts ?? []).map((m) => m.name),
      },
    ]),
  )
}

describe('AdmissionReview fixtures (index.json)', () => {
  it('has the 27 bodies', () => {
    expect(index.cases).toHaveLength(27)
  })

  it.each(index.cases)('$file: $description', async (c) => {
    const body = readFileSync(join(DIR, c.file))
    const lookups: [string, string][] = []
    const failures: string[] = []
    const res = await handleAdmissionReview(
      { contentType: 'application/json', body },
      {
        config,
        lookupServiceAccount: async (namespace, name) => {
          lookups.push([namespace, name])
          return index.serviceAccounts.find((s) => s.namespace === namespace && s.name === name)
        },
        onMutationFailure: (_pod, reason) => void failures.push(reason),
      },
    )
    expect(res.status).toBe(c.status)
    expect(failures).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    if (c.status !== 200) {
      expect(res.contentType).toMatch(/^text\/plain/)
      expect(res.body).toContain(c.messageIncludes)
      expect(lookups).toEqual([])
      return
    }
    expect(res.contentType).toBe('application/json')
    const review = JSON.parse(res.body)
    expect(review.apiVersion).toBe(c.apiVersion)
    expect(review.kind).toBe('AdmissionReview')
    expect(review.response.uid).toBe(c.uid)
    expect(review.response.allowed).toBe(true)
    expect(review.response.warnings?.length ?? 0).toBe(c.warnings ?? 0)
    if (c.lookups) expect(lookups).toEqual(c.lookups)
    if (!c.patched) {
      expect(review.response).not.toHaveProperty('patch')
      expect(review.response).not.toHaveProperty('patchType')
      return
    }
    expect(review.response.patchType).toBe('JSONPatch')
    const patch = JSON.parse(
      Buffer.from(review.response.patch, 'base64').toString(),
    ) as JsonPatchOp[]
    const pod = JSON.parse(body.toString()).request.object as Pod
    const after = applyJsonPatch(pod, patch)
    const want = c.after ?? {}
    if (want.containers) expect(describeContainers(after.spec.containers)).toEqual(want.containers)
    if (want.initContainers) {
      expect(describeContainers(after.spec.initContainers)).toEqual(want.initContainers)
    }
    if (want.volumes) expect((after.spec.volumes ?? []).map((v) => v.name)).toEqual(want.volumes)
    if (want.token) {
      const volume = after.spec.volumes?.find((v) => v.name === 'aws-iam-token') as
        | { projected: { sources: { serviceAccountToken: unknown }[] } }
        | undefined
      expect(volume?.projected.sources[0]?.serviceAccountToken).toEqual(want.token)
    }
  })
})

describe("upstream's hack/request.json", () => {
  it('is answered in v1 (it has no apiVersion) with the volume prepended', async () => {
    const body = readFileSync(
      join(DIR, '../amazon-eks-pod-identity-webhook/hack/request.json'),
      'utf8',
    )
    const res = await handleAdmissionReview(
      { contentType: 'application/json', body },
      {
        config: resolveWebhookConfig(),
        lookupServiceAccount: async (namespace, name) => ({
          namespace,
          name,
          annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/s3-reader' },
        }),
      },
    )
    const review = JSON.parse(res.body)
    expect(review).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: '918ef1dc-928f-4525-99ef-988389f263c3',
        allowed: true,
        patchType: 'JSONPatch',
      },
    })
    const patch = JSON.parse(Buffer.from(review.response.patch, 'base64').toString())
    const after = applyJsonPatch(JSON.parse(body).request.object as Pod, patch)
    expect(after.spec.volumes?.map((v) => v.name)).toEqual(['aws-iam-token', 'scratch'])
    expect(after.spec.containers[0]?.volumeMounts?.map((m) => m.name)).toEqual([
      'scratch',
      'aws-iam-token',
    ])
  })
})
