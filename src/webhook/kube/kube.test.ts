import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  type FakeKubeApiServer,
  startFakeKubeApiServer,
} from '../../../test/kube/fake-kube-apiserver.js'
import { isLanyardError } from '../../errors.js'
import { describeApiFailure, requestTimeout, resolveKubeConfig } from './index.js'

describe('describeApiFailure', () => {
  const status = JSON.stringify({ kind: 'Status', reason: 'Forbidden', message: 'nope', code: 403 })
  const cases: [string, unknown, Record<string, unknown>][] = [
    [
      'an ApiException with a Status body (text)',
      new ApiException(403, 'x', status, {}),
      {
        status: 403,
        statusReason: 'Forbidden',
        reason: 'the api server answered 403 Forbidden: nope',
      },
    ],
    [
      'an ApiException with a Status body (object)',
      new ApiException(404, 'x', { reason: 'NotFound' }, {}),
      { status: 404, statusReason: 'NotFound', reason: 'the api server answered 404 NotFound' },
    ],
    [
      'an ApiException with a body that is no JSON',
      new ApiException(502, 'x', '<html>bad gateway</html>', {}),
      { status: 502, reason: 'the api server answered 502' },
    ],
    [
      'an abort (timeout)',
      Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' }),
      { reason: 'the api server did not answer in time' },
    ],
    [
      'a transport error',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
        name: 'FetchError',
        code: 'ECONNREFUSED',
      }),
      {
        reason:
          'the api server could not be reached (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:1',
      },
    ],
    ['something else', 'boom', { reason: 'the api call failed' }],
  ]
  it.each(cases)('describes %s', (_name, err, expected) => {
    expect(describeApiFailure(err)).toEqual(expected)
  })

  it('cuts a long Status message', () => {
    const long = JSON.stringify({ reason: 'Invalid', message: 'x'.repeat(5000) })
    expect(describeApiFailure(new ApiException(422, 'x', long, {})).reason.length).toBeLessThan(260)
  })
})

describe('resolveKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanyard-kube-'))

  it('returns a given KubeConfig as is', () => {
    const kc = new KubeConfig()
    expect(resolveKubeConfig({ kubeConfig: kc, kubeconfig: '/ignored' })).toBe(kc)
  })

  it('loads a kubeconfig file and uses its current context', () => {
    const file = join(dir, 'config')
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: kind',
        '  cluster: { server: "https://127.0.0.1:6443" }',
        'users:',
        '- name: admin',
        '  user: { token: abc }',
        'contexts:',
        '- name: kind-kind',
        '  context: { cluster: kind, user: admin }',
        'current-context: kind-kind',
        '',
      ].join('\n'),
    )
    expect(resolveKubeConfig({ kubeconfig: file }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:6443',
    )
  })

  it.each([
    ['a missing kubeconfig file', { kubeconfig: join(dir, 'missing') }],
    ['a kubeconfig without clusters', { kubeconfig: '/dev/null' }],
  ])('refuses %s with config.invalid', (_name, options) => {
    expect(() => resolveKubeConfig(options)).toThrowError(
      expect.objectContaining({ code: 'config.invalid' }),
    )
  })

  it('refuses in-cluster mode outside a pod', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', undefined)
    vi.stubEnv('KUBERNETES_SERVICE_PORT', undefined)
    try {
      resolveKubeConfig({ inCluster: true })
      expect.unreachable()
    } catch (err) {
      expect(isLanyardError(err, 'config.invalid')).toBe(true)
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe('requestTimeout', () => {
  let api: FakeKubeApiServer
  beforeAll(async () => {
    api = await startFakeKubeApiServer()
  })
  afterAll(async () => {
    await api.close()
  })

  it('aborts a call the server does not answer, and keeps authentication', async () => {
    const core = api.kubeConfig().makeApiClient(CoreV1Api)
    api.holdGets()
    const err = await core
      .readNamespacedServiceAccount({ namespace: 'a', name: 'b' }, requestTimeout(30))
      .catch((e: unknown) => e)
    expect(describeApiFailure(err).reason).toBe('the api server did not answer in time')
    api.releaseGets()
    const found = await core
      .readNamespacedServiceAccount({ namespace: 'a', name: 'b' }, requestTimeout(5000))
      .catch((e: unknown) => e)
    expect(describeApiFailure(found).status).toBe(404)
    expect(api.requests.length).toBeGreaterThanOrEqual(1)
    expect(api.requests.every((r) => r.authorization === 'Bearer fake-kube-token')).toBe(true)
  })
})
