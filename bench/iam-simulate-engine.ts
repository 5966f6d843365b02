import { loadPolicy } from '@cloud-copilot/iam-policy'
import { ACCOUNT, type Scenario } from './corpus.js'
import type { Decide, Engine } from './engine.js'

/**
 * `@cloud-copilot/iam-simulate` (AGPL, dev-only) at its lowest level: `authorize()` of its core
 * engine with policies parsed once by `loadPolicy` and requests built once, as
 * `runUnsafeSimulation` does internally minus the per-call parsing. The package exports only
 * its entry point, so the core modules are loaded by file URL next to it.
 */

const base = import.meta.resolve('@cloud-copilot/iam-simulate')
const load = (path: string) => import(new URL(path, base).href)
const core = await load('./core_engine/CoreSimulatorEngine.js')
const { AwsRequestImpl } = await load('./request/request.js')
const { RequestContextImpl } = await load('./requestContext.js')
const { DiscoveryContextKeyConstraints } = await load(
  './context_keys/discoveryContextKeyConstraints.js',
)

const parameters = {
  simulationMode: 'Strict',
  discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
}

export const iamSimulateEngine: Engine = {
  name: 'iam-simulate',
  prepare(s: Scenario): Decide {
    const calls = s.requests.map((r) => ({
      request: new AwsRequestImpl(
        r.principal.federated ?? r.principal.arn,
        { resource: r.resource, accountId: ACCOUNT },
        r.action,
        new RequestContextImpl({ ...r.context }),
      ),
      sessionPolicy:
        s.session === undefined ? undefined : loadPolicy(s.session, { name: 'session' }),
      identityPolicies: (s.identity ?? []).map((d, i) => loadPolicy(d, { name: `identity${i}` })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: s.trust === undefined ? undefined : loadPolicy(s.trust, { name: 'trust' }),
      permissionBoundaries:
        s.boundary === undefined ? undefined : [loadPolicy(s.boundary, { name: 'boundary' })],
      vpcEndpointPolicies: undefined,
      simulationParameters: parameters,
    }))
    const n = calls.length
    return (i) => core.authorize(calls[i % n]).result === 'Allowed'
  },
}
