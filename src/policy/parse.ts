import { type CompiledPolicy, compileValidDocument } from './compile.js'
import { issue } from './issues.js'
import { scanJson } from './json-scan.js'
import { defaultMaxLength, quotaName } from './limits.js'
import type { PolicyDocument, PolicyIssue, PolicyKind } from './types.js'
import { validateDocument } from './validate.js'

/** Options of {@link parsePolicy}. */
export interface ParseOptions {
  /** Kind of policy: applies its grammar rules and default size limit. */
  readonly kind?: PolicyKind
  /**
   * Maximum characters without white space. Default: AWS's quota for the kind (trust 2,048,
   * session 2,048, identity and boundary 10,240, resource none). `0` or `Infinity` disables.
   */
  readonly maxLength?: number
  /** Label reported in decisions; defaults to the kind, or `policy`. */
  readonly label?: string
  /**
   * Trust policies only: OIDC provider hosts whose statements must restrict `sub` (IAM-18),
   * e.g. `['token.actions.githubusercontent.com']` to behave like AWS for GitHub Actions.
   */
  readonly oidcSubjectRequired?: readonly string[]
}

/** Outcome of {@link parsePolicy}: a compiled policy, or every issue found. */
export type ParseResult =
  | { readonly ok: true; readonly policy: CompiledPolicy; readonly document: PolicyDocument }
  | { readonly ok: false; readonly issues: readonly PolicyIssue[] }

/**
 * Reads policy text as IAM does when a policy is written: strict JSON (duplicate keys are an
 * error), only the characters IAM allows, the size quota, the grammar and the rules of the
 * kind. Returns all issues at once; on success, the compiled policy.
 *
 * @example
 * const r = parsePolicy(text, { kind: 'trust', label: 'trust' })
 * if (!r.ok) return malformed(r.issues) // each { code, path, message }
 */
export function parsePolicy(text: string, options: ParseOptions = {}): ParseResult {
  const scanned = scanJson(text)
  const issues: PolicyIssue[] = [...scanned.issues]
  const max = options.maxLength ?? defaultMaxLength(options.kind)
  if (max !== undefined && max > 0 && scanned.significantLength > max) {
    issues.push(
      issue('policy.too_large', '', `Cannot exceed quota for ${quotaName(options.kind)}: ${max}`),
    )
  }
  if (scanned.value !== undefined)
    issues.push(
      ...validateDocument(
        scanned.value,
        options.kind,
        options.oidcSubjectRequired === undefined
          ? {}
          : { oidcSubjectRequired: options.oidcSubjectRequired },
      ),
    )
  if (issues.length > 0 || scanned.value === undefined) return { ok: false, issues }
  // INVARIANT: validateDocument found nothing, so the value has the PolicyDocument shape.
  const document = scanned.value as PolicyDocument
  const compileOptions =
    options.label === undefined
      ? options.kind === undefined
        ? {}
        : { kind: options.kind }
      : options.kind === undefined
        ? { label: options.label }
        : { label: options.label, kind: options.kind }
  return { ok: true, policy: compileValidDocument(document, compileOptions), document }
}
