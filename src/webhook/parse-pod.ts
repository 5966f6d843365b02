import { LanyardError } from '../errors.js'
import type { Pod } from './types.js'

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const fail = (what: string): never => {
  throw new LanyardError('request.invalid', `pod ${what}`)
}

function checkStringMap(value: unknown, path: string): void {
  if (value === undefined || value === null) return
  if (!isObject(value)) fail(`\`${path}\` is not an object`)
  for (const v of Object.values(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`\`${path}\` has a value that is not a string`)
  }
}

function checkNamedList(value: unknown, path: string, required: boolean): void {
  if (value === undefined || value === null) {
    if (required) fail(`\`${path}\` is not an array`)
    return
  }
  if (!Array.isArray(value)) fail(`\`${path}\` is not an array`)
  for (const [i, item] of (value as unknown[]).entries()) {
    if (!isObject(item) || typeof item.name !== 'string') {
      fail(`\`${path}[${i}]\` has no name`)
    }
  }
}

function checkContainers(value: unknown, path: string, required: boolean): void {
  checkNamedList(value, path, required)
  if (!Array.isArray(value)) return
  for (const [i, container] of value.entries()) {
    const c = container as Record<string, unknown>
    checkNamedList(c.env, `${path}[${i}].env`, false)
    checkNamedList(c.volumeMounts, `${path}[${i}].volumeMounts`, false)
  }
}

/**
 * Checks that an AdmissionReview's `object` has the Pod shape the mutation relies on: objects
 * where objects belong, `spec.containers` an array, named containers, env entries, mounts and
 * volumes, string annotations, labels and node selector. The API server only ever sends Pods it
 * decoded, so a failure here means a hand-made or hostile review. Throws `request.invalid`.
 */
export function parsePod(value: unknown): Pod {
  if (!isObject(value)) return fail('object is not a json object')
  if (value.kind !== undefined && value.kind !== 'Pod') fail(`kind is \`${String(value.kind)}\``)
  const metadata = value.metadata
  if (metadata !== undefined) {
    if (!isObject(metadata)) fail('`metadata` is not an object')
    const m = metadata as Record<string, unknown>
    for (const key of ['name', 'generateName', 'namespace'] as const) {
      if (m[key] !== undefined && typeof m[key] !== 'string')
        fail(`\`metadata.${key}\` is not a string`)
    }
    checkStringMap(m.annotations, 'metadata.annotations')
    checkStringMap(m.labels, 'metadata.labels')
  }
  const spec = value.spec
  if (!isObject(spec)) return fail('`spec` is not an object')
  checkContainers(spec.containers, 'spec.containers', true)
  checkContainers(spec.initContainers, 'spec.initContainers', false)
  checkNamedList(spec.volumes, 'spec.volumes', false)
  checkStringMap(spec.nodeSelector, 'spec.nodeSelector')
  if (spec.serviceAccountName !== undefined && typeof spec.serviceAccountName !== 'string') {
    fail('`spec.serviceAccountName` is not a string')
  }
  return value as unknown as Pod
}
