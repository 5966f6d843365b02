import type { Config } from '../config/config.js'
import type { ErrorCode } from '../errors.js'
import type { WorkerSlot } from '../main.js'
import type { DeliveryResult } from '../stack/custom/response-registry.js'

/** Primary → worker process. */
export type ToWorker =
  | { type: 'start'; config: Config; slot: WorkerSlot }
  | { type: 'flush'; id: number }
  | { type: 'reopen'; id: number }
  | { type: 'close' }
  /** Another process's custom resource response: does an operation here wait for it? */
  | { type: 'deliver'; id: number; token: string; body: string }
  /** The answer to this process's `relay`. */
  | { type: 'relayed'; id: number; result: DeliveryResult }

/** Worker process → primary (`waiting`: it listens for its `start`). */
export type FromWorker =
  | { type: 'waiting' }
  | { type: 'ready'; url: string; accountId: string; region: string; caBundle?: string }
  | { type: 'failed'; error: string; code?: ErrorCode }
  | { type: 'done'; id: number }
  /** A custom resource response no operation of this process waits for: offer it to the others. */
  | { type: 'relay'; id: number; token: string; body: string }
  /** The answer to a `deliver`. */
  | { type: 'delivered'; id: number; result: DeliveryResult }
