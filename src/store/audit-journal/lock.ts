import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { LanyardError } from '../../errors.js'

const LOCK_FILE = 'writer.lock'

/** Directories whose lock this process holds (a second server in the same process is refused too). */
const held = new Set<string>()

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function inUse(dir: string, pid: number): LanyardError {
  return new LanyardError(
    'config.invalid',
    `the audit journal in \`${dir}\` is in use by another Lanyard server (pid ${pid}); one server per data dir`,
  )
}

/**
 * Takes the journal's writer lock: a file holding this process's id, created exclusively. A lock
 * left by a process that no longer runs (killed) is taken over. Returns the release.
 */
export function lockJournal(dir: string): () => void {
  const key = resolve(dir)
  if (held.has(key)) throw inUse(dir, process.pid)
  const path = join(dir, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      try {
        writeSync(fd, `${process.pid}\n`)
      } finally {
        closeSync(fd)
      }
      held.add(key)
      return () => {
        held.delete(key)
        try {
          unlinkSync(path)
        } catch {
          // Already gone: nothing to release.
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    let owner: number
    try {
      owner = Number.parseInt(readFileSync(path, 'utf8'), 10)
    } catch {
      continue // released meanwhile: try again
    }
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) throw inUse(dir, owner)
    try {
      unlinkSync(path) // stale: its process is gone
    } catch {
      // Taken over by another process meanwhile: the next attempt sees its lock.
    }
  }
  throw inUse(dir, Number.NaN)
}
