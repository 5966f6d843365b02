/** Writes a stream's text with `prefix` in front of every line, as `kubectl logs --prefix` does. */
export interface LinePrefixer {
  push(chunk: string): void
  /** Writes a last line that has no newline yet. */
  end(): void
}

/**
 * A {@link LinePrefixer}; with an empty prefix the text passes through unchanged and unbuffered.
 * Partial lines wait for their newline so lines of concurrent containers never interleave.
 */
export function createLinePrefixer(prefix: string, write: (text: string) => void): LinePrefixer {
  if (prefix === '') return { push: (chunk) => chunk !== '' && write(chunk), end: () => {} }
  let pending = ''
  return {
    push(chunk) {
      const text = pending + chunk
      const last = text.lastIndexOf('\n')
      if (last === -1) {
        pending = text
        return
      }
      pending = text.slice(last + 1)
      const lines = text.slice(0, last).split('\n')
      write(lines.map((l) => `${prefix}${l}\n`).join(''))
    },
    end() {
      if (pending !== '') write(`${prefix}${pending}\n`)
      pending = ''
    },
  }
}
