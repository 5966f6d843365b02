import type { KeyObject } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { moduleWorker, restartBackoff } from '../threads.js'
import type { AlgorithmSpec, TokenAlgorithm } from './algorithms.js'
import { type SignatureCheck, type SignatureKey, verifySignature } from './verify-signature.js'

/** One signature of a batch: its data and signature are consecutive in the batch's bytes. */
export interface SignatureJob {
  readonly alg: TokenAlgorithm
  /** Its key's place in the batch's `keys`. */
  readonly key: number
  readonly signatureBytes: number
  readonly dataBytes: number
  readonly signatureLength: number
}

/** What the request thread sends: the jobs waiting, their bytes transferred. */
export interface SignatureBatch {
  readonly jobs: readonly SignatureJob[]
  /** Each key once (a key object is costly to send): the tokens of a batch mostly share one. */
  readonly keys: readonly KeyObject[]
  readonly bytes: ArrayBuffer
}

/** What the signature thread answers: one byte per job of the batch, 1 when it is valid. */
export type SignatureResults = Uint8Array

interface Pending {
  readonly spec: AlgorithmSpec
  readonly key: SignatureKey
  readonly data: Buffer
  readonly signature: Buffer
  readonly resolve: (valid: boolean) => void
}

export interface SignatureOffloadOptions {
  /** Starts the thread (default: `signature-thread` beside this module). */
  start?: () => Worker
  /** The delay before a thread that died is started again (default 1 s, see restartDelay). */
  restartMs?: number
  /**
   * How long the thread may take with a batch before later signatures are verified inline
   * meanwhile (default 5 ms): it runs at the lowest priority, and a CPU busy with other work
   * must not hold requests up.
   */
  stallMs?: number
  /**
   * Told when the thread died or could not start (with its error, if any) and when it may start
   * again.
   */
  onThreadExit?: (error: string | undefined, restartInMs: number) => void
}

export interface SignatureOffload {
  /** Verifies like {@link verifySignature}, on the signature thread once it is up. */
  readonly check: SignatureCheck
  /** Stops the thread; what it had not answered, and what comes later, is verified inline. */
  close(): Promise<void>
}

/**
 * Token signatures verified on a thread of their own, so the request thread does not spend the
 * RSA or ECDSA operation (a quarter of an exchange's time there). One batch at a time: the
 * signatures asked for in one turn of the event loop, or while the thread verified the previous
 * batch, go in one message with their bytes in one transferred buffer, and come back as one. The
 * hop costs the request thread about a tenth of an inline verification, where one `node:crypto`
 * job per signature on libuv's pool cost it about half (docs/benchmarks.md).
 *
 * The answer is the same {@link verifySignature}, run there. Signatures are verified inline
 * until the thread is up, while it is down, after `close`, and while it has been busy with a
 * batch for longer than `stallMs`. A thread that dies is started again after a delay, and the
 * signatures it had not answered are verified inline.
 */
export function createSignatureOffload(options: SignatureOffloadOptions = {}): SignatureOffload {
  const start =
    options.start ?? (() => moduleWorker(import.meta.url, 'signature-thread', undefined))
  const backoff = restartBackoff(options.restartMs ?? 1000)
  const stallMs = options.stallMs ?? 5
  let worker: Worker | undefined
  let exited: Promise<void> = Promise.resolve()
  let ready = false
  let closed = false
  let startedAt = 0
  let retryAt = 0
  let queue: Pending[] = []
  let scheduled = false
  /** The batch the thread is verifying: one at a time, the next one gathers meanwhile. */
  let sent: Pending[] | undefined
  /** When the batch was sent (monotonic clock, so a clock change cannot stall or rush it). */
  let sentAt = 0

  const inline = (p: Pending) => p.resolve(verifySignature(p.spec, p.key, p.data, p.signature))

  /** Waits before the next start: longer after each death (or failed start) soon after one. */
  const retryLater = (failure: string | undefined) => {
    const delay = backoff.afterExit(startedAt)
    retryAt = Date.now() + delay
    options.onThreadExit?.(failure, delay)
  }

  const launch = () => {
    if (closed || worker !== undefined || Date.now() < retryAt) return
    startedAt = Date.now()
    let w: Worker
    try {
      w = start()
    } catch (err) {
      return retryLater(err instanceof Error ? err.message : String(err))
    }
    worker = w
    w.unref()
    let failure: string | undefined
    w.on('message', (m: 'ready' | SignatureResults) => {
      if (m === 'ready') {
        ready = !closed
        return
      }
      const batch = sent
      sent = undefined
      batch?.forEach((p, i) => {
        p.resolve(m[i] === 1)
      })
      if (queue.length > 0) flush()
    })
    w.on('error', (err) => {
      failure = err instanceof Error ? err.message : String(err) // followed by 'exit'
    })
    exited = new Promise((resolve) =>
      w.on('exit', () => {
        worker = undefined
        ready = false
        sent?.forEach(inline)
        sent = undefined
        if (queue.length > 0) flush()
        resolve()
        if (!closed) retryLater(failure)
      }),
    )
  }

  /** Sends what waits, unless the thread is busy with a batch (its answer sends the next). */
  function flush() {
    scheduled = false
    if (sent !== undefined) return
    const batch = queue
    queue = []
    if (!ready || worker === undefined) return batch.forEach(inline)
    let size = 0
    for (const p of batch) size += p.data.length + p.signature.length
    // A buffer of its own (not a slice of Node's pool), so it can be transferred, not copied.
    const bytes = Buffer.allocUnsafeSlow(size)
    let at = 0
    const keys: KeyObject[] = []
    const jobs = batch.map((p): SignatureJob => {
      at += p.data.copy(bytes, at)
      at += p.signature.copy(bytes, at)
      let key = keys.indexOf(p.key.key)
      if (key < 0) key = keys.push(p.key.key) - 1
      return {
        alg: p.spec.alg,
        key,
        signatureBytes: p.key.signatureBytes,
        dataBytes: p.data.length,
        signatureLength: p.signature.length,
      }
    })
    try {
      worker.postMessage({ jobs, keys, bytes: bytes.buffer } satisfies SignatureBatch, [
        bytes.buffer,
      ])
      sent = batch
      sentAt = performance.now()
    } catch {
      batch.forEach(inline)
    }
  }

  return {
    check(spec, key, data, signature) {
      if (!ready) {
        launch()
        return verifySignature(spec, key, data, signature)
      }
      if (sent !== undefined && performance.now() - sentAt > stallMs)
        return verifySignature(spec, key, data, signature)
      return new Promise<boolean>((resolve) => {
        queue.push({ spec, key, data, signature, resolve })
        if (scheduled || sent !== undefined) return
        scheduled = true
        setImmediate(flush)
      })
    },

    async close() {
      closed = true
      ready = false
      await worker?.terminate()
      await exited
    },
  }
}
