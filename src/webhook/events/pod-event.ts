import { isoSeconds } from '../../iso-time.js'
/** `reason` of the Event a Pod gets when it names an annotated ServiceAccount but got no patch. */
export const POD_NOT_MUTATED_REASON = 'LanyardPodIdentityNotInjected'

/** `source.component` and `reportingComponent` of Lanyard's Events. */
export const EVENT_COMPONENT = 'lanyard-webhook'

/** The Pod an Event is about, as known at admission (a `generateName` Pod has no name yet). */
export interface PodRef {
  name?: string | undefined
  generateName?: string | undefined
  namespace: string
  uid?: string | undefined
}

/** A `core/v1 Event` as sent to the API server (the legacy shape `kubectl describe` shows). */
export interface CoreV1EventBody {
  apiVersion: 'v1'
  kind: 'Event'
  metadata: { name: string; namespace: string }
  involvedObject: { apiVersion: 'v1'; kind: 'Pod'; namespace: string; name: string; uid?: string }
  reason: string
  message: string
  type: 'Warning' | 'Normal'
  source: { component: string }
  firstTimestamp: string
  lastTimestamp: string
  count: number
  reportingComponent: string
  reportingInstance: string
}

const MAX_MESSAGE = 1024
const MAX_NAME_BASE = 200

/** RFC 3339 with whole seconds, as `metav1.Time` serialises. */
function rfc3339(ms: number): string {
  return isoSeconds(ms)
}

// An Event name is a DNS-1123 subdomain: lower-case alphanumerics, `-` and `.`, ending in an
// alphanumeric. Pod names already are; a generateName prefix ends in `-`.
function nameBase(pod: PodRef): string {
  const raw = (pod.name || pod.generateName || 'pod')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .slice(0, MAX_NAME_BASE)
  return raw.replace(/^[^a-z0-9]+/, '').replace(/[^a-z0-9]+$/, '') || 'pod'
}

/**
 * The Warning Event for a Pod that names an annotated ServiceAccount but could not be given
 * credentials. Pure: the instant, the reporting instance and the name suffix are passed in. The
 * name follows client-go's recorder (`<object>.<unique hex>`). A Pod created with only
 * `generateName` is referred to by that prefix: its final name does not exist yet at admission.
 */
export function buildPodNotMutatedEvent(
  pod: PodRef,
  message: string,
  context: { now: number; instance: string; suffix: string },
): CoreV1EventBody {
  const at = rfc3339(context.now)
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${nameBase(pod)}.${context.suffix}`, namespace: pod.namespace },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: pod.namespace,
      name: pod.name || pod.generateName || '',
      ...(pod.uid ? { uid: pod.uid } : {}),
    },
    reason: POD_NOT_MUTATED_REASON,
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
    type: 'Warning',
    source: { component: EVENT_COMPONENT },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    reportingComponent: EVENT_COMPONENT,
    reportingInstance: context.instance,
  }
}
