import { randomBytes } from 'node:crypto'

/** A custom resource provider's answer (crpg-ref-responses). */
export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED'
  Reason?: string
  PhysicalResourceId?: string
  StackId?: string
  RequestId?: string
  LogicalResourceId?: string
  NoEcho?: boolean
  Data?: Record<string, unknown>
}

/** The path prefix of pre-signed response URLs. */
export const RESPONSE_PATH = '/cloudformation-custom-resource-response/'

/** CloudFormation's limit on a response body (crpg-ref-responses: "4096 bytes"). */
const MAX_RESPONSE = 4096

/** The HTTP answer to a response PUT: `message` is its body (none when empty). */
export interface DeliveryResult {
  status: number
  message: string
}

/** What a response URL that no operation waits for answers (as S3 does an invalid pre-signed URL). */
export const UNKNOWN_RESPONSE_URL: DeliveryResult = Object.freeze({
  status: 403,
  message: 'Access Denied',
})

interface Pending {
  stackId: string
  requestId: string
  logicalResourceId: string
  resolve: (r: CustomResourceResponse) => void
}

/**
 * Pre-signed-like response URLs: each request gets an unguessable token (32 random bytes) in
 * its URL path, valid for one answer. `deliver` validates the body as CloudFormation does and
 * hands it to the waiting operation.
 */
export function createResponseRegistry() {
  const pending = new Map<string, Pending>()
  return {
    /** Opens a response slot; `response` settles on the first valid PUT. */
    open(meta: { stackId: string; requestId: string; logicalResourceId: string }) {
      const token = randomBytes(32).toString('base64url')
      let resolve!: (r: CustomResourceResponse) => void
      const response = new Promise<CustomResourceResponse>((r) => {
        resolve = r
      })
      pending.set(token, { ...meta, resolve })
      return {
        path: `${RESPONSE_PATH}${token}`,
        response,
        close: () => {
          pending.delete(token)
        },
      }
    },

    /** A PUT to a response URL: `{status, message}` of the HTTP answer. */
    deliver(token: string, body: string): DeliveryResult {
      const p = pending.get(token)
      if (!p) return UNKNOWN_RESPONSE_URL
      if (Buffer.byteLength(body) > MAX_RESPONSE)
        return { status: 400, message: 'Response object is too long.' }
      let parsed: CustomResourceResponse
      try {
        parsed = JSON.parse(body) as CustomResourceResponse
      } catch {
        return { status: 400, message: 'Invalid response object: not JSON' }
      }
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        (parsed.Status !== 'SUCCESS' && parsed.Status !== 'FAILED')
      )
        return { status: 400, message: 'Invalid response object: Status must be SUCCESS or FAILED' }
      pending.delete(token)
      p.resolve(parsed)
      return { status: 200, message: '' }
    },

    size: () => pending.size,
  }
}

export type ResponseRegistry = ReturnType<typeof createResponseRegistry>
