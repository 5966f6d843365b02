import {
  type EntityJson,
  preparsePolicySet,
  type StatefulAuthorizationCall,
  statefulIsAuthorized,
} from '@cedar-policy/cedar-wasm/nodejs'
import type { Scenario } from './corpus.js'
import type { Decide, Engine } from './engine.js'

/**
 * `@cedar-policy/cedar-wasm` (dev-only) with the policy set pre-parsed once
 * (`preparsePolicySet`) and evaluated with `statefulIsAuthorized`; requests (and the action
 * group entities a request needs) built once. Each call still crosses into WebAssembly with
 * the request as JavaScript values, which is how the package is meant to be used from Node.
 */
export const cedarEngine: Engine = {
  name: 'cedar',
  prepare(s: Scenario): Decide {
    const id = `bench-${s.name}`
    const parsed = preparsePolicySet(id, { staticPolicies: s.cedarPolicies })
    if (parsed.type !== 'success') {
      throw new Error(`cedar policies of ${s.name}: ${JSON.stringify(parsed.errors)}`)
    }
    const calls: StatefulAuthorizationCall[] = s.requests.map((r) => {
      const entities: EntityJson[] = (r.cedar.actionGroups ?? []).map((group) => ({
        uid: { type: 'Action', id: r.action },
        attrs: {},
        parents: [{ type: 'Action', id: group }],
      }))
      return {
        principal: r.cedar.principal,
        action: { type: 'Action', id: r.action },
        resource: { type: s.trust === undefined ? 'Resource' : 'Role', id: r.resource },
        context: { ...r.cedar.context },
        preparsedPolicySetId: id,
        entities,
      }
    })
    const n = calls.length
    return (i) => {
      const answer = statefulIsAuthorized(calls[i % n] as StatefulAuthorizationCall)
      return answer.type === 'success' && answer.response.decision === 'allow'
    }
  },
}
