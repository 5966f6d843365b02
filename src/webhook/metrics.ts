import { Counter, Histogram, Registry } from 'prom-client'

/** Why a Pod got no patch although it reached the mutation. */
export type SkipReason =
  | 'no-service-account'
  | 'not-annotated'
  | 'up-to-date'
  | 'not-a-pod-create'
  | 'lookup-failed'
  | 'internal-error'
  | 'malformed-pod'

/** How a Pod was given credentials (upstream's `pod_identity_webhook_pod_count{method}`). */
export type MutationMethod = 'sts_web_identity' | 'container_credentials'

/**
 * The webhook's Prometheus metrics, on a registry of their own (never prom-client's global one,
 * so several webhooks or test runs in one process do not collide).
 *
 * The ServiceAccount cache increments `cacheHits`, `cacheMisses` and `liveGets`; the admission
 * handler the rest; the server the request counter and latency histogram.
 */
export interface WebhookMetrics {
  readonly registry: Registry
  /** `lanyard_webhook_mutations_total{method}`: Pods that got a non-empty patch. */
  readonly mutations: Counter<'method'>
  /** `lanyard_webhook_skips_total{reason}`: Pods (or requests) answered without a patch. */
  readonly skips: Counter<'reason'>
  /**
   * `lanyard_webhook_mutation_failures_total{reason}`: Pods naming an annotated ServiceAccount
   * (or one that could not be looked up) that could not be mutated.
   */
  readonly failures: Counter<'reason'>
  /** `lanyard_webhook_sa_cache_hits_total`. */
  readonly cacheHits: Counter
  /** `lanyard_webhook_sa_cache_misses_total`. */
  readonly cacheMisses: Counter
  /** `lanyard_webhook_sa_live_gets_total{result}`: GETs after a cache miss (`found`, `not_found`, `error`). */
  readonly liveGets: Counter<'result'>
  /** `lanyard_webhook_role_check_warnings_total`: warnings the optional role check returned. */
  readonly roleCheckWarnings: Counter
  /** `lanyard_webhook_tls_reloads_total{result}`: certificate reloads (`ok`, `error`). */
  readonly tlsReloads: Counter<'result'>
  /** `lanyard_webhook_requests_total{method,path,code}`. */
  readonly requests: Counter<'method' | 'path' | 'code'>
  /** `lanyard_webhook_request_duration_seconds{path}`: time to answer, in seconds. */
  readonly requestDuration: Histogram<'path'>
}

/**
 * Creates the webhook metrics on `registry` (a fresh {@link Registry} by default).
 *
 * @example
 * const metrics = createWebhookMetrics()
 * metrics.cacheHits.inc()
 * const text = await metrics.registry.metrics()
 */
export function createWebhookMetrics(registry: Registry = new Registry()): WebhookMetrics {
  const registers = [registry]
  return {
    registry,
    mutations: new Counter({
      name: 'lanyard_webhook_mutations_total',
      help: 'Pods given credentials, by method',
      labelNames: ['method'],
      registers,
    }),
    skips: new Counter({
      name: 'lanyard_webhook_skips_total',
      help: 'Admission requests answered without a patch, by reason',
      labelNames: ['reason'],
      registers,
    }),
    failures: new Counter({
      name: 'lanyard_webhook_mutation_failures_total',
      help: 'Pods naming an annotated ServiceAccount that could not be mutated, by reason',
      labelNames: ['reason'],
      registers,
    }),
    cacheHits: new Counter({
      name: 'lanyard_webhook_sa_cache_hits_total',
      help: 'ServiceAccount lookups answered from the watch cache',
      registers,
    }),
    cacheMisses: new Counter({
      name: 'lanyard_webhook_sa_cache_misses_total',
      help: 'ServiceAccount lookups the watch cache could not answer',
      registers,
    }),
    liveGets: new Counter({
      name: 'lanyard_webhook_sa_live_gets_total',
      help: 'ServiceAccount GETs against the API server after a cache miss, by result',
      labelNames: ['result'],
      registers,
    }),
    roleCheckWarnings: new Counter({
      name: 'lanyard_webhook_role_check_warnings_total',
      help: 'Warnings returned by the admission-time role check',
      registers,
    }),
    tlsReloads: new Counter({
      name: 'lanyard_webhook_tls_reloads_total',
      help: 'Serving certificate reloads, by result',
      labelNames: ['result'],
      registers,
    }),
    requests: new Counter({
      name: 'lanyard_webhook_requests_total',
      help: 'HTTP requests, by method, path and status code',
      labelNames: ['method', 'path', 'code'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'lanyard_webhook_request_duration_seconds',
      help: 'Time to answer an HTTP request, in seconds',
      labelNames: ['path'],
      // The API server waits 10 s by default (timeoutSeconds); most answers take under 5 ms.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  }
}
