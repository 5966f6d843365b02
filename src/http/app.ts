import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Authenticate } from '../authn/authenticate.js'
import { LanyardError } from '../errors.js'
import { parseSigV4Auth, type SigV4Request } from '../sigv4/index.js'
import { timeOrderedUuid } from '../time-ordered-id.js'
import { toAwsError, type WireProtocol } from './aws-errors.js'
import type { CallGuard } from './call-guard.js'
import type { Caller, OperationContext, QueryService } from './operation.js'
import { QueryInput } from './query-input.js'
import { parseQueryString } from './query-params.js'
import { readBody } from './read-body.js'
import type { RestRoute } from './rest.js'
import { queryErrorXml, queryResponseXml } from './xml.js'

export interface PublicRoute {
  /** Unsigned GET endpoints (OIDC discovery, JWKS); returns undefined for "not found". */
  match(path: string): boolean
  handle(
    path: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: string } | undefined>
}

export interface AppDeps {
  region: string
  queryServices: readonly QueryService[]
  restRoutes: readonly RestRoute[]
  publicRoutes: readonly PublicRoute[]
  authenticate: Authenticate
  now: () => number
  maxBodyBytes: number
  secure: boolean
  logger: Logger
  isReady: () => boolean
  /** Authorizes and audits signed calls of the services it covers (IAM). */
  guard?: CallGuard
  /** The resource ARN an action of `service` is authorized on. */
  resourceFor?: (
    service: string,
    action: string,
    params: ReadonlyMap<string, string>,
  ) => Promise<string>
}

type Reply = { status: number; headers: Record<string, string>; body: string }

const XML = 'text/xml'
const QUERY_NAMESPACES: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
}

const EMPTY_BODY: Uint8Array = new Uint8Array(0)

/** What the edge reads of a request's headers (see {@link scanHeaders}). */
interface ScannedHeaders {
  /** `rawHeaders` paired up, as SigV4 canonicalisation needs them (order and duplicates kept). */
  pairs: [string, string][]
  /**
   * Whether a body follows: a request with neither `Content-Length` nor `Transfer-Encoding` has
   * none (RFC 9112 §6.3, as node's parser reads it), and its stream is left to node, which
   * drains it once the answer is sent.
   */
  hasBody: boolean
  /** The first `User-Agent`, as node's `req.headers` keeps it. */
  userAgent: string | undefined
}

/**
 * One pass over `rawHeaders` for what the edge needs: node builds `req.headers` (an object of
 * every header) on its first use, a cost per request the signed call does not need to pay.
 */
function scanHeaders(raw: readonly string[]): ScannedHeaders {
  const pairs: [string, string][] = []
  let hasBody = false
  let userAgent: string | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    const value = raw[i + 1] as string
    pairs.push([name, value])
    // By length first: most names are neither, and lower-casing each would cost more.
    const n = name.length
    if (n === 14 || n === 17) {
      const lower = name.toLowerCase()
      if (lower === 'content-length' || lower === 'transfer-encoding') hasBody = true
    } else if (n === 10 && userAgent === undefined && name.toLowerCase() === 'user-agent') {
      userAgent = value
    }
  }
  return { pairs, hasBody, userAgent }
}

/** The request handler: one port for every service, routed by protocol. */
export function createApp(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const byAction = new Map<string, QueryService>()
  const bySigningName = new Map<string, QueryService>()
  for (const s of deps.queryServices) {
    bySigningName.set(s.signingName, s)
    for (const [action, op] of s.operations) if (op.unsigned) byAction.set(action, s)
  }

  // The answer's headers copied by assignment: a spread copy measured about 1 µs slower per
  // answer through writeHead.
  const send = (res: ServerResponse, requestId: string, reply: Reply) => {
    const headers: Record<string, string | number> = {}
    for (const name in reply.headers) headers[name] = reply.headers[name] as string
    headers['x-amzn-RequestId'] = requestId
    headers['content-length'] = Buffer.byteLength(reply.body)
    res.writeHead(reply.status, headers)
    res.end(reply.body)
  }

  async function route(req: IncomingMessage, requestId: string, started: number): Promise<Reply> {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const rawQuery = q === -1 ? '' : url.slice(q + 1)
    const method = req.method ?? 'GET'

    if (method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      const ok = path === '/healthz' || deps.isReady()
      return {
        status: ok ? 200 : 503,
        headers: { 'content-type': 'text/plain' },
        body: ok ? 'ok\n' : 'starting\n',
      }
    }
    for (const pub of deps.publicRoutes) {
      if (!pub.match(path)) continue
      if (method !== 'GET' && method !== 'HEAD') return plainError(405, 'method not allowed')
      return (await pub.handle(path)) ?? plainError(404, 'not found')
    }
    const rest = deps.restRoutes.find((r) => r.matches(path))
    const headers = scanHeaders(req.rawHeaders)
    const body = headers.hasBody ? await readBody(req, deps.maxBodyBytes) : EMPTY_BODY
    const sigRequest: SigV4Request = {
      method,
      path,
      query: rawQuery,
      headers: headers.pairs,
      body,
    }
    const ctx = (caller: Caller | undefined): OperationContext => ({
      requestId,
      caller,
      sourceIp: req.socket.remoteAddress ?? '',
      userAgent: headers.userAgent,
      now: started,
      region: deps.region,
      secure: deps.secure,
    })
    if (rest)
      return rest.handle({
        method,
        path,
        query: rawQuery,
        body,
        sigRequest,
        context: ctx,
        authenticate: deps.authenticate,
      })
    if (path === '/' && (method === 'POST' || method === 'GET'))
      return query(req, method, rawQuery, body, sigRequest, ctx, requestId)
    return plainError(404, 'not found')
  }

  async function query(
    req: IncomingMessage,
    method: string,
    rawQuery: string,
    body: Uint8Array,
    sigRequest: SigV4Request,
    ctx: (caller: Caller | undefined) => OperationContext,
    requestId: string,
  ): Promise<Reply> {
    let protocol: WireProtocol = 'sts'
    try {
      const params = new Map<string, string>()
      if (method === 'POST') {
        const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
        if (type !== 'application/x-www-form-urlencoded') {
          throw new LanyardError(
            'request.unsupported_media',
            'the request body must be application/x-www-form-urlencoded',
          )
        }
      }
      const auth = parseSigV4Auth(sigRequest)
      parseQueryString(rawQuery, params)
      // Presigned requests carry their auth in the query string: keep it out of the API input.
      if (auth?.kind === 'query')
        for (const k of [...params.keys()]) if (k.startsWith('X-Amz-')) params.delete(k)
      if (method === 'POST') parseQueryString(Buffer.from(body).toString('latin1'), params)
      const action = params.get('Action')
      let service: QueryService | undefined
      if (auth) service = bySigningName.get(auth.service)
      else if (action !== undefined) service = byAction.get(action)
      if (!service) {
        if (!auth)
          throw new LanyardError('signature.missing', 'Request is missing Authentication Token')
        throw new LanyardError(
          'request.unknown_action',
          `the service \`${auth.service}\` is not served here`,
        )
      }
      protocol = service.signingName
      if (action === undefined) {
        throw new LanyardError(
          'request.validation',
          "Value null at 'action' failed to satisfy constraint: Member must not be null",
        )
      }
      const op = service.operations.get(action)
      if (!op) {
        throw new LanyardError(
          'request.unknown_action',
          `Could not find operation ${action.slice(0, 128)} for version ${service.version}`,
        )
      }
      let caller: Caller | undefined
      if (!op.unsigned) {
        if (!auth)
          throw new LanyardError('signature.missing', 'Request is missing Authentication Token')
        caller = await deps.authenticate(sigRequest, auth)
      }
      // Every operation exists in one API version; another one names no operation (checked
      // after authentication, as AWS answers a bad signature first). A missing Version is
      // taken as the current one: every SDK sends it, and AWS's answer to its absence is not
      // documented.
      const version = params.get('Version')
      if (version !== undefined && version !== service.version) {
        throw new LanyardError(
          'request.unknown_action',
          `Could not find operation ${action.slice(0, 128)} for version ${version.slice(0, 32)}`,
        )
      }
      params.delete('Action')
      params.delete('Version')
      const opCtx = ctx(caller)
      const guard = deps.guard
      const result =
        caller && guard && service.signingName !== 'sts'
          ? await guard.run(
              {
                service: service.signingName,
                action,
                resource: (await deps.resourceFor?.(service.signingName, action, params)) ?? '*',
                ctx: opCtx,
                requestParameters: requestParameters(params),
              },
              () => op.handle(new QueryInput(params), opCtx),
            )
          : await op.handle(new QueryInput(params), opCtx)
      return {
        status: 200,
        headers: { 'content-type': XML },
        body: queryResponseXml(action, service.namespace, result, requestId),
      }
    } catch (err) {
      logFailure(deps.logger, err)
      const e = toAwsError(err, protocol)
      const namespace = QUERY_NAMESPACES[protocol] ?? (QUERY_NAMESPACES.sts as string)
      return {
        status: e.status,
        headers: { 'content-type': XML },
        body: queryErrorXml(namespace, e, requestId),
      }
    }
  }

  const debug = deps.logger.isLevelEnabled('debug')
  return (req, res) => {
    const requestId = timeOrderedUuid()
    const started = deps.now()
    route(req, requestId, started)
      .catch((err: unknown): Reply => {
        logFailure(deps.logger, err)
        const e = toAwsError(err, 'sts')
        return {
          status: e.status,
          headers: { 'content-type': XML },
          body: queryErrorXml(QUERY_NAMESPACES.sts as string, e, requestId),
        }
      })
      .then((reply) => {
        send(res, requestId, reply)
        if (!debug) return
        // Only the path: a presigned query string carries a signature and a session token.
        deps.logger.debug(
          {
            requestId,
            method: req.method,
            path: (req.url ?? '').split('?')[0],
            status: reply.status,
            ms: deps.now() - started,
          },
          'request',
        )
      })
      .catch((err: unknown) => {
        deps.logger.error({ requestId, err: describe(err) }, 'failed to write response')
        res.destroy()
      })
  }
}

/** CloudTrail-style request parameters: wire names with a lower-case first letter. */
function requestParameters(params: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of params) out[k.charAt(0).toLowerCase() + k.slice(1)] = v
  return out
}

function plainError(status: number, message: string): Reply {
  return { status, headers: { 'content-type': 'text/plain' }, body: `${message}\n` }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error'
}

/** Client mistakes are routine; only unexpected failures are logged with their stack. */
function logFailure(logger: Logger, err: unknown): void {
  if (err instanceof LanyardError)
    logger.debug({ code: err.code, message: err.message }, 'request refused')
  else
    logger.error(
      { err: err instanceof Error ? { name: err.name, stack: err.stack } : 'unknown' },
      'internal failure',
    )
}
