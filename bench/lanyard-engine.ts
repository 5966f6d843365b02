import {
  type AuthzRequest,
  compilePolicy,
  createRequestContext,
  evaluatePolicies,
  type PolicySet,
} from '../src/policy/index.js'
import type { Scenario } from './corpus.js'
import type { Decide, Engine } from './engine.js'

/** Lanyard's `evaluatePolicies`, policies compiled once. */
export const lanyardEngine: Engine = {
  name: 'lanyard',
  prepare(s: Scenario): Decide {
    const set: PolicySet = {
      ...(s.trust === undefined
        ? {}
        : { resource: [compilePolicy(s.trust, { kind: 'trust', label: 'trust' })] }),
      ...(s.identity === undefined
        ? {}
        : {
            identity: s.identity.map((d, i) =>
              compilePolicy(d, { kind: 'identity', label: `identity${i}` }),
            ),
          }),
      ...(s.boundary === undefined
        ? {}
        : { boundary: compilePolicy(s.boundary, { kind: 'boundary', label: 'boundary' }) }),
      ...(s.session === undefined
        ? {}
        : { session: [compilePolicy(s.session, { kind: 'session', label: 'session' })] }),
    }
    const requests: AuthzRequest[] = s.requests.map((r) => ({
      principal: r.principal,
      action: r.action,
      resource: r.resource,
      context: createRequestContext(r.context),
    }))
    const n = requests.length
    return (i) => evaluatePolicies(requests[i % n] as AuthzRequest, set).decision === 'allowed'
  },
}
