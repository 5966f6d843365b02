import { type LintCheckCode, severityOf } from './codes.js'
import type { LintFinding } from './types.js'

/** Builds a finding with the check's severity. */
export function finding(code: LintCheckCode, path: string, message: string): LintFinding {
  return { code, severity: severityOf(code), path, message }
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(values: readonly string[]): string {
  if (values.length <= 1) return values[0] ?? ''
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
}
