import { LanyardError } from '../errors.js'
import type { Container, EnvVar, Pod } from '../webhook/types.js'
import { expandVars } from './expand-vars.js'
import { type MountMapping, remapPath } from './local-volumes.js'
import type { KeyValueObject, Manifests } from './manifests.js'

/** What {@link buildContainerEnv} reads. */
export interface ContainerEnvInput {
  /** The admitted Pod (`metadata.name`, `namespace` and `uid` set). */
  pod: Pod
  container: Container
  /** ConfigMaps and Secrets given with the manifests, for `valueFrom` and `envFrom`. */
  manifests: Pick<Manifests, 'configMaps' | 'secrets'>
  /** The container's token mounts: env values under a mount path point at the local copy. */
  mappings: readonly MountMapping[]
  /** What every process needs to find its tools (PATH, HOME, LANG), from this machine. */
  base: Readonly<Record<string, string>>
  /** Lanyard's additions (AWS_ENDPOINT_URL, AWS_CA_BUNDLE, …), below the pod's own env. */
  lanyard: Readonly<Record<string, string>>
  /** `spec.nodeName` of a local run: this machine's host name. */
  nodeName: string
}

/** Variables a pod may set that send its AWS clients away from Lanyard. */
const ENDPOINT_ESCAPES = ['AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A kubelet start failure (`CreateContainerConfigError`), as a message about one variable. */
function unresolvable(container: string, what: string, why: string): never {
  throw new LanyardError('request.invalid', `${what} of container \`${container}\` ${why}`)
}

const LOCAL_IP = '127.0.0.1'

/**
 * The downward API for env (`podFieldSelectorRuntimeValue` and the field labels core/v1 allows):
 * metadata and the ServiceAccount from the Pod, the node being this machine and the pod sharing
 * its network. `undefined` for a field path env cannot use.
 */
function fieldValue(pod: Pod, fieldPath: string, nodeName: string): string | undefined {
  const meta = pod.metadata ?? {}
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath)
  if (subscript) {
    const map = meta[subscript[1] as 'labels' | 'annotations'] ?? {}
    const key = subscript[2] as string
    return Object.hasOwn(map, key) ? (map[key] ?? '') : ''
  }
  switch (fieldPath) {
    case 'metadata.name':
      return meta.name ?? ''
    case 'metadata.namespace':
      return meta.namespace ?? ''
    case 'metadata.uid':
      return meta.uid ?? ''
    case 'spec.serviceAccountName':
      return typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : ''
    case 'spec.nodeName':
      return nodeName
    case 'status.podIP':
    case 'status.podIPs':
    case 'status.hostIP':
    case 'status.hostIPs':
      return LOCAL_IP
    default:
      return undefined
  }
}

function findObject(
  list: readonly KeyValueObject[],
  namespace: string,
  name: unknown,
): KeyValueObject | undefined {
  return list.find((o) => o.namespace === namespace && o.name === name)
}

/**
 * The environment of one container as kubelet builds it (`makeEnvironmentVariables`): `envFrom`
 * sources in order, then `env` entries in order, each value `$(VAR)`-expanded against the
 * variables before it; `valueFrom` read from the Pod (downward API) or from ConfigMaps and
 * Secrets among the manifests, `optional` ones skipped when missing. The result is `base`, then
 * `lanyard`, then the pod's variables with paths under token mounts made local — and nothing
 * else of this machine. Throws `request.invalid` naming a variable that cannot be resolved.
 */
export function buildContainerEnv(input: ContainerEnvInput): {
  env: Record<string, string>
  /** The pod's own variables after expansion (what `$(VAR)` in command/args sees). */
  podEnv: Map<string, string>
  notices: string[]
} {
  const { pod, container, manifests } = input
  const namespace = pod.metadata?.namespace ?? ''
  const podEnv = new Map<string, string>()
  const notices: string[] = []

  for (const [i, from] of (Array.isArray(container.envFrom) ? container.envFrom : []).entries()) {
    if (!isObject(from)) continue
    const prefix = typeof from.prefix === 'string' ? from.prefix : ''
    const ref = isObject(from.configMapRef)
      ? { kind: 'config map', list: manifests.configMaps, ref: from.configMapRef }
      : isObject(from.secretRef)
        ? { kind: 'secret', list: manifests.secrets, ref: from.secretRef }
        : undefined
    if (!ref)
      unresolvable(container.name, `envFrom[${i}]`, 'names neither a config map nor a secret')
    const obj = findObject(ref.list, namespace, ref.ref.name)
    if (!obj) {
      if (ref.ref.optional === true) continue
      unresolvable(
        container.name,
        `envFrom[${i}]`,
        `needs ${ref.kind} \`${String(ref.ref.name)}\`, which is not among the manifests: pass it with -f`,
      )
    }
    for (const [k, v] of Object.entries(obj.data)) podEnv.set(`${prefix}${k}`, v)
  }

  const lookup = (name: string) => podEnv.get(name)
  for (const entry of (Array.isArray(container.env) ? container.env : []) as EnvVar[]) {
    const name = entry.name
    if (typeof name !== 'string' || name === '') {
      unresolvable(container.name, 'an env entry', 'has no name')
    }
    const what = `env \`${name}\``
    if (entry.value !== undefined && entry.value !== null && typeof entry.value !== 'string') {
      unresolvable(container.name, what, 'must have a string value: quote it in the yaml')
    }
    if (typeof entry.value === 'string' && entry.value !== '') {
      podEnv.set(name, expandVars(entry.value, lookup))
      continue
    }
    const from = entry.valueFrom
    if (!isObject(from)) {
      podEnv.set(name, '')
      continue
    }
    if (isObject(from.fieldRef)) {
      const path = String(from.fieldRef.fieldPath)
      const value = fieldValue(pod, path, input.nodeName)
      if (value === undefined) {
        unresolvable(
          container.name,
          what,
          `uses field \`${path}\`, which cannot be resolved locally`,
        )
      }
      podEnv.set(name, value)
      continue
    }
    const keyRef = isObject(from.configMapKeyRef)
      ? { kind: 'config map', list: manifests.configMaps, ref: from.configMapKeyRef }
      : isObject(from.secretKeyRef)
        ? { kind: 'secret', list: manifests.secrets, ref: from.secretKeyRef }
        : undefined
    if (!keyRef) {
      const source = Object.keys(from).join(', ') || 'nothing'
      unresolvable(
        container.name,
        what,
        `takes its value from \`${source}\`, which cannot be resolved locally`,
      )
    }
    const obj = findObject(keyRef.list, namespace, keyRef.ref.name)
    const key = String(keyRef.ref.key)
    if (obj && Object.hasOwn(obj.data, key)) {
      podEnv.set(name, obj.data[key] as string)
    } else if (keyRef.ref.optional !== true) {
      unresolvable(
        container.name,
        what,
        obj
          ? `needs key \`${key}\` of ${keyRef.kind} \`${obj.name}\`, which it does not have`
          : `needs ${keyRef.kind} \`${String(keyRef.ref.name)}\`, which is not among the manifests: pass it with -f`,
      )
    }
  }

  for (const name of ENDPOINT_ESCAPES) {
    if (podEnv.has(name)) {
      notices.push(
        `container \`${container.name}\` sets \`${name}\` itself: its AWS clients may not reach Lanyard`,
      )
    }
  }

  // A null-prototype object: a variable named `__proto__` is a variable like any other.
  const env: Record<string, string> = Object.create(null)
  for (const [k, v] of Object.entries(input.base)) env[k] = v
  for (const [k, v] of Object.entries(input.lanyard)) env[k] = v
  for (const [k, v] of podEnv) env[k] = remapPath(v, input.mappings)
  return { env, podEnv, notices }
}
