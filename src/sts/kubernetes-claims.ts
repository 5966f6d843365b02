/** The `kubernetes.io` claim of a projected service-account token, when present and well-formed. */
export interface KubernetesIdentity {
  namespace?: string
  serviceAccount?: string
  serviceAccountUid?: string
  podName?: string
  podUid?: string
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length <= 256 ? v : undefined
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined

export function readKubernetesClaims(
  claims: Readonly<Record<string, unknown>>,
): KubernetesIdentity | undefined {
  const k = obj(claims['kubernetes.io'])
  if (!k) return undefined
  const sa = obj(k.serviceaccount)
  const pod = obj(k.pod)
  const out: KubernetesIdentity = {}
  const set = (key: keyof KubernetesIdentity, v: unknown) => {
    const s = str(v)
    if (s !== undefined) out[key] = s
  }
  set('namespace', k.namespace)
  set('serviceAccount', sa?.name)
  set('serviceAccountUid', sa?.uid)
  set('podName', pod?.name)
  set('podUid', pod?.uid)
  return out
}

/**
 * Principal tags a Kubernetes token gives its session, as EKS Pod Identity does: usable as
 * `aws:PrincipalTag/kubernetes-namespace` and so on in permission policies.
 */
export function kubernetesPrincipalTags(
  k: KubernetesIdentity,
  clusterName: string | undefined,
): Record<string, string> {
  const tags: Record<string, string> = {}
  if (clusterName !== undefined) tags['eks-cluster-name'] = clusterName
  if (k.namespace !== undefined) tags['kubernetes-namespace'] = k.namespace
  if (k.serviceAccount !== undefined) tags['kubernetes-service-account'] = k.serviceAccount
  if (k.podName !== undefined) tags['kubernetes-pod-name'] = k.podName
  if (k.podUid !== undefined) tags['kubernetes-pod-uid'] = k.podUid
  return tags
}
