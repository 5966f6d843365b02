import { LanyardError } from '../errors.js'
import { IAM_MESSAGES } from './messages.js'
import type { PolicyFinding } from './types.js'

/** Which grammar a document is held to: a role's trust policy or an identity policy. */
export type PolicyCheckKind = 'identity' | 'trust'

export type PolicyCheck =
  | { ok: true; document: unknown; findings: PolicyFinding[] }
  | { ok: false; message: string }

/**
 * Validates a policy document as IAM does when it is written. The one place that calls the
 * policy engine (src/policy).
 *
 * INTERIM: the engine (#2) has not landed yet, so this checks only JSON syntax and the grossest
 * grammar rules; it switches to `parsePolicy(text, { kind })` once src/policy/index.ts exists.
 */
export function checkPolicyDocument(text: string, kind: PolicyCheckKind): PolicyCheck {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    return { ok: false, message: IAM_MESSAGES.invalidJson }
  }
  const syntax = { ok: false, message: 'Syntax errors in policy.' } as const
  if (!isObject(document)) return syntax
  const statement = document.Statement
  const statements = Array.isArray(statement) ? statement : [statement]
  if (statement === undefined || statements.length === 0) return syntax
  for (const s of statements) {
    if (!isObject(s)) return syntax
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return syntax
    if ((s.Action === undefined) === (s.NotAction === undefined)) return syntax
    for (const field of ['Principal', 'NotPrincipal'] as const) {
      if (kind === 'identity' && s[field] !== undefined) {
        return { ok: false, message: `Has prohibited field ${field}` }
      }
    }
    if (kind === 'trust' && s.Principal === undefined) {
      return { ok: false, message: 'Missing required field Principal' }
    }
  }
  return { ok: true, document, findings: [] }
}

/** {@link checkPolicyDocument}, throwing MalformedPolicyDocument with AWS's message. */
export function assertPolicyDocument(
  text: string,
  kind: PolicyCheckKind,
): { document: unknown; findings: PolicyFinding[] } {
  const result = checkPolicyDocument(text, kind)
  if (!result.ok) throw new LanyardError('policy.malformed', result.message)
  return { document: result.document, findings: result.findings }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
