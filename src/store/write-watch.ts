import { type FSWatcher, watch } from 'node:fs'

/** A directory being watched for writes (see {@link watchWrites}). */
export interface WriteWatch {
  close(): void
}

/**
 * Watches the entries of `dir` (not those of its subdirectories) for writes, calling `onWrite`
 * for each one whose name `relevant` accepts (every one when it is omitted, or when the platform
 * does not name it). On Linux this is inotify: the kernel reports the writes of every process on
 * this host, and nothing is polled, so a thread that waits on it costs no CPU while nothing is
 * written. Undefined when `dir` cannot be watched (it does not exist, or the platform cannot):
 * the caller polls instead. `onLost` is called once if the watch fails later (the directory was
 * removed); the watch is closed by then.
 */
export function watchWrites(
  dir: string,
  onWrite: () => void,
  onLost: () => void,
  relevant?: (name: string) => boolean,
): WriteWatch | undefined {
  let watcher: FSWatcher
  try {
    watcher = watch(dir, (_event, name) => {
      if (relevant === undefined || name === null || relevant(String(name))) onWrite()
    })
  } catch {
    return undefined
  }
  let open = true
  const close = () => {
    if (!open) return
    open = false
    watcher.close()
  }
  watcher.on('error', () => {
    close()
    onLost()
  })
  return { close }
}

/**
 * When a reader that follows writes reads again after a read, given how long before that read
 * the last write it was told of happened: `busyMs` later when that write was less than `busyMs`
 * before (a writer may be told of before its commit is visible: the WAL's frames are written
 * before its index is updated, so the last read comes at least `busyMs` after the last write),
 * else not until the next write (undefined).
 */
export function nextReadDelay(sinceLastWriteMs: number, busyMs: number): number | undefined {
  return sinceLastWriteMs < busyMs ? busyMs : undefined
}
