import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { Config } from '../config/config.js'
import { LanyardError } from '../errors.js'
import { type RunningServer, startServer } from '../main.js'
import { type DeliveryResult, UNKNOWN_RESPONSE_URL } from '../stack/custom/response-registry.js'
import type { FromWorker, ToWorker } from './messages.js'

/** A running server of one process or several. */
export interface ServerProcesses extends Omit<RunningServer, 'deliverCustomResourceResponse'> {
  /** The ids of the processes answering requests (this one's when it answers them itself). */
  pids(): number[]
}

export interface ServerProcessesOptions {
  /**
   * Told when a worker process exited while the server was not closing (crashed, or killed):
   * the other workers are then closed, and the server is down.
   */
  onWorkerExit?: (index: number, code: number | null, signal: string | null) => void
}

/** The number of processes `config.workers` asks for (`auto`: one per CPU). */
export function workerCount(config: Config): number {
  return config.workers === 'auto' ? availableParallelism() : config.workers
}

/**
 * Starts the server: in this process when `config.workers` is 1, otherwise as that many worker
 * processes (node's `cluster`) on the one port, this process holding the listening socket and
 * handing each new connection to a worker in turn. Worker 1 starts first and does what runs
 * once per data dir (see `WorkerSlot`); the others start once it is ready. They share the
 * database (SQLite in WAL mode, each with its read cache watching the change counter) and each
 * writes its own audit journal.
 */
export async function startServerProcesses(
  config: Config,
  options: ServerProcessesOptions = {},
): Promise<ServerProcesses> {
  const count = workerCount(config)
  if (count === 1) {
    const server = await startServer(config)
    return { ...server, pids: () => [process.pid] }
  }
  const fromSource = import.meta.url.endsWith('.ts')
  cluster.setupPrimary({
    exec: fileURLToPath(new URL(`./worker-process.${fromSource ? 'ts' : 'js'}`, import.meta.url)),
    args: [],
    // Run from source the workers need tsx's loader, as this process has.
    execArgv:
      fromSource && !process.execArgv.some((a) => a.includes('tsx'))
        ? [...process.execArgv, '--import', 'tsx']
        : process.execArgv,
  })

  const workers: Worker[] = []
  let closing: Promise<void> | undefined
  const send = (w: Worker, m: ToWorker) => {
    if (w.isConnected()) w.send(m)
  }
  const exited = (w: Worker) =>
    new Promise<void>((resolve) => {
      if (w.isDead()) return resolve()
      w.once('exit', () => resolve())
    })

  const fork = (index: number) =>
    new Promise<{ worker: Worker; ready: Extract<FromWorker, { type: 'ready' }> }>(
      (resolve, reject) => {
        const worker = cluster.fork()
        workers.push(worker)
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'relay')
            void offer(worker, m.token, m.body).then((result) =>
              send(worker, { type: 'relayed', id: m.id, result }),
            )
        })
        const onMessage = (m: FromWorker) => {
          if (m.type === 'waiting') send(worker, { type: 'start', config, slot: { index, count } })
          else if (m.type === 'ready') {
            done()
            resolve({ worker, ready: m })
          } else if (m.type === 'failed') {
            done()
            reject(m.code !== undefined ? new LanyardError(m.code, m.error) : new Error(m.error))
          }
        }
        const onExit = (code: number | null, signal: string | null) => {
          done()
          reject(
            new Error(`worker process ${index} exited (${signal ?? code}) before it was ready`),
          )
        }
        const done = () => {
          worker.off('message', onMessage)
          worker.off('exit', onExit)
        }
        worker.on('message', onMessage)
        worker.once('exit', onExit)
      },
    )

  let nextId = 1
  /**
   * Sends `w` the message `message(id)` with a fresh id and resolves with what `answer` makes of
   * its reply with that id; undefined when `w` is gone or exits first.
   */
  const ask = <T>(
    w: Worker,
    message: (id: number) => ToWorker,
    answer: (m: FromWorker, id: number) => T | undefined,
  ) =>
    new Promise<T | undefined>((resolve) => {
      if (!w.isConnected()) return resolve(undefined)
      const id = nextId++
      const onMessage = (m: FromWorker) => {
        const value = answer(m, id)
        if (value !== undefined) finish(value)
      }
      const finish = (value?: T) => {
        w.off('message', onMessage)
        w.off('exit', onExit)
        resolve(value)
      }
      const onExit = () => finish()
      w.on('message', onMessage)
      w.once('exit', onExit)
      w.send(message(id))
    })

  /**
   * Offers a custom resource's response to every worker but `from`: the answer of the one whose
   * operation waits for it, or 403 when none does.
   */
  const offer = async (from: Worker, token: string, body: string): Promise<DeliveryResult> => {
    const answers = await Promise.all(
      workers
        .filter((w) => w !== from)
        .map((w) =>
          ask(
            w,
            (id) => ({ type: 'deliver', id, token, body }),
            (m, id) => (m.type === 'delivered' && m.id === id ? m.result : undefined),
          ),
        ),
    )
    return answers.find((a) => a !== undefined && a.status !== 403) ?? UNKNOWN_RESPONSE_URL
  }

  const close = () => {
    closing ??= (async () => {
      // The others first: worker 1's indexer copies every journal, the rest of theirs too once
      // their writers are closed.
      const [first, ...others] = workers
      for (const w of others) send(w, { type: 'close' })
      await Promise.all(others.map(exited))
      if (first !== undefined) {
        send(first, { type: 'close' })
        await exited(first)
      }
    })()
    return closing
  }

  let first: Awaited<ReturnType<typeof fork>>
  try {
    first = await fork(1)
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => fork(i + 2)))
  } catch (err) {
    await close()
    throw err
  }
  workers.forEach((w, i) => {
    w.once('exit', (code, signal) => {
      if (closing !== undefined) return
      void close()
      options.onWorkerExit?.(i + 1, code, signal)
    })
  })

  /** Asks every worker to flush or reopen, and waits for each answer (or its exit). */
  const askAll = async (type: 'flush' | 'reopen') => {
    await Promise.all(
      workers.map((w) =>
        ask(
          w,
          (id) => ({ type, id }),
          (m, id) => (m.type === 'done' && m.id === id ? true : undefined),
        ),
      ),
    )
  }

  return {
    url: first.ready.url,
    accountId: first.ready.accountId,
    region: first.ready.region,
    caBundle: first.ready.caBundle,
    flushAudit: () => askAll('flush'),
    reopenAuditLog: () => askAll('reopen'),
    close,
    pids: () => workers.flatMap((w) => (w.process.pid === undefined ? [] : [w.process.pid])),
  }
}
