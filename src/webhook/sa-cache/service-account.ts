import type { ServiceAccountInfo } from '../types.js'

/** A ServiceAccount as the webhook sees it: name, namespace and annotations. */
export type ServiceAccount = ServiceAccountInfo

/** The parts of a `core/v1 ServiceAccount` read here (as sent by the API server). */
interface ServiceAccountObject {
  metadata?: {
    name?: unknown
    namespace?: unknown
    annotations?: unknown
  }
}

/**
 * Projects a ServiceAccount object onto {@link ServiceAccount}; `undefined` when it has no name
 * or namespace. Only string-valued annotations are kept, copied into a fresh object with
 * `Object.fromEntries` (own data properties only: an annotation named `__proto__` stays an
 * annotation).
 */
export function toServiceAccount(obj: unknown): ServiceAccount | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined
  const meta = (obj as ServiceAccountObject).metadata
  if (typeof meta?.name !== 'string' || typeof meta.namespace !== 'string') return undefined
  const raw = meta.annotations
  const annotations =
    typeof raw === 'object' && raw !== null
      ? Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string'))
      : {}
  return { name: meta.name, namespace: meta.namespace, annotations }
}

// DNS-1123 subdomain (ServiceAccount names) and label (namespaces), apimachinery validation.
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/** True when `namespace`/`name` could name a ServiceAccount at all. */
export function isServiceAccountRef(namespace: string, name: string): boolean {
  return (
    namespace.length <= 63 && LABEL.test(namespace) && name.length <= 253 && SUBDOMAIN.test(name)
  )
}
