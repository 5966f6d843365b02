import { describe, expect, it } from 'vitest'
import { kubernetesPrincipalTags, readKubernetesClaims } from './kubernetes-claims.js'

describe('kubernetes claims', () => {
  const claim = {
    namespace: 'team-a',
    serviceaccount: { name: 'app', uid: 'sa-uid' },
    pod: { name: 'app-7d9', uid: 'pod-uid' },
  }

  it('reads the members of a projected service-account token', () => {
    expect(readKubernetesClaims({ 'kubernetes.io': claim })).toEqual({
      namespace: 'team-a',
      serviceAccount: 'app',
      serviceAccountUid: 'sa-uid',
      podName: 'app-7d9',
      podUid: 'pod-uid',
    })
  })

  it('leaves out members that are missing, not strings, or longer than 256 characters', () => {
    const k = readKubernetesClaims({
      'kubernetes.io': { namespace: 'x'.repeat(257), serviceaccount: { name: 7 }, pod: 'p' },
    })
    expect(k).toEqual({})
    expect(Object.keys(k ?? { absent: true })).toEqual([])
  })

  it('is undefined without a kubernetes.io object', () => {
    expect(readKubernetesClaims({ sub: 'system:serviceaccount:a:b' })).toBeUndefined()
    expect(readKubernetesClaims({ 'kubernetes.io': ['team-a'] })).toBeUndefined()
  })

  it('gives EKS Pod Identity principal tags', () => {
    const k = readKubernetesClaims({ 'kubernetes.io': claim })
    expect(kubernetesPrincipalTags(k ?? {}, 'prod')).toEqual({
      'eks-cluster-name': 'prod',
      'kubernetes-namespace': 'team-a',
      'kubernetes-service-account': 'app',
      'kubernetes-pod-name': 'app-7d9',
      'kubernetes-pod-uid': 'pod-uid',
    })
  })
})
