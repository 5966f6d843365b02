import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node'
import {
  describeApiFailure,
  type KubeConnectionOptions,
  type KubeLogger,
  requestTimeout,
  resolveKubeConfig,
  silentLogger,
} from '../kube/index.js'
import { buildPodNotMutatedEvent, type PodRef } from './pod-event.js'

/** Options of {@link createEventRecorder}. */
export interface EventRecorderOptions extends KubeConnectionOptions {
  log?: KubeLogger | undefined
  now?: (() => number) | undefined
  /** `reportingInstance`; default the host name (the Pod's name when run in a cluster). */
  instance?: string | undefined
  /** Deadline of one Event POST, in milliseconds. Default 2000. */
  requestTimeoutMs?: number | undefined
  /** Events that may be sent at once before the rate limit applies. Default 20. */
  burst?: number | undefined
  /** Sustained Events per second once the burst is spent. Default 1. */
  perSecond?: number | undefined
}

/** Records Kubernetes Events about Pods the webhook handled. */
export interface EventRecorder {
  /**
   * Creates a Warning Event (`LanyardPodIdentityNotInjected`) on a Pod that names an annotated
   * ServiceAccount but could not be mutated; `reason` is the human explanation (the Event's
   * `message`). Best effort: never throws, resolves when the POST is done or abandoned. The
   * admission path need not await it.
   */
  podNotMutated(pod: PodRef, reason: string): Promise<void>
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/**
 * Creates an {@link EventRecorder} writing `core/v1` Events through `@kubernetes/client-node`.
 * A token bucket (`burst`, `perSecond`) keeps a crash-looping Deployment from flooding the API
 * server with Events — client-go's recorder rate-limits for the same reason; Events over the
 * limit are dropped and logged at debug level.
 */
export function createEventRecorder(options: EventRecorderOptions = {}): EventRecorder {
  const core = resolveKubeConfig(options).makeApiClient(CoreV1Api)
  const log = options.log ?? silentLogger
  const now = options.now ?? Date.now
  const instance = options.instance ?? hostname()
  const timeoutMs = options.requestTimeoutMs ?? 2000
  const burst = options.burst ?? 20
  const perSecond = options.perSecond ?? 1
  let tokens = burst
  let refilledAt = now()

  const take = (): boolean => {
    const t = now()
    tokens = Math.min(burst, tokens + ((t - refilledAt) / 1000) * perSecond)
    refilledAt = t
    if (tokens < 1) return false
    tokens -= 1
    return true
  }

  return {
    async podNotMutated(pod, reason) {
      try {
        if (!LABEL.test(pod.namespace)) return
        if (!take()) {
          log.debug(
            { namespace: pod.namespace, pod: pod.name ?? pod.generateName },
            'event dropped by the rate limit',
          )
          return
        }
        const t = now()
        const body = buildPodNotMutatedEvent(pod, reason, {
          now: t,
          instance,
          suffix: `${(BigInt(t) * 1_000_000n).toString(16)}${randomBytes(2).toString('hex')}`,
        })
        // The generated client types timestamps as Date; RFC 3339 strings pass its serializer
        // unchanged, and are what the API server stores.
        await core.createNamespacedEvent(
          { namespace: pod.namespace, body: body as unknown as CoreV1Event },
          requestTimeout(timeoutMs),
        )
      } catch (err) {
        const failure = describeApiFailure(err)
        if (failure.status === 409) return
        log.warn(
          { namespace: pod.namespace, pod: pod.name ?? pod.generateName, ...failure },
          'could not record the pod event',
        )
      }
    },
  }
}
