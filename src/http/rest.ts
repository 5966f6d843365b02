import type { Authenticate } from '../authn/authenticate.js'
import type { SigV4Request } from '../sigv4/index.js'
import type { Caller, OperationContext } from './operation.js'

export interface RestRequest {
  method: string
  path: string
  query: string
  body: Uint8Array
  sigRequest: SigV4Request
  context: (caller: Caller | undefined) => OperationContext
  authenticate: Authenticate
}

export interface RestReply {
  status: number
  headers: Record<string, string>
  body: string
}

/** A REST-protocol service (EKS's restJson1) mounted on a path prefix. */
export interface RestRoute {
  matches(path: string): boolean
  handle(request: RestRequest): Promise<RestReply>
}
