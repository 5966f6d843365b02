import { isLanyardError, LanyardError } from '../errors.js'
import { exceedsJsonDepth, MAX_REVIEW_DEPTH } from './json-depth.js'
import type { SkipReason, WebhookMetrics } from './metrics.js'
import { mutatePod, podServiceAccountName } from './mutate-pod.js'
import { parsePod } from './parse-pod.js'
import type {
  CheckRole,
  JsonPatchOp,
  LookupServiceAccount,
  OnMutationFailure,
  Pod,
  ServiceAccountInfo,
} from './types.js'
import type { WebhookConfig } from './webhook-config.js'

/** AdmissionReview versions answered; the response carries the version of the request. */
export const ADMISSION_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const
export type AdmissionVersion = (typeof ADMISSION_VERSIONS)[number]

/**
 * Largest body read: the API server refuses requests above 3 MiB (`MaxRequestBodyBytes`) and
 * etcd objects above 1.5 MiB, so no review it sends for a Pod it would store is larger.
 */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024
/** How long a ServiceAccount lookup may take; the API server gives the whole call 10 s. */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 4000
/** How long the optional role check may take before the Pod is admitted without its warnings. */
export const DEFAULT_CHECK_ROLE_TIMEOUT_MS = 2000

/** What the webhook needs around the pure mutation. */
export interface AdmissionDeps {
  config: WebhookConfig
  /** The ServiceAccount cache (with its live-GET fallback). */
  lookupServiceAccount: LookupServiceAccount
  /** Reports Pods that should have been mutated and were not (a Kubernetes Event). */
  onMutationFailure?: OnMutationFailure | undefined
  /** The optional admission-time role check (`--check-roles`). */
  checkRole?: CheckRole | undefined
  metrics?: WebhookMetrics | undefined
  maxBodyBytes?: number | undefined
  lookupTimeoutMs?: number | undefined
  checkRoleTimeoutMs?: number | undefined
  /** Jitter source of container-credentials mode (see {@link mutatePod}). */
  randomInt?: ((n: number) => number) | undefined
  /** Called with errors that were absorbed (a failing hook, lookup or role check). */
  onError?: ((err: unknown, context: string) => void) | undefined
}

/** The HTTP request as the server read it. */
export interface AdmissionHttpRequest {
  /** The `Content-Type` header. */
  contentType: string | undefined
  body: string | Uint8Array
}

/** The HTTP answer: 200 with an AdmissionReview, or 400 / 413 / 415 with a plain-text reason. */
export interface AdmissionHttpResponse {
  status: number
  contentType: string
  body: string
}

/** The fields of an AdmissionReview request the webhook reads. */
export interface AdmissionRequest {
  uid: string
  kind?: { group?: unknown; version?: unknown; kind?: unknown } | undefined
  subResource?: unknown
  operation?: unknown
  namespace?: unknown
  dryRun?: unknown
  object?: unknown
}

/** A decoded AdmissionReview. */
export interface AdmissionReview {
  apiVersion: AdmissionVersion
  request: AdmissionRequest
}

/** The `response` of an AdmissionReview. */
export interface AdmissionResponse {
  uid: string
  allowed: true
  patchType?: 'JSONPatch'
  /** base64 of the JSON array of operations. */
  patch?: string
  warnings?: string[]
}

const TEXT = 'text/plain; charset=utf-8'
const plain = (status: number, message: string): AdmissionHttpResponse => ({
  status,
  contentType: TEXT,
  body: `${message}\n`,
})

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Decodes and checks an AdmissionReview body: a JSON object of kind `AdmissionReview`, version
 * `admission.k8s.io/v1` or `v1beta1` (a missing version is read as v1, as upstream's decoder
 * defaults it; upstream's own `hack/request.json` has none), with a `request` object carrying a
 * non-empty `uid`, nested at most {@link MAX_REVIEW_DEPTH} levels. Throws `request.malformed` with a message for the 400 answer.
 */
export function parseAdmissionReview(text: string): AdmissionReview {
  if (exceedsJsonDepth(text, MAX_REVIEW_DEPTH)) {
    throw new LanyardError('request.malformed', `body nests deeper than ${MAX_REVIEW_DEPTH} levels`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new LanyardError('request.malformed', 'body is not valid json')
  }
  if (!isObject(value)) throw new LanyardError('request.malformed', 'body is not a json object')
  if (value.kind !== 'AdmissionReview') {
    throw new LanyardError('request.malformed', 'kind is not `AdmissionReview`')
  }
  const apiVersion = value.apiVersion ?? 'admission.k8s.io/v1'
  if (!ADMISSION_VERSIONS.includes(apiVersion as AdmissionVersion)) {
    throw new LanyardError(
      'request.malformed',
      `apiVersion \`${String(apiVersion).slice(0, 64)}\` is not admission.k8s.io/v1 or v1beta1`,
    )
  }
  const request = value.request
  if (!isObject(request))
    throw new LanyardError('request.malformed', 'admission review has no request')
  if (typeof request.uid !== 'string' || request.uid === '') {
    throw new LanyardError('request.malformed', 'admission request has no uid')
  }
  return {
    apiVersion: apiVersion as AdmissionVersion,
    request: {
      ...request,
      uid: request.uid,
      kind: isObject(request.kind) ? request.kind : undefined,
    },
  }
}

/** `application/json`, ignoring case and parameters such as `charset`. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json'
}

/** The request is a Pod CREATE (not a subresource such as `pods/ephemeralcontainers`). */
function isPodCreate(request: AdmissionRequest): boolean {
  const kind = request.kind
  return (
    request.operation === 'CREATE' &&
    kind?.group === '' &&
    kind.version === 'v1' &&
    kind.kind === 'Pod' &&
    (request.subResource === undefined || request.subResource === '')
  )
}

const TIMED_OUT = Symbol('timed out')

/** Resolves to the promise's value, or {@link TIMED_OUT} after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms)
    timer.unref()
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

const errorText = (err: unknown) =>
  isLanyardError(err) || err instanceof Error ? err.message : String(err)

/**
 * Decides on one decoded review. Every outcome is `allowed: true` (the webhook never blocks a
 * Pod: failurePolicy Ignore semantics); what varies is the patch and the warnings.
 */
export async function reviewPodCreate(
  review: AdmissionReview,
  deps: AdmissionDeps,
): Promise<AdmissionResponse> {
  const { request } = review
  const { metrics } = deps
  const answer = (
    patch: JsonPatchOp[],
    warnings: string[],
    skipped?: SkipReason,
  ): AdmissionResponse => {
    if (skipped !== undefined) metrics?.skips.inc({ reason: skipped })
    return {
      uid: request.uid,
      allowed: true,
      ...(patch.length > 0
        ? {
            patchType: 'JSONPatch' as const,
            patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
          }
        : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    }
  }
  if (!isPodCreate(request)) return answer([], [], 'not-a-pod-create')

  let pod: Pod
  try {
    pod = parsePod(request.object)
  } catch (err) {
    // Only a hand-made review carries such a Pod: answer it, but create no Event for it.
    if (!isLanyardError(err)) throw err
    return answer([], [], 'malformed-pod')
  }
  const namespace =
    typeof request.namespace === 'string' && request.namespace !== ''
      ? request.namespace
      : (pod.metadata?.namespace ?? '')
  const saName = podServiceAccountName(pod)
  const dryRun = request.dryRun === true

  const fail = (
    reason: string,
    metricReason: 'lookup' | 'internal',
    err: unknown,
  ): AdmissionResponse => {
    deps.onError?.(err, reason)
    metrics?.failures.inc({ reason: metricReason })
    if (!dryRun && deps.onMutationFailure) {
      const named: Pod = { ...pod, metadata: { ...pod.metadata, namespace } }
      try {
        // Not awaited: creating an Event must not delay the Pod.
        Promise.resolve(deps.onMutationFailure(named, reason)).catch((e: unknown) =>
          deps.onError?.(e, 'mutation failure hook'),
        )
      } catch (e) {
        deps.onError?.(e, 'mutation failure hook')
      }
    }
    return answer(
      [],
      [`lanyard: ${reason}; the pod gets no aws credentials`],
      metricReason === 'lookup' ? 'lookup-failed' : 'internal-error',
    )
  }

  let serviceAccount: ServiceAccountInfo | undefined
  try {
    const found = await within(
      deps.lookupServiceAccount(namespace, saName),
      deps.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS,
    )
    if (found === TIMED_OUT) {
      const reason = `service account \`${namespace}/${saName}\` lookup timed out`
      return fail(reason, 'lookup', new Error(reason))
    }
    serviceAccount = found
  } catch (err) {
    return fail(
      `service account \`${namespace}/${saName}\` lookup failed: ${errorText(err)}`,
      'lookup',
      err,
    )
  }

  let result: ReturnType<typeof mutatePod>
  try {
    result = mutatePod({
      pod,
      serviceAccount,
      config: deps.config,
      namespace,
      randomInt: deps.randomInt,
    })
  } catch (err) {
    return fail('the mutation failed unexpectedly', 'internal', err)
  }
  const warnings = result.warnings.map((w) => `lanyard: ${w}`)
  if (!result.mutated) return answer([], warnings, result.skippedReason)
  metrics?.mutations.inc({ method: result.method ?? 'sts_web_identity' })

  if (deps.checkRole && result.roleArn !== undefined) {
    try {
      const found = await within(
        deps.checkRole(result.roleArn, namespace, saName, result.audience ?? ''),
        deps.checkRoleTimeoutMs ?? DEFAULT_CHECK_ROLE_TIMEOUT_MS,
      )
      const extra =
        found === TIMED_OUT ? [`could not check role \`${result.roleArn}\` in time`] : found
      metrics?.roleCheckWarnings.inc(extra.length)
      warnings.push(...extra.map((w) => `lanyard: ${w}`))
    } catch (err) {
      deps.onError?.(err, 'role check')
      warnings.push(`lanyard: could not check role \`${result.roleArn}\``)
    }
  }
  return answer(result.patch, warnings)
}

/**
 * Answers one `POST /mutate`: 415 unless the body is `application/json`, 413 above the size cap,
 * 400 with a reason for a body that is not a well-formed AdmissionReview (never a crash, never a
 * 200 without the request's uid), otherwise 200 with an AdmissionReview of the request's version
 * whose `response` echoes `request.uid`, is always `allowed`, and carries the JSONPatch (base64,
 * `patchType: JSONPatch`) when the Pod gets credentials.
 *
 * @example
 * const res = await handleAdmissionReview(
 *   { contentType: 'application/json', body },
 *   { config: resolveWebhookConfig(), lookupServiceAccount },
 * )
 */
export async function handleAdmissionReview(
  request: AdmissionHttpRequest,
  deps: AdmissionDeps,
): Promise<AdmissionHttpResponse> {
  if (!isJson(request.contentType)) {
    return plain(415, 'Invalid Content-Type, expected `application/json`')
  }
  const max = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const size =
    typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.byteLength
  if (size > max) return plain(413, `body is larger than ${max} bytes`)

  let review: AdmissionReview
  try {
    const text =
      typeof request.body === 'string'
        ? request.body
        : new TextDecoder('utf-8', { fatal: true }).decode(request.body)
    review = parseAdmissionReview(text)
  } catch (err) {
    if (isLanyardError(err)) return plain(400, err.message)
    if (err instanceof TypeError) return plain(400, 'body is not valid utf-8')
    throw err
  }
  const response = await reviewPodCreate(review, deps)
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response }),
  }
}
