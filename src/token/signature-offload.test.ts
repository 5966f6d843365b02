import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { SIGNATURE_FILES, signatureVectors } from '../../test/wycheproof-signatures.js'
import { type AlgorithmSpec, algorithmSpec } from './algorithms.js'
import { buildKeySet } from './key-set.js'
import { createSignatureOffload, type SignatureOffload } from './signature-offload.js'
import { watchedSignatureOffload as watched } from './test-kit.js'
import { type SignatureKey, verifySignature } from './verify-signature.js'

interface Vector {
  name: string
  spec: AlgorithmSpec
  key: SignatureKey
  data: Buffer
  signature: Buffer
  /** What `verifySignature` says on the request thread. */
  inline: boolean
}

/** Every Wycheproof signature vector of our algorithms, its key imported as the verifier does. */
async function vectors(): Promise<Vector[]> {
  const out: Vector[] = []
  for (const [file, alg] of SIGNATURE_FILES) {
    const spec = algorithmSpec(alg) as AlgorithmSpec
    for (const v of signatureVectors(file, alg)) {
      const keys = await buildKeySet({ keys: [v.jwk] })
      const key = keys.select(spec, typeof v.jwk?.kid === 'string' ? v.jwk.kid : undefined)
      if (key === 'none' || key === 'ambiguous') throw new Error(`no key for ${v.name}`)
      const data = Buffer.from(v.msg, 'hex')
      const signature = Buffer.from(v.sig, 'hex')
      out.push({
        name: `${file} ${v.name}`,
        spec,
        key,
        data,
        signature,
        inline: verifySignature(spec, key, data, signature),
      })
    }
  }
  return out
}

const all = await vectors()
const started: SignatureOffload[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((o) => o.close()))
})

describe('createSignatureOffload', () => {
  it('has vectors of every kind, valid and not', () => {
    expect(all).toHaveLength(262 + 280 + 259)
    for (const alg of ['ES256', 'ES384', 'RS256'])
      expect(new Set(all.filter((v) => v.spec.alg === alg).map((v) => v.inline))).toEqual(
        new Set([true, false]),
      )
  })

  it('verifies inline until its thread is up, then there, with the same answers', async () => {
    const w = watched()
    started.push(w.offload)
    const first = all[0] as Vector
    // The first check starts the thread and is answered at once, on this thread.
    expect(w.offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    await w.up()
    // Every vector in one turn: one batch, RSA and EC keys mixed, answered by the thread.
    const answers = await Promise.all(
      all.map((v) => w.offload.check(v.spec, v.key, v.data, v.signature)),
    )
    expect(w.answers()).toBeGreaterThanOrEqual(1)
    expect(w.threads).toHaveLength(1)
    all.forEach((v, i) => {
      expect(answers[i], v.name).toBe(v.inline)
    })
  })

  it('answers what a dead thread left unanswered, and starts another', async () => {
    const w = watched({ restartMs: 20 })
    started.push(w.offload)
    const first = all[0] as Vector
    expect(w.offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    await w.up()
    const pending = all.map((v) => w.offload.check(v.spec, v.key, v.data, v.signature))
    // The batch is posted in the next turn; the thread is stopped before it can answer it all.
    await new Promise((resolve) => setImmediate(resolve))
    await (w.threads[0] as Worker).terminate()
    const answers = await Promise.all(pending)
    // The batch (hundreds of signatures) was not answered by the thread: all of it here.
    expect(w.answers()).toBe(0)
    all.forEach((v, i) => {
      expect(answers[i], v.name).toBe(v.inline)
    })
    expect(w.exits).toEqual([undefined])
    // After the delay, the next check starts a second thread.
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(w.offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    await w.up()
    expect(w.threads).toHaveLength(2)
    expect(await w.offload.check(first.spec, first.key, first.data, first.signature)).toBe(
      first.inline,
    )
  })

  it('verifies inline while the thread has been on one batch for over stallMs', async () => {
    // A thread that says it is up and never answers: a thread starved of CPU.
    const mute = new Worker(
      `const { parentPort } = require('node:worker_threads')
       parentPort.postMessage('ready')
       parentPort.on('message', () => {})`,
      { eval: true },
    )
    const up = new Promise((resolve) => mute.once('message', resolve))
    const offload = createSignatureOffload({ start: () => mute, stallMs: 20 })
    started.push(offload)
    const [first, second] = all as [Vector, Vector]
    expect(offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    await up
    await new Promise((resolve) => setImmediate(resolve))
    const held = offload.check(first.spec, first.key, first.data, first.signature)
    expect(held).toBeInstanceOf(Promise)
    await new Promise((resolve) => setImmediate(resolve)) // the batch goes to the thread
    // Within stallMs a later signature waits for the thread too; past it, it is verified here.
    expect(offload.check(second.spec, second.key, second.data, second.signature)).toBeInstanceOf(
      Promise,
    )
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(offload.check(second.spec, second.key, second.data, second.signature)).toBe(
      second.inline,
    )
    // Closing ends the mute thread; what it held is verified inline.
    await offload.close()
    expect(await held).toBe(first.inline)
  })

  it('verifies inline when the thread cannot be started, and tries again later', async () => {
    let starts = 0
    const exits: (string | undefined)[] = []
    const offload = createSignatureOffload({
      start: () => {
        starts++
        throw new Error('no threads here')
      },
      restartMs: 20,
      onThreadExit: (error) => exits.push(error),
    })
    started.push(offload)
    const first = all[0] as Vector
    expect(offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    expect(offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    expect([starts, exits]).toEqual([1, ['no threads here']])
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    expect(starts).toBe(2)
  })

  it('verifies inline after close, and close answers what was queued', async () => {
    const w = watched()
    const first = all[0] as Vector
    expect(w.offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    await w.up()
    const queued = all.slice(0, 50).map((v) => w.offload.check(v.spec, v.key, v.data, v.signature))
    await w.offload.close()
    expect(await Promise.all(queued)).toEqual(all.slice(0, 50).map((v) => v.inline))
    expect(w.offload.check(first.spec, first.key, first.data, first.signature)).toBe(first.inline)
    expect(w.threads).toHaveLength(1)
    expect(w.exits).toEqual([])
  })
})
