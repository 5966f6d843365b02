import type { ClusterView, EksService } from '../../eks/eks-service.js'
import { LanyardError } from '../../errors.js'
import { parseSigV4Auth } from '../../sigv4/index.js'
import { weakMemo } from '../../weak-memo.js'
import { toAwsError } from '../aws-errors.js'
import type { CallGuard } from '../call-guard.js'
import { parseQueryString } from '../query-params.js'
import type { RestReply, RestRequest, RestRoute } from '../rest.js'

const JSON_TYPE = 'application/json'

/** EKS restJson1 timestamps are epoch seconds. */
function clusterJson(c: ClusterView): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: c.name,
    arn: c.arn,
    createdAt: c.createdAt.getTime() / 1000,
    version: c.version,
  }
  if (c.roleArn !== undefined) json.roleArn = c.roleArn
  json.identity = c.identity
  json.status = c.status
  json.platformVersion = 'eks.1'
  json.tags = c.tags
  return json
}

/**
 * DescribeCluster's answer, written once per view: the service hands out the same view while the
 * cluster's record is unchanged, and every signed call of a pod may ask for it.
 */
const describeBody = weakMemo((c: ClusterView): string =>
  JSON.stringify({ cluster: clusterJson(c) }),
)

function parseJsonBody(body: Uint8Array): Record<string, unknown> {
  if (body.length === 0) return {}
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    throw new LanyardError('request.invalid', 'the request body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LanyardError('request.invalid', 'the request body must be a JSON object')
  }
  return value as Record<string, unknown>
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string')
    throw new LanyardError('request.invalid', `\`${name}\` must be a string`)
  return v
}

function tagsOf(body: Record<string, unknown>): Record<string, string> | undefined {
  const t = body.tags
  if (t === undefined || t === null) return undefined
  if (
    typeof t !== 'object' ||
    Array.isArray(t) ||
    Object.values(t).some((v) => typeof v !== 'string')
  ) {
    throw new LanyardError('request.invalid', '`tags` must be a map of strings')
  }
  return t as Record<string, string>
}

const okBody = (status: number, body: string): RestReply => ({
  status,
  headers: { 'content-type': JSON_TYPE },
  body,
})

const ok = (status: number, value: unknown): RestReply => okBody(status, JSON.stringify(value))

interface EksCall {
  action: string
  resource: string
  params: Record<string, unknown>
  run: () => Promise<RestReply>
}

/** EKS's REST routes: `/clusters` and `/clusters/{name}`, signed with service `eks`. */
export function createEksRestRoute(
  eks: EksService,
  options: { guard?: CallGuard; accountId: string; region: string },
): RestRoute {
  const clusterArn = (name: string) =>
    `arn:aws:eks:${options.region}:${options.accountId}:cluster/${name}`

  /** Which operation a request is, with what it is authorized on; nothing runs yet. */
  function resolve(req: RestRequest): EksCall {
    const rest = req.path.slice('/clusters'.length)
    if (rest === '' || rest === '/') {
      if (req.method === 'POST') {
        const body = parseJsonBody(req.body)
        const name = optionalString(body, 'name')
        if (name === undefined)
          throw new LanyardError('request.invalid', 'The request must contain the parameter name.')
        const version = optionalString(body, 'version')
        const roleArn = optionalString(body, 'roleArn')
        const tags = tagsOf(body)
        return {
          action: 'CreateCluster',
          resource: clusterArn(name),
          params: {
            name,
            ...(version !== undefined ? { version } : {}),
            ...(roleArn !== undefined ? { roleArn } : {}),
          },
          run: async () => {
            const c = await eks.createCluster({
              name,
              ...(version !== undefined ? { version } : {}),
              ...(roleArn !== undefined ? { roleArn } : {}),
              ...(tags !== undefined ? { tags } : {}),
            })
            return ok(200, { cluster: clusterJson(c) })
          },
        }
      }
      if (req.method === 'GET') {
        const q = parseQueryString(req.query)
        const max = q.get('maxResults')
        const maxResults = max === undefined ? undefined : Number(max)
        if (
          maxResults !== undefined &&
          !(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= 100)
        ) {
          throw new LanyardError('request.invalid', 'maxResults must be between 1 and 100')
        }
        const nextToken = q.get('nextToken')
        return {
          action: 'ListClusters',
          resource: clusterArn('*'),
          params: { ...(maxResults !== undefined ? { maxResults } : {}) },
          run: async () => {
            const page = await eks.listClusters({
              ...(maxResults !== undefined ? { maxResults } : {}),
              ...(nextToken !== undefined ? { nextToken } : {}),
            })
            return ok(200, {
              clusters: page.clusters,
              ...(page.nextToken ? { nextToken: page.nextToken } : {}),
            })
          },
        }
      }
    } else {
      let name: string
      try {
        name = decodeURIComponent(rest.slice(1))
      } catch {
        throw new LanyardError('request.invalid', 'the cluster name is not valid percent-encoding')
      }
      if (!name.includes('/')) {
        if (req.method === 'GET') {
          return {
            action: 'DescribeCluster',
            resource: clusterArn(name),
            params: { name },
            run: async () => okBody(200, describeBody(await eks.describeCluster(name))),
          }
        }
        if (req.method === 'DELETE') {
          return {
            action: 'DeleteCluster',
            resource: clusterArn(name),
            params: { name },
            run: async () => ok(200, { cluster: clusterJson(await eks.deleteCluster(name)) }),
          }
        }
      }
    }
    throw new LanyardError(
      'request.unknown_action',
      `no EKS operation for ${req.method} ${req.path.slice(0, 128)}`,
    )
  }

  async function dispatch(req: RestRequest): Promise<RestReply> {
    const auth = parseSigV4Auth(req.sigRequest)
    if (!auth) throw new LanyardError('signature.missing', 'Missing Authentication Token')
    const caller = await req.authenticate(req.sigRequest, auth)
    const call = resolve(req)
    const ctx = req.context(caller)
    if (!options.guard) return call.run()
    return options.guard.run(
      {
        service: 'eks',
        action: call.action,
        resource: call.resource,
        ctx,
        requestParameters: call.params,
      },
      call.run,
    )
  }

  return {
    matches: (path) => path === '/clusters' || path.startsWith('/clusters/'),
    async handle(req) {
      try {
        return await dispatch(req)
      } catch (err) {
        const e = toAwsError(err, 'eks')
        return {
          status: e.status,
          headers: { 'content-type': JSON_TYPE, 'x-amzn-ErrorType': e.code },
          body: JSON.stringify({ message: e.message }),
        }
      }
    },
  }
}
