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

/** Reads the claim's members (strings of at most 256 characters; others are left out). */
export function readKubernetesClaims(
  claims: Readonly<Record<string, unknown>>,
): KubernetesIdentity | undefined {
  const k = obj(claims['kubernetes.io'])
  if (!k) return undefined
  const sa = obj(k.serviceaccount)
  const pod = obj(k.pod)
  // Assigned one by one (no helper closure): this runs on every exchange.
  const out: KubernetesIdentity = {}
  const namespace = str(k.namespace)
  if (namespace !== undefined) out.namespace = namespace
  const serviceAccount = str(sa?.name)
  if (serviceAccount !== undefined) out.serviceAccount = serviceAccount
  const serviceAccountUid = str(sa?.uid)
  if (serviceAccountUid !== undefined) out.serviceAccountUid = serviceAccountUid
  const podName = str(pod?.name)
  if (podName !== undefined) out.podName = podName
  const podUid = str(pod?.uid)
  if (podUid !== undefined) out.podUid = podUid
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
