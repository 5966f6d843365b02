import type { Store } from '../store/ports.js'
import type { IamConfig } from './config.js'
import { type IamIdPrefix, newIamId } from './ids.js'

/** What the IAM service is built from (composition root: src/main.ts). */
export interface IamDeps {
  store: Store
  /** The 12-digit account id of this data directory. */
  accountId: string
  /** Epoch milliseconds. */
  now: () => number
  /** Id generator, e.g. deterministic ids in tests; default {@link newIamId}. */
  randomId?: (prefix: IamIdPrefix) => string
}

/** Shared by the operation modules. */
export interface IamContext {
  store: Store
  accountId: string
  config: IamConfig
  /** The current time as an ISO 8601 string. */
  timestamp(): string
  newId(prefix: IamIdPrefix): string
}

export function createIamContext(deps: IamDeps, config: IamConfig): IamContext {
  const randomId = deps.randomId ?? newIamId
  return {
    store: deps.store,
    accountId: deps.accountId,
    config,
    timestamp: () => new Date(deps.now()).toISOString(),
    newId: (prefix) => randomId(prefix),
  }
}
