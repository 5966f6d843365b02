import { LanyardError } from '../errors.js'
import { lintPolicy, type PolicyDocument, parsePolicy } from '../policy/index.js'
import { IAM_MESSAGES } from './messages.js'
import type { PolicyFinding } from './types.js'

/** Which grammar a document is held to: a role's trust policy or an identity policy. */
export type PolicyCheckKind = 'identity' | 'trust'

export type PolicyCheck =
  | { ok: true; document: unknown; findings: PolicyFinding[] }
  | { ok: false; message: string }

/**
 * Validates a policy document as IAM does when it is written, with the policy engine
 * (src/policy) — the one place IAM calls it. Sizes are not checked here: IAM's quotas are
 * configurable and the inline quota is an aggregate per role, so the callers enforce them.
 * AWS reports one problem per MalformedPolicyDocument; the engine reports all of them, in
 * document order, and the first one is returned. A valid document is then linted: the
 * findings are risky-but-valid constructs (warnings), never a reason to refuse the write.
 */
export function checkPolicyDocument(text: string, kind: PolicyCheckKind): PolicyCheck {
  const parsed = parsePolicy(text, { kind, maxLength: Number.POSITIVE_INFINITY })
  if (!parsed.ok) {
    const first = parsed.issues[0]
    // AWS says no more than this about bad JSON (aws-sdk-js #1444); the engine adds where.
    if (first === undefined || first.code === 'json.invalid') {
      return { ok: false, message: IAM_MESSAGES.invalidJson }
    }
    return { ok: false, message: first.message }
  }
  return { ok: true, document: parsed.document, findings: lintFindings(parsed.document, kind) }
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

/** The analyzer's findings on a document that passed validation, as IAM's plain shape. */
export function lintFindings(document: PolicyDocument, kind: PolicyCheckKind): PolicyFinding[] {
  return lintPolicy(document, { kind }).map((f) => ({
    code: f.code,
    severity: f.severity,
    path: f.path,
    message: f.message,
  }))
}
