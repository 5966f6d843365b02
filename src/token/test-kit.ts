import type { Worker } from 'node:worker_threads'
import { moduleWorker } from '../threads.js'
import { createSignatureOffload } from './signature-offload.js'

/**
 * A signature offload whose threads are watched, for tests: `up()` resolves when the current
 * thread is up, `answers()` counts the batches threads answered, `exits` lists what
 * `onThreadExit` was told.
 */
export function watchedSignatureOffload(options: { restartMs?: number } = {}) {
  const threads: Worker[] = []
  let answers = 0
  let ready: () => void = () => {}
  let up = new Promise<void>((resolve) => {
    ready = resolve
  })
  const exits: (string | undefined)[] = []
  const offload = createSignatureOffload({
    ...options,
    start: () => {
      // Beside this module, as the offload starts it beside its own.
      const w = moduleWorker(import.meta.url, 'signature-thread', undefined)
      w.on('message', (m) => {
        if (m === 'ready') ready()
        else answers++
      })
      threads.push(w)
      return w
    },
    onThreadExit: (error) => {
      exits.push(error)
      up = new Promise<void>((resolve) => {
        ready = resolve
      })
    },
  })
  return {
    offload,
    threads,
    exits,
    answers: () => answers,
    up: () => up,
  }
}
