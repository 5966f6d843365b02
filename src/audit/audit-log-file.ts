import { createWriteStream, fchmodSync, fstatSync, openSync, type WriteStream } from 'node:fs'
import { LanyardError } from '../errors.js'

/** The `--audit-log` file: every committed audit record appended as one JSON line. */
export interface AuditLogFile {
  /** Appends `line` and a newline; never throws (a failed write is reported to `onError`). */
  write(line: string): void
  /**
   * Opens the path again (after a log rotator renamed the file): later lines go to the new file,
   * the earlier ones are written out to the old one. A path that cannot be opened now keeps the
   * old file and is reported to `onError`.
   */
  reopen(): Promise<void>
  /** Resolves once everything written so far is in the file, then closes it. */
  close(): Promise<void>
}

/** An owner-only file descriptor appending to `path` (a regular file made before: made 0600). */
function openForAppend(path: string): number {
  const fd = openSync(path, 'a', 0o600)
  try {
    if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600)
  } catch {
    // Not its owner: leave the mode alone.
  }
  return fd
}

/** Resolves once `stream` has written everything and closed (at once if it already failed). */
function finish(stream: WriteStream): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stream.destroyed) return resolve() // after an error: its fd is closed already
    stream.once('error', () => resolve())
    stream.end(() => resolve())
  })
}

/**
 * Opens `path` for appending before the server starts, so a path that cannot be opened stops
 * the start with `config.invalid` instead of failing later. Writes are asynchronous, with at most
 * `maxBufferedBytes` (64 MiB) waiting: past that, lines are dropped and counted. An error
 * while writing (a full disk) goes to `onError`, once per opened file, and that file's later
 * lines are dropped: the audit trail itself (the journal and the database) does not depend on
 * this copy.
 */
export function openAuditLogFile(
  path: string,
  onError: (message: string) => void,
  options: { maxBufferedBytes?: number } = {},
): AuditLogFile {
  // Lines wait in memory while the file is slower than the server: bounded, then dropped
  // (counted, and reported once the file has caught up).
  const maxBuffered = options.maxBufferedBytes ?? 64 * 1024 * 1024
  let dropped = 0
  let fd: number
  try {
    fd = openForAppend(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new LanyardError(
      'config.invalid',
      `invalid configuration: cannot open the audit log ${path} (${code})`,
    )
  }
  const reportDropped = () => {
    if (dropped === 0) return
    onError(`the file fell behind: ${dropped} lines were dropped`)
    dropped = 0
  }
  const streamOn = (descriptor: number) => {
    const stream = createWriteStream(path, { fd: descriptor, flags: 'a' })
    stream.once('error', (err) => onError(err.message))
    stream.on('error', () => undefined) // reported once above; never thrown
    stream.on('drain', reportDropped)
    return stream
  }
  let stream = streamOn(fd)
  let closed = false
  return {
    write(line) {
      if (closed || stream.destroyed) return
      if (stream.writableLength > maxBuffered) dropped++
      else stream.write(`${line}\n`)
    },
    async reopen() {
      if (closed) return
      let next: number
      try {
        next = openForAppend(path)
      } catch (err) {
        onError(`cannot open the audit log again: ${(err as NodeJS.ErrnoException).code}`)
        return
      }
      const old = stream
      stream = streamOn(next)
      await finish(old)
    },
    async close() {
      closed = true
      await finish(stream)
      reportDropped()
    },
  }
}
