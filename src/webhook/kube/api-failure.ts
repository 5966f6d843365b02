import { ApiException } from '@kubernetes/client-node'

/** Why a Kubernetes API call failed, in words safe to log (no token, no body beyond Status). */
export interface ApiFailure {
  /** The HTTP status when the server answered. */
  status?: number
  /** `metav1.Status` reason when the server sent one (`NotFound`, `Forbidden`, …). */
  statusReason?: string
  /** One lower-case sentence. */
  reason: string
}

const MAX_MESSAGE = 200

function statusOf(body: unknown): { reason?: string; message?: string } {
  let parsed = body
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body)
    } catch {
      return {}
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return {}
  const { reason, message } = parsed as { reason?: unknown; message?: unknown }
  return {
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof message === 'string' ? { message: message.slice(0, MAX_MESSAGE) } : {}),
  }
}

/**
 * Describes an error thrown by `@kubernetes/client-node`: an HTTP status with the API server's
 * `Status` (client-node's {@link ApiException}), a timeout from {@link requestTimeout}, or a
 * transport failure (`ECONNREFUSED`, TLS, DNS).
 */
export function describeApiFailure(err: unknown): ApiFailure {
  if (err instanceof ApiException) {
    const status = statusOf(err.body)
    return {
      status: err.code,
      ...(status.reason !== undefined ? { statusReason: status.reason } : {}),
      reason: `the api server answered ${err.code}${status.reason ? ` ${status.reason}` : ''}${status.message ? `: ${status.message}` : ''}`,
    }
  }
  if (err instanceof Error) {
    if (err.name === 'AbortError' || err.name === 'TimeoutError') {
      return { reason: 'the api server did not answer in time' }
    }
    const code = (err as { code?: unknown }).code
    return {
      reason: `the api server could not be reached${typeof code === 'string' ? ` (${code})` : ''}: ${err.message.slice(0, MAX_MESSAGE)}`,
    }
  }
  return { reason: 'the api call failed' }
}
