import type { KeyObject } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { lowerThisThreadsPriority } from '../threads.js'
import { algorithmSpec } from './algorithms.js'
import type { SignatureBatch, SignatureResults } from './signature-offload.js'
import { verifySignature } from './verify-signature.js'

/**
 * The signature thread: verifies each batch the request thread sends, with the same
 * {@link verifySignature} the request thread would run, and answers one byte per job
 * (1 valid, 0 not). Started by {@link createSignatureOffload}.
 *
 * At the lowest priority: at normal priority, the thread woken by a batch often took the CPU
 * the request thread was running on, so the request thread waited while holding nothing to
 * wait for (measured under load: 8-17 % more event-loop time per exchange than at nice 19).
 */
const port = parentPort
if (port === null) throw new Error('signature-thread runs as a worker thread')
lowerThisThreadsPriority()

port.on('message', (batch: SignatureBatch) => {
  const bytes = Buffer.from(batch.bytes)
  const valid = new Uint8Array(batch.jobs.length)
  let at = 0
  batch.jobs.forEach((job, i) => {
    const data = bytes.subarray(at, at + job.dataBytes)
    at += job.dataBytes
    const signature = bytes.subarray(at, at + job.signatureLength)
    at += job.signatureLength
    const spec = algorithmSpec(job.alg)
    const key = { key: batch.keys[job.key] as KeyObject, signatureBytes: job.signatureBytes }
    valid[i] = spec !== undefined && verifySignature(spec, key, data, signature) ? 1 : 0
  })
  port.postMessage(valid satisfies SignatureResults, [valid.buffer])
})
port.postMessage('ready')
