import { parseAllDocuments } from 'yaml'
import { LanyardError } from '../errors.js'
import type { Pod, ServiceAccountInfo } from '../webhook/types.js'

/** One `-f` argument: where it came from (for messages) and its text. */
export interface ManifestSource {
  name: string
  text: string
}

/** A ConfigMap or Secret: what `configMapKeyRef`, `secretKeyRef` and `envFrom` can read. */
export interface KeyValueObject {
  namespace: string
  name: string
  data: Record<string, string>
}

/** The objects of the manifests that a local pod run uses, namespaces filled in. */
export interface Manifests {
  pods: Pod[]
  serviceAccounts: ServiceAccountInfo[]
  configMaps: KeyValueObject[]
  secrets: KeyValueObject[]
  /** `Kind/name` of the objects a local run has no use for (a Namespace, a Deployment, …). */
  ignored: string[]
}

/** kubectl's namespace when neither `-n` nor the object names one (the kubeconfig default). */
export const DEFAULT_NAMESPACE = 'default'

type Obj = Record<string, unknown>

const invalid = (message: string): never => {
  throw new LanyardError('request.invalid', message)
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A `map[string]string` field: kubectl refuses other value types, so do we. */
function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) return invalid(`${what} must be a map of strings`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      invalid(`${what} \`${k}\` must be a string: quote it in the yaml (\`"${String(v)}"\`)`)
    }
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true })
  }
  return out
}

function yamlObjects(source: ManifestSource): Obj[] {
  // YAML 1.1, as kubectl's sigs.k8s.io/yaml reads it: an unquoted `yes` is a boolean there too.
  const docs = parseAllDocuments(source.text, { version: '1.1' })
  const out: Obj[] = []
  for (const doc of Array.isArray(docs) ? docs : []) {
    const error = doc.errors[0]
    if (error) {
      const where = error.linePos?.[0]
      const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
      invalid(
        `\`${source.name}\` is not valid yaml${where ? ` (line ${where.line})` : ''}: ${first.charAt(0).toLowerCase()}${first.slice(1)}`,
      )
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 })
    if (value === null || value === undefined) continue
    if (!isObject(value)) invalid(`\`${source.name}\` holds a document that is not an object`)
    const obj = value as Obj
    // `kind: List` (and `PodList`, …) wrap their objects in `items`, which kubectl unwraps.
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      for (const item of obj.items) {
        if (!isObject(item)) invalid(`\`${source.name}\` has a list item that is not an object`)
        out.push(item as Obj)
      }
    } else out.push(obj)
  }
  return out
}

/** kubectl apply: `-n` fills in a missing namespace and must agree with one that is written. */
function namespaceOf(meta: Obj, kind: string, name: string, flag: string | undefined): string {
  const own = meta.namespace
  if (own !== undefined && own !== null && own !== '') {
    if (typeof own !== 'string')
      return invalid(`${kind} \`${name}\` has a namespace that is not a string`)
    if (flag !== undefined && own !== flag) {
      invalid(
        `the namespace of ${kind} \`${name}\` (\`${own}\`) does not match the namespace \`${flag}\`: pass \`-n ${own}\` or remove one of them`,
      )
    }
    return own
  }
  return flag ?? DEFAULT_NAMESPACE
}

function metadataOf(obj: Obj, kind: string, source: string): { meta: Obj; name: string } {
  const meta = obj.metadata
  if (!isObject(meta)) return invalid(`a ${kind} in \`${source}\` has no metadata`)
  const name = meta.name
  if (typeof name === 'string' && name !== '') return { meta, name }
  // Only a Pod may be created with generateName alone; its name is made up later.
  if (kind === 'Pod' && typeof meta.generateName === 'string' && meta.generateName !== '') {
    return { meta, name: meta.generateName }
  }
  return invalid(`a ${kind} in \`${source}\` has no metadata.name`)
}

function readPod(obj: Obj, meta: Obj, name: string, namespace: string): Pod {
  const spec = obj.spec
  if (!isObject(spec)) return invalid(`Pod \`${name}\` has no spec`)
  const check = (list: unknown, field: string, required: boolean) => {
    if (list === undefined || list === null) {
      if (required) invalid(`Pod \`${name}\` has no spec.${field}`)
      return
    }
    if (!Array.isArray(list) || (required && list.length === 0)) {
      invalid(`spec.${field} of Pod \`${name}\` must be a non-empty list`)
    }
    for (const c of list as unknown[]) {
      if (!isObject(c) || typeof c.name !== 'string' || c.name === '') {
        invalid(`every entry of spec.${field} of Pod \`${name}\` needs a name`)
      }
    }
  }
  check(spec.containers, 'containers', true)
  check(spec.initContainers, 'initContainers', false)
  stringMap(meta.annotations, `annotation of Pod \`${name}\``)
  stringMap(meta.labels, `label of Pod \`${name}\``)
  return { ...obj, metadata: { ...meta, namespace }, spec } as Pod
}

function readKeyValues(
  kind: 'ConfigMap' | 'Secret',
  obj: Obj,
  name: string,
): Record<string, string> {
  const data: Record<string, string> = {}
  const put = (k: string, v: string) =>
    Object.defineProperty(data, k, { value: v, enumerable: true, writable: true })
  const decode = (field: string) => {
    for (const [k, v] of Object.entries(
      stringMap(obj[field], `${field} key of ${kind} \`${name}\``),
    )) {
      // The API server stores `data` (Secret) and `binaryData` (ConfigMap) base64-encoded.
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, ''))) {
        invalid(`${field} key \`${k}\` of ${kind} \`${name}\` is not base64`)
      }
      put(k, Buffer.from(v, 'base64').toString('utf8'))
    }
  }
  if (kind === 'ConfigMap') {
    for (const [k, v] of Object.entries(stringMap(obj.data, `data key of ConfigMap \`${name}\``)))
      put(k, v)
    decode('binaryData')
  } else {
    decode('data')
    // stringData is write-only sugar that the API server merges over `data`.
    for (const [k, v] of Object.entries(
      stringMap(obj.stringData, `stringData key of Secret \`${name}\``),
    ))
      put(k, v)
  }
  return data
}

/**
 * Reads the manifests given to `lanyard pod run` as `kubectl apply -f … [-n namespace]` would:
 * multi-document YAML, `List`s unwrapped, the namespace filled in from `-n` (or `default`) and
 * checked against a written one. Keeps Pods, ServiceAccounts, ConfigMaps and Secrets. Pure.
 * Throws `request.invalid` naming the file and the problem.
 */
export function readManifests(sources: readonly ManifestSource[], namespace?: string): Manifests {
  const out: Manifests = { pods: [], serviceAccounts: [], configMaps: [], secrets: [], ignored: [] }
  for (const source of sources) {
    for (const obj of yamlObjects(source)) {
      const kind = obj.kind
      if (typeof kind !== 'string' || kind === '') {
        invalid(`an object in \`${source.name}\` has no kind`)
      }
      const k = kind as string
      const { meta, name } = metadataOf(obj, k, source.name)
      const ns = namespaceOf(meta, k, name, namespace)
      switch (k) {
        case 'Pod':
          out.pods.push(readPod(obj, meta, name, ns))
          break
        case 'ServiceAccount':
          out.serviceAccounts.push({
            name,
            namespace: ns,
            annotations: stringMap(meta.annotations, `annotation of ServiceAccount \`${name}\``),
          })
          break
        case 'ConfigMap':
          out.configMaps.push({ namespace: ns, name, data: readKeyValues('ConfigMap', obj, name) })
          break
        case 'Secret':
          out.secrets.push({ namespace: ns, name, data: readKeyValues('Secret', obj, name) })
          break
        default:
          out.ignored.push(`${k}/${name}`)
      }
    }
  }
  return out
}
