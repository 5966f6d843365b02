/**
 * Kubernetes Events from the webhook: a Warning on each Pod that names an annotated
 * ServiceAccount but could not be given credentials, so `kubectl describe pod` says why.
 *
 * @packageDocumentation
 */
export {
  createEventRecorder,
  type EventRecorder,
  type EventRecorderOptions,
} from './event-recorder.js'
export {
  buildPodNotMutatedEvent,
  type CoreV1EventBody,
  EVENT_COMPONENT,
  POD_NOT_MUTATED_REASON,
  type PodRef,
} from './pod-event.js'
