import { readFileSync } from 'node:fs'
import { LanyardError } from '../errors.js'
import {
  describeTrustedSubjects,
  lintPolicy,
  type PolicyKind,
  parsePolicy,
} from '../policy/index.js'

const KINDS: readonly PolicyKind[] = ['identity', 'resource', 'trust', 'session', 'boundary']

/**
 * `lanyard policy lint`: the findings IAM would log for a policy before it is written, and for a
 * trust policy who could assume the role. Exit status 1 when a finding is an error.
 */
export function lintPolicyFile(file: string, kind: string): { lines: string[]; failed: boolean } {
  if (!KINDS.includes(kind as PolicyKind)) {
    throw new LanyardError('config.invalid', `\`--kind ${kind}\` is not one of ${KINDS.join(', ')}`)
  }
  let text: string
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')
  } catch (err) {
    throw new LanyardError('request.invalid', `cannot read \`${file}\``, { cause: err })
  }
  const findings = lintPolicy(text, { kind: kind as PolicyKind })
  const lines = findings.map(
    (f) => `${f.severity.padEnd(7)} ${f.code}${f.path ? ` at ${f.path}` : ''}: ${f.message}`,
  )
  if (kind === 'trust' && parsePolicy(text, { kind: 'trust' }).ok) {
    for (const who of describeTrustedSubjects(text)) lines.push(`who: ${who}`)
  }
  if (lines.length === 0) lines.push('no findings')
  return { lines, failed: findings.some((f) => f.severity === 'error') }
}
