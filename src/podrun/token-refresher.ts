import { writeFileAtomic } from '../tls/atomic-write.js'
import type { ProjectedTokenFile } from './local-volumes.js'

/** A freshly minted projected token and its validity (epoch milliseconds). */
export interface MintedToken {
  token: string
  issuedAt: number
  expiresAt: number
}

/** Mints the token of one projected `serviceAccountToken` source. */
export type MintProjectedToken = (file: ProjectedTokenFile) => Promise<MintedToken>

/** Runs `fn` after `ms`; returns a function that cancels it. */
export type Schedule = (ms: number, fn: () => void) => () => void

/** kubelet refreshes a token older than 24 hours whatever its lifetime (`maxTTL`). */
const MAX_AGE_MS = 24 * 3600 * 1000
/** How long to wait before trying again when minting fails (kubelet retries on its sync loop). */
export const DEFAULT_RETRY_MS = 10_000

/**
 * When kubelet replaces a projected token: once it is older than 80 % of its lifetime or older
 * than 24 hours (`pkg/kubelet/token/token_manager.go` `requiresRefresh`; EKS user guide, "the
 * kubelet rotates the token if it is older than 80 percent of its total TTL or after 24 hours").
 * kubelet adds up to 10 s of jitter to spread many pods; one local pod needs none.
 * Returns the delay from `now`, never negative.
 */
export function refreshDelayMs(token: MintedToken, now: number): number {
  const lifetime = token.expiresAt - token.issuedAt
  const due = token.issuedAt + Math.min(Math.floor(lifetime * 0.8), MAX_AGE_MS)
  return Math.max(0, due - now)
}

/** Options of {@link createTokenRefresher}. */
export interface TokenRefresherOptions {
  /** Each token file and where it lives on this machine. */
  files: ReadonlyArray<{ file: ProjectedTokenFile; localPath: string }>
  mint: MintProjectedToken
  now: () => number
  schedule: Schedule
  /** Told about a failed refresh (never given the token). */
  onError: (message: string) => void
  /** Writes a token file; defaults to an atomic write (temp file + rename), mode 0600. */
  write?: (path: string, data: string) => Promise<void>
  retryMs?: number
}

/** What {@link createTokenRefresher} returns. */
export interface TokenRefresher {
  /** Mints and writes every token file once, then keeps them fresh. Rejects if a first mint fails. */
  start(): Promise<void>
  /** Cancels every pending refresh. */
  stop(): void
}

/**
 * kubelet's part of projected service-account tokens for a local pod: writes each token file
 * before the containers start and replaces it, atomically so a reader never sees half a token,
 * at 80 % of its lifetime. A failed refresh keeps the old file and is retried.
 */
export function createTokenRefresher(options: TokenRefresherOptions): TokenRefresher {
  const write = options.write ?? ((path, data) => writeFileAtomic(path, data, 0o600))
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS
  const cancels = new Map<string, () => void>()
  let stopped = false

  const schedule = (key: string, ms: number, fn: () => void) => {
    if (stopped) return
    cancels.set(key, options.schedule(ms, fn))
  }

  const refresh = async (entry: TokenRefresherOptions['files'][number]) => {
    const token = await options.mint(entry.file)
    if (stopped) return
    // kubelet writes the token as is: no trailing newline.
    await write(entry.localPath, token.token)
    schedule(entry.localPath, refreshDelayMs(token, options.now()), () => void later(entry))
  }

  const later = async (entry: TokenRefresherOptions['files'][number]) => {
    try {
      await refresh(entry)
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      options.onError(
        `could not refresh the token of volume \`${entry.file.volume}\` (retrying in ${Math.round(retryMs / 1000)} s): ${reason}`,
      )
      schedule(entry.localPath, retryMs, () => void later(entry))
    }
  }

  return {
    async start() {
      for (const entry of options.files) await refresh(entry)
    },
    stop() {
      stopped = true
      for (const cancel of cancels.values()) cancel()
      cancels.clear()
    },
  }
}
