/**
 * The few Kubernetes shapes the webhook reads. `@kubernetes/client-node` has no AdmissionReview
 * model, and its Pod classes are camelCase mirrors meant for its own serializer; the webhook works
 * on the JSON the kube-apiserver sends, so it keeps every field it does not know untouched.
 */

/** `core/v1 EnvVar`: only `name` matters for the "already set" rules. */
export interface EnvVar {
  name: string
  value?: string
  valueFrom?: unknown
  [field: string]: unknown
}

/** `core/v1 VolumeMount`. */
export interface VolumeMount {
  name: string
  mountPath?: string
  readOnly?: boolean
  [field: string]: unknown
}

/** `core/v1 Container` (also used for init containers). */
export interface Container {
  name: string
  env?: EnvVar[] | null
  volumeMounts?: VolumeMount[] | null
  [field: string]: unknown
}

/** `core/v1 Volume`. */
export interface Volume {
  name: string
  [field: string]: unknown
}

/** `core/v1 PodSpec`, the parts the mutation reads. */
export interface PodSpec {
  containers: Container[]
  initContainers?: Container[] | null
  volumes?: Volume[] | null
  nodeSelector?: Record<string, string> | null
  serviceAccountName?: string
  [field: string]: unknown
}

/** `meta/v1 ObjectMeta`, the parts the mutation reads. */
export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  annotations?: Record<string, string> | null
  labels?: Record<string, string> | null
  [field: string]: unknown
}

/** `core/v1 Pod` as it arrives in an AdmissionReview. */
export interface Pod {
  apiVersion?: string
  kind?: string
  metadata?: ObjectMeta
  spec: PodSpec
  [field: string]: unknown
}

/**
 * What the webhook needs of a ServiceAccount: its name, namespace and annotations. The
 * ServiceAccount cache (`src/webhook/sa-cache`) returns this.
 */
export interface ServiceAccountInfo {
  name: string
  namespace: string
  annotations: Record<string, string>
}

/** One RFC 6902 operation. The webhook only emits `add`. */
export type JsonPatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'test'; path: string; value: unknown }

/** Finds the ServiceAccount a Pod names; `undefined` when it does not exist. */
export type LookupServiceAccount = (
  namespace: string,
  name: string,
) => Promise<ServiceAccountInfo | undefined>

/**
 * The optional admission-time check: warnings (empty when all is well) about the role a Pod is
 * about to use, e.g. it does not exist or its trust policy would refuse this ServiceAccount.
 */
export type CheckRole = (
  roleArn: string,
  namespace: string,
  serviceAccount: string,
  audience: string,
) => Promise<string[]>

/**
 * Told when a Pod that (as far as can be known) should get credentials could not be mutated;
 * the ServiceAccount cache's owner turns it into a Kubernetes Event. Never called for dry runs.
 * `pod.metadata.namespace` is set to the request's namespace.
 */
export type OnMutationFailure = (pod: Pod, reason: string) => void | Promise<void>
