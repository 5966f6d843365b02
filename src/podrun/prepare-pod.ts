import { randomInt, randomUUID } from 'node:crypto'
import { LanyardError } from '../errors.js'
import { applyJsonPatch } from '../webhook/json-patch.js'
import { type MutatePodResult, mutatePod, podServiceAccountName } from '../webhook/mutate-pod.js'
import type { Pod, ServiceAccountInfo } from '../webhook/types.js'
import type { WebhookConfig } from '../webhook/webhook-config.js'
import type { Manifests } from './manifests.js'

/** The Pod as the API server would store it after admission, and how it got there. */
export interface PreparedPod {
  /** The Pod with the webhook's patch applied and `metadata.name` and `metadata.uid` set. */
  pod: Pod
  name: string
  /** The uid the API server would give the Pod: bound into its tokens. */
  uid: string
  namespace: string
  serviceAccountName: string
  /** The ServiceAccount the mutation saw (a bare `default` when none was given). */
  serviceAccount: ServiceAccountInfo
  mutation: MutatePodResult
  /** Things to tell the person running the pod (one line each). */
  notices: string[]
}

/** Options of {@link preparePod}. */
export interface PreparePodOptions {
  manifests: Manifests
  config: WebhookConfig
  /** The random suffix of a `generateName` pod (k8s `utilrand.String(5)`); injectable for tests. */
  randomSuffix?: () => string
  /** The Pod's uid (the API server's `uuid.NewUUID()`); injectable for tests. */
  newUid?: () => string
}

// k8s.io/apimachinery/pkg/util/rand: no vowels (no words) and no look-alikes.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789'
const defaultSuffix = () => Array.from({ length: 5 }, () => ALPHANUMS[randomInt(27)]).join('')

const invalid = (message: string): never => {
  throw new LanyardError('request.invalid', message)
}

function onlyPod(manifests: Manifests): Pod {
  const [pod, ...more] = manifests.pods
  if (!pod) return invalid('the manifests hold no Pod: pass the Pod manifest with -f')
  if (more.length > 0) {
    const names = manifests.pods.map((p) => `\`${p.metadata?.name ?? p.metadata?.generateName}\``)
    invalid(
      `the manifests hold ${manifests.pods.length} Pods (${names.join(', ')}): run one at a time`,
    )
  }
  return pod
}

/**
 * What admission does to a Pod, locally: finds the ServiceAccount it names among the manifests
 * (every namespace has a `default` one, without annotations), computes the pod identity
 * webhook's mutation with the webhook's own {@link mutatePod} and applies its JSON Patch.
 * A ServiceAccount other than `default` that is not among the manifests is an error, as the
 * ServiceAccount admission plugin refuses such a Pod.
 */
export function preparePod(options: PreparePodOptions): PreparedPod {
  const { manifests, config } = options
  const original = onlyPod(manifests)
  const namespace = original.metadata?.namespace as string
  const saName = podServiceAccountName(original)
  const notices: string[] = []

  let serviceAccount = manifests.serviceAccounts.find(
    (sa) => sa.name === saName && sa.namespace === namespace,
  )
  if (!serviceAccount) {
    if (saName !== 'default') {
      const elsewhere = manifests.serviceAccounts.find((sa) => sa.name === saName)
      invalid(
        elsewhere
          ? `service account \`${saName}\` is in namespace \`${elsewhere.namespace}\` but the pod is in \`${namespace}\`: give them the same namespace (\`-n\` sets it for manifests that name none)`
          : `service account \`${saName}\` of namespace \`${namespace}\` is not among the manifests: pass its manifest with -f`,
      )
    }
    serviceAccount = { name: 'default', namespace, annotations: {} }
  }

  // The API server names a `generateName` Pod and gives every Pod a uid before admission.
  const name =
    original.metadata?.name ||
    `${original.metadata?.generateName ?? ''}${(options.randomSuffix ?? defaultSuffix)()}`
  const uid = (options.newUid ?? randomUUID)()
  const pod: Pod = { ...original, metadata: { ...original.metadata, name, uid } }

  const mutation = mutatePod({ pod, serviceAccount, config, namespace })
  if (mutation.skippedReason === 'not-annotated') {
    notices.push(
      `service account \`${saName}\` has no \`${config.annotationPrefix}/role-arn\` annotation: the pod gets no AWS credentials`,
    )
  }
  notices.push(...mutation.warnings)
  const mutated = mutation.patch.length > 0 ? applyJsonPatch(pod, mutation.patch) : pod
  return {
    pod: mutated,
    name,
    uid,
    namespace,
    serviceAccountName: saName,
    serviceAccount,
    mutation,
    notices,
  }
}
