import { createWriteStream, fchmodSync, fstatSync, openSync } from 'node:fs'
import { LanyardError } from '../errors.js'

/** The `--audit-log` file: every committed audit record appended as one JSON line. */
export interface AuditLogFile {
  /** Appends `line` and a newline; never throws (a failed write is reported to `onError`). */
  write(line: string): void
  /** Resolves once everything written so far is in the file, then closes it. */
  close(): Promise<void>
}

/**
 * Opens `path` for appending before the server starts, so a path that cannot be opened stops
 * the start with `config.invalid` instead of failing later. The file is owner-only (0600), a
 * regular file made before this rule included. Writes are asynchronous; an error while writing
 * (a full disk) goes to `onError`, once, and later lines are dropped: the audit trail itself
 * (the journal and the database) does not depend on this copy.
 */
export function openAuditLogFile(path: string, onError: (message: string) => void): AuditLogFile {
  let fd: number
  try {
    fd = openSync(path, 'a', 0o600)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new LanyardError(
      'config.invalid',
      `invalid configuration: cannot open the audit log ${path} (${code})`,
    )
  }
  try {
    if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600)
  } catch {
    // Not its owner: leave the mode alone.
  }
  const stream = createWriteStream(path, { fd, flags: 'a' })
  let failed = false
  stream.on('error', (err) => {
    if (failed) return
    failed = true
    onError(err.message)
  })
  return {
    write(line) {
      if (!failed && !stream.destroyed) stream.write(`${line}\n`)
    },
    close() {
      return new Promise<void>((resolve) => {
        if (stream.destroyed) return resolve() // after an error: its fd is closed already
        stream.end(() => resolve())
        stream.once('error', () => resolve())
      })
    },
  }
}
