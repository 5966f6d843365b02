import { Event } from 'kubernetes-models/v1'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type FakeKubeApiServer,
  startFakeKubeApiServer,
} from '../../../test/kube/fake-kube-apiserver.js'
import type { KubeLogger } from '../kube/index.js'
import {
  buildPodNotMutatedEvent,
  createEventRecorder,
  type EventRecorderOptions,
  type PodRef,
} from './index.js'

const NOW = Date.UTC(2026, 10, 28, 21, 30, 15, 123)

describe('buildPodNotMutatedEvent', () => {
  const ctx = { now: NOW, instance: 'lanyard-webhook-7d9f-abcde', suffix: '18f3a2b4c5d6e7f8a9b0' }
  const cases: [string, PodRef, { name: string; involved: string }][] = [
    [
      'a named pod',
      { name: 'my-pod', namespace: 'test', uid: '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11' },
      { name: 'my-pod.18f3a2b4c5d6e7f8a9b0', involved: 'my-pod' },
    ],
    [
      'a generateName pod (no name yet at admission)',
      { generateName: 'web-5d8f9c-', namespace: 'test' },
      { name: 'web-5d8f9c.18f3a2b4c5d6e7f8a9b0', involved: 'web-5d8f9c-' },
    ],
    [
      'a pod with neither',
      { namespace: 'test' },
      { name: 'pod.18f3a2b4c5d6e7f8a9b0', involved: '' },
    ],
    [
      'a name with characters an Event name cannot hold',
      { name: 'Web_App', namespace: 'test' },
      { name: 'web-app.18f3a2b4c5d6e7f8a9b0', involved: 'Web_App' },
    ],
    [
      'a 253-character pod name',
      { name: `${'a'.repeat(252)}b`, namespace: 'test' },
      { name: `${'a'.repeat(200)}.18f3a2b4c5d6e7f8a9b0`, involved: `${'a'.repeat(252)}b` },
    ],
  ]
  it.each(cases)('describes %s as a valid core/v1 Event', (_name, pod, expected) => {
    const event = buildPodNotMutatedEvent(pod, 'service account `app` could not be read', ctx)
    expect(event).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: expected.name, namespace: 'test' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'test', name: expected.involved },
      reason: 'LanyardPodIdentityNotInjected',
      message: 'service account `app` could not be read',
      type: 'Warning',
      source: { component: 'lanyard-webhook' },
      firstTimestamp: '2026-11-28T21:30:15Z',
      lastTimestamp: '2026-11-28T21:30:15Z',
      count: 1,
      reportingComponent: 'lanyard-webhook',
      reportingInstance: 'lanyard-webhook-7d9f-abcde',
    })
    expect(event.involvedObject.uid).toBe(pod.uid)
    expect(event.metadata.name.length).toBeLessThanOrEqual(253)
    new Event(event as never).validate()
  })

  it('is checked by a schema that can fail', () => {
    const event = buildPodNotMutatedEvent({ name: 'p', namespace: 'n' }, 'm', ctx)
    expect(() => new Event({ ...event, count: 'one' } as never).validate()).toThrow()
    expect(() => new Event({ ...event, involvedObject: 'p' } as never).validate()).toThrow()
  })

  it('caps the message at 1024 characters', () => {
    const event = buildPodNotMutatedEvent({ name: 'p', namespace: 'n' }, 'x'.repeat(5000), ctx)
    expect(event.message).toHaveLength(1024)
    expect(event.message.endsWith('…')).toBe(true)
  })
})

describe('createEventRecorder against a fake kube-apiserver', () => {
  let api: FakeKubeApiServer
  let logs: { level: string; details: Record<string, unknown>; message: string }[]
  let clock: number
  const log: KubeLogger = {
    warn: (details, message) => void logs.push({ level: 'warn', details, message }),
    info: (details, message) => void logs.push({ level: 'info', details, message }),
    debug: (details, message) => void logs.push({ level: 'debug', details, message }),
  }
  const make = (options: Partial<EventRecorderOptions> = {}) =>
    createEventRecorder({
      kubeConfig: api.kubeConfig(),
      log,
      now: () => clock,
      instance: 'webhook-0',
      ...options,
    })
  const posts = () => api.requests.filter((r) => r.method === 'POST')

  beforeEach(async () => {
    api = await startFakeKubeApiServer()
    logs = []
    clock = NOW
  })
  afterEach(async () => {
    await api.close()
  })

  it('POSTs a Warning Event on the Pod to its namespace', async () => {
    await make().podNotMutated(
      { name: 'my-pod', namespace: 'test', uid: '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11' },
      'service account `my-service-account` is annotated but the lookup failed',
    )
    expect(posts().map((r) => r.path)).toEqual(['/api/v1/namespaces/test/events'])
    expect(posts()[0]?.authorization).toBe('Bearer fake-kube-token')
    const [event] = api.events
    expect(event).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'test' },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: 'my-pod',
        namespace: 'test',
        uid: '0f6b7c38-5d0c-4b8e-9a9e-2f0c6d3e1a11',
      },
      type: 'Warning',
      reason: 'LanyardPodIdentityNotInjected',
      message: 'service account `my-service-account` is annotated but the lookup failed',
      source: { component: 'lanyard-webhook' },
      reportingComponent: 'lanyard-webhook',
      reportingInstance: 'webhook-0',
      firstTimestamp: '2026-11-28T21:30:15Z',
      lastTimestamp: '2026-11-28T21:30:15Z',
      count: 1,
    })
    expect(String((event?.metadata as { name?: string } | undefined)?.name)).toMatch(
      /^my-pod\.[0-9a-f]+$/,
    )
    new Event(event as never).validate()
    expect(logs).toEqual([])
  })

  it('gives each Event its own name', async () => {
    const recorder = make()
    await recorder.podNotMutated({ name: 'p', namespace: 'test' }, 'one')
    await recorder.podNotMutated({ name: 'p', namespace: 'test' }, 'two')
    expect(api.events).toHaveLength(2)
  })

  it.each([
    ['403 Forbidden', async (a: FakeKubeApiServer) => a.failEventPosts(403), /403 Forbidden/],
    ['the API server down', (a: FakeKubeApiServer) => a.down(), /ECONNREFUSED/],
  ])('never throws: %s is logged', async (_name, breakIt, reason) => {
    await breakIt(api)
    await expect(make().podNotMutated({ name: 'p', namespace: 'test' }, 'x')).resolves.toBe(
      undefined,
    )
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({ level: 'warn', message: 'could not record the pod event' })
    expect(String(logs[0]?.details.reason)).toMatch(reason)
  })

  it('takes 409 AlreadyExists silently', async () => {
    api.failEventPosts(409)
    await make().podNotMutated({ name: 'p', namespace: 'test' }, 'x')
    expect(posts()).toHaveLength(1)
    expect(logs).toEqual([])
  })

  it('sends nothing for a namespace that cannot exist', async () => {
    await make().podNotMutated({ name: 'p', namespace: '../kube-system' }, 'x')
    expect(api.requests).toHaveLength(0)
  })

  it('rate-limits: a burst, then perSecond', async () => {
    const recorder = make({ burst: 2, perSecond: 1 })
    for (let i = 0; i < 4; i++) await recorder.podNotMutated({ name: `p${i}`, namespace: 't' }, 'x')
    expect(api.events).toHaveLength(2)
    expect(logs.filter((l) => l.message === 'event dropped by the rate limit')).toHaveLength(2)
    clock += 1000
    await recorder.podNotMutated({ name: 'p9', namespace: 't' }, 'x')
    await recorder.podNotMutated({ name: 'p10', namespace: 't' }, 'x')
    expect(api.events).toHaveLength(3)
  })
})
