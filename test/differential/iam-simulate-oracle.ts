import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadPolicy } from '@cloud-copilot/iam-policy'

/**
 * `@cloud-copilot/iam-simulate`'s core evaluator as a dev-only test oracle (AGPL: never imported
 * by src/). The package exports only its entry point, so the core modules (the ones
 * `runUnsafeSimulation` uses) are loaded by file URL from its `dist/esm` directory.
 */

const require = createRequire(import.meta.url)
// `require.resolve` picks the CommonJS entry (dist/cjs/index.js); the ESM build sits next to it.
const esm = join(dirname(require.resolve('@cloud-copilot/iam-simulate')), '..', 'esm')
const load = (path: string) => import(pathToFileURL(join(esm, path)).href)
const core = await load('core_engine/CoreSimulatorEngine.js')
const { AwsRequestImpl } = await load('request/request.js')
const { RequestContextImpl } = await load('requestContext.js')
const { DiscoveryContextKeyConstraints } = await load(
  'context_keys/discoveryContextKeyConstraints.js',
)

const parameters = {
  simulationMode: 'Strict',
  discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
}

/** iam-simulate's decision. */
export type OracleDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'

/** A same-account request with identity policies only. */
export interface OracleRequest {
  readonly principal: string
  readonly action: string
  readonly resource: string
  readonly account: string
  readonly context: Readonly<Record<string, string | readonly string[] | undefined>>
  readonly identityPolicies: readonly unknown[]
}

/** Decides a request with iam-simulate's `authorize()`. */
export function oracleDecide(r: OracleRequest): OracleDecision {
  const context: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(r.context)) {
    if (v !== undefined) context[k] = typeof v === 'string' ? v : [...v]
  }
  const analysis = core.authorize({
    request: new AwsRequestImpl(
      r.principal,
      { resource: r.resource, accountId: r.account },
      r.action,
      new RequestContextImpl(context),
    ),
    sessionPolicy: undefined,
    identityPolicies: r.identityPolicies.map((p, i) => loadPolicy(p, { name: `p${i}` })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: undefined,
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: parameters,
  })
  return analysis.result as OracleDecision
}
