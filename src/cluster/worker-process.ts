import cluster from 'node:cluster'
import { LanyardError } from '../errors.js'
import { type RunningServer, startServer } from '../main.js'
import { type DeliveryResult, UNKNOWN_RESPONSE_URL } from '../stack/custom/response-registry.js'
import type { FromWorker, ToWorker } from './messages.js'

/**
 * A worker process of a server of several (`startServerProcesses`): it waits for its slot and
 * configuration from the primary, runs a whole server on the shared port (the primary holds the
 * listening socket and hands each connection to one worker), and does what the primary asks.
 * It stops only when the primary asks, or when the primary is gone: a terminal's Ctrl-C reaches
 * every process of the group, and the primary drains them in order.
 */
if (!cluster.isWorker) throw new Error('worker-process runs as a cluster worker only')
/** To the primary, while it is there (a send on a closed channel would throw in this process). */
const send = (m: FromWorker) => {
  if (process.connected) process.send?.(m)
}
let server: RunningServer | undefined
let stopping = false
let nextRelay = 1
const relays = new Map<number, (result: DeliveryResult) => void>()
const relay = (token: string, body: string) =>
  new Promise<DeliveryResult>((resolve) => {
    if (!process.connected) return resolve(UNKNOWN_RESPONSE_URL)
    const id = nextRelay++
    relays.set(id, resolve)
    send({ type: 'relay', id, token, body })
  })

/** Drains the server once, then exits with `code`. */
const stop = (code: number) => {
  if (stopping) return
  stopping = true
  void (async () => {
    await server?.close()
    process.exit(code)
  })()
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined)
process.on('disconnect', () => {
  // No primary to answer a relay: those responses are for no operation here (and a request
  // waiting on one would hold the drain).
  for (const settle of relays.values()) settle(UNKNOWN_RESPONSE_URL)
  relays.clear()
  stop(0)
})

process.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'start':
      startServer(m.config, { worker: m.slot, relayCustomResourceResponse: relay }).then(
        (running) => {
          server = running
          send({
            type: 'ready',
            url: running.url,
            accountId: running.accountId,
            region: running.region,
            ...(running.caBundle !== undefined ? { caBundle: running.caBundle } : {}),
          })
        },
        (err: unknown) => {
          send(
            err instanceof LanyardError
              ? { type: 'failed', error: err.message, code: err.code }
              : { type: 'failed', error: err instanceof Error ? err.message : String(err) },
          )
          process.exit(1)
        },
      )
      return
    case 'flush':
    case 'reopen': {
      const work = m.type === 'flush' ? server?.flushAudit() : server?.reopenAuditLog()
      void (work ?? Promise.resolve()).then(
        () => send({ type: 'done', id: m.id }),
        () => send({ type: 'done', id: m.id }),
      )
      return
    }
    case 'close':
      stop(0)
      return
    case 'deliver':
      send({
        type: 'delivered',
        id: m.id,
        result: server?.deliverCustomResourceResponse(m.token, m.body) ?? UNKNOWN_RESPONSE_URL,
      })
      return
    case 'relayed':
      relays.get(m.id)?.(m.result)
      relays.delete(m.id)
      return
  }
})
send({ type: 'waiting' })
