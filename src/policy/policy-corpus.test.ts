// biome-ignore lint/style/noRestrictedImports: the test reads its fixtures; the engine stays pure
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { CompiledPolicy } from './compile.js'
import { createRequestContext } from './context.js'
import { evaluatePolicies, type PolicySet } from './evaluate.js'
import { parsePolicy } from './parse.js'
import type {
  DecisionKind,
  DecisionReason,
  PolicyKind,
  RequestPrincipal,
  StatementRef,
} from './types.js'

/** The policy evaluation corpus in test/fixtures/policy-corpus (format in its README.md). */

interface CorpusPolicy {
  label: string
  kind?: PolicyKind
  document: unknown
}

interface CorpusCase {
  name: string
  doc: string
  policies: {
    identity?: CorpusPolicy[]
    resource?: CorpusPolicy[]
    boundary?: CorpusPolicy
    session?: CorpusPolicy[]
    sessionPrincipal?: boolean
  }
  request: {
    principal?: RequestPrincipal
    action: string
    resource: string
    context: Record<string, string | string[]>
  }
  expect: { decision: DecisionKind; reason?: DecisionReason; matchedStatements: StatementRef[] }
}

const dir = new URL('../../test/fixtures/policy-corpus/', import.meta.url)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()

function compile(p: CorpusPolicy, defaultKind: PolicyKind): CompiledPolicy {
  const r = parsePolicy(JSON.stringify(p.document), { kind: p.kind ?? defaultKind, label: p.label })
  if (!r.ok) throw new Error(`${p.label}: ${JSON.stringify(r.issues)}`)
  return r.policy
}

function policySet(c: CorpusCase): PolicySet {
  const { identity, resource, boundary, session, sessionPrincipal } = c.policies
  return {
    ...(identity === undefined ? {} : { identity: identity.map((p) => compile(p, 'identity')) }),
    ...(resource === undefined ? {} : { resource: resource.map((p) => compile(p, 'resource')) }),
    ...(boundary === undefined ? {} : { boundary: compile(boundary, 'boundary') }),
    ...(session === undefined ? {} : { session: session.map((p) => compile(p, 'session')) }),
    ...(sessionPrincipal === undefined ? {} : { sessionPrincipal }),
  }
}

describe('policy corpus', () => {
  it('has cases', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  for (const file of files) {
    const corpus = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { cases: CorpusCase[] }
    describe(file, () => {
      it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const request = {
          ...(c.request.principal === undefined ? {} : { principal: c.request.principal }),
          action: c.request.action,
          resource: c.request.resource,
          context: createRequestContext(c.request.context),
        }
        const set = policySet(c)
        const d = evaluatePolicies(request, set)
        expect(d.decision, c.doc).toBe(c.expect.decision)
        if (c.expect.reason !== undefined) expect(d.reason, c.doc).toBe(c.expect.reason)
        expect(d.matchedStatements, c.doc).toEqual(c.expect.matchedStatements)
        const traced = evaluatePolicies(request, set, { trace: true })
        expect(traced.decision).toBe(d.decision)
        expect(traced.matchedStatements).toEqual(d.matchedStatements)
      })
    })
  }
})
