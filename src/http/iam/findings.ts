import type { PolicyFinding } from '../../iam/index.js'

/**
 * Where the IAM wire layer reports policy lint findings: one call per finding, at warning level
 * (the composition root passes a logger's `warn`). AWS's XML has no place for them, so clients
 * never see them; `lanyard role lint` computes the same findings with `lintRoleTrust`.
 */
export type IamWarn = (message: string, details: Record<string, unknown>) => void

/** The message of every finding's warning: constant, so that log queries can select them. */
export const LINT_WARNING = 'policy lint finding'

/** What a finding is about: the action, the request and the entity written. */
export interface FindingSubject {
  action: string
  requestId: string
  /** The grammar the document was held to. */
  kind: 'trust' | 'identity'
  roleName?: string | undefined
  policyName?: string | undefined
  policyArn?: string | undefined
  versionId?: string | undefined
}

/** Calls `warn` once per finding; nothing when no `warn` was given. */
export function reportFindings(
  warn: IamWarn | undefined,
  findings: readonly PolicyFinding[],
  subject: FindingSubject,
): void {
  if (warn === undefined) return
  const about: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(subject)) if (v !== undefined) about[k] = v
  for (const f of findings) {
    warn(LINT_WARNING, {
      ...about,
      code: f.code,
      severity: f.severity,
      path: f.path,
      finding: f.message,
    })
  }
}
