// biome-ignore lint/style/noRestrictedImports: the test reads its fixtures; the engine stays pure
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createRequestContext } from './context.js'
import { evaluatePolicies } from './evaluate.js'
import { explainDecision } from './explain.js'
import { parsePolicy } from './parse.js'

/**
 * The 68 OIDC trust-condition vectors of Dashtid/subvectors (CC0-1.0, see
 * test/fixtures/oidc-trust-vectors/NOTICE.md), run as real trust policies.
 */

interface SubCondition {
  consumer: 'aws-stringlike' | 'aws-stringequals'
  claim?: string
  pattern: string | string[]
}

interface Vector {
  id: string
  issuer: 'github' | 'gitlab' | 'bitbucket' | 'circleci' | 'terraform-cloud'
  subject: string
  claims?: Record<string, string>
  condition: SubCondition | { consumer: 'aws-all'; of: SubCondition[] }
  expect: 'match' | 'no-match'
}

const dir = new URL('../../test/fixtures/oidc-trust-vectors/vectors/', import.meta.url)
const vectors: Vector[] = readdirSync(dir)
  .filter((f) => f.endsWith('-aws.json'))
  .sort()
  .flatMap(
    (f) => (JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { vectors: Vector[] }).vectors,
  )

// IAM-19: condition keys are `<issuer URL without https://>:<claim>`.
const PROVIDER_HOST: Record<Vector['issuer'], string> = {
  github: 'token.actions.githubusercontent.com',
  gitlab: 'gitlab.com',
  bitbucket: 'api.bitbucket.org/2.0/workspaces/example/pipelines-config/identity/oidc',
  circleci: 'oidc.circleci.com/org/2a3b4c5d-1111-2222-3333-444455556666',
  'terraform-cloud': 'app.terraform.io',
}
const ACCOUNT = '111122223333'

function trustPolicyText(v: Vector): string {
  const host = PROVIDER_HOST[v.issuer]
  const parts = v.condition.consumer === 'aws-all' ? v.condition.of : [v.condition as SubCondition]
  const condition: Record<string, Record<string, string | string[]>> = {}
  for (const part of parts) {
    const operator = part.consumer === 'aws-stringequals' ? 'StringEquals' : 'StringLike'
    const key = `${host}:${part.claim ?? 'sub'}`
    condition[operator] ??= {}
    const block = condition[operator]
    if (block[key] !== undefined) throw new Error(`${v.id}: ${operator} ${key} twice`)
    block[key] = part.pattern
  }
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  })
}

describe('OIDC trust vectors (Dashtid/subvectors @ bac5954d)', () => {
  it('has all 68 AWS vectors', () => {
    expect(vectors).toHaveLength(68)
  })

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const parsed = parsePolicy(trustPolicyText(v), { kind: 'trust', label: 'trust' })
    expect(parsed.ok ? [] : parsed.issues).toEqual([])
    if (!parsed.ok) return
    const host = PROVIDER_HOST[v.issuer]
    const claims: Record<string, string> = { sub: v.subject, ...v.claims }
    const context = createRequestContext(
      Object.fromEntries(
        Object.entries(claims).map(([claim, value]) => [`${host}:${claim}`, value]),
      ),
    )
    const decision = evaluatePolicies(
      {
        principal: { federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: `arn:aws:iam::${ACCOUNT}:role/ci-deploy`,
        context,
      },
      { resource: [parsed.policy] },
      { trace: true },
    )
    expect(decision.decision).toBe(v.expect === 'match' ? 'allowed' : 'implicitDeny')
    if (v.expect === 'no-match') {
      // The explanation names the failing condition.
      expect(explainDecision(decision).some((line) => line.includes('condition String'))).toBe(true)
    }
  })
})
