import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lintPolicyFile } from './policy-command.js'

const dir = mkdtempSync(join(tmpdir(), 'lanyard-lint-'))
const file = (name: string, doc: unknown) => {
  const p = join(dir, name)
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc))
  return p
}
const trust = (condition: unknown) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      ...(condition ? { Condition: condition } : {}),
    },
  ],
})

describe('lanyard policy lint', () => {
  it('passes a tight IRSA trust policy and says who can assume it', () => {
    const r = lintPolicyFile(
      file(
        'ok.json',
        trust({
          StringEquals: {
            'oidc.example.com/id/ABC:sub': 'system:serviceaccount:test:app',
            'oidc.example.com/id/ABC:aud': 'sts.amazonaws.com',
          },
        }),
      ),
      'trust',
    )
    expect(r.failed).toBe(false)
    expect(r.lines.join('\n')).toMatch(/who: .*service account app in namespace test/)
  })

  it('fails a trust policy without a sub condition', () => {
    const r = lintPolicyFile(file('nosub.json', trust(undefined)), 'trust')
    expect(r.failed).toBe(true)
    expect(r.lines.join('\n')).toContain('oidc.sub_missing')
  })

  it('reports validation errors of a malformed document', () => {
    const r = lintPolicyFile(
      file('bad.json', '{"Version":"2012-10-17","Statement":[{"Effect":"allow"}]}'),
      'identity',
    )
    expect(r.failed).toBe(true)
  })

  it('refuses an unknown kind', () => {
    expect(() => lintPolicyFile(file('x.json', trust(undefined)), 'weird')).toThrow(/not one of/)
  })
})
