import { type ErrorCode, LanyardError } from '../errors.js'
import type { ExchangeAudit } from './types.js'

/**
 * A refusal that carries why, for the audit trail and `lanyard explain`. The wire message stays
 * AWS's (the details are appended only under `--explain-denials`).
 */
export class ExplainedError extends LanyardError {
  readonly audit: ExchangeAudit
  constructor(
    code: ErrorCode,
    message: string,
    audit: ExchangeAudit,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
    this.name = 'ExplainedError'
    this.audit = audit
  }
}
