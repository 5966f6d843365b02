import type { Decide } from './engine.js'

/** One timed run. */
export interface Sample {
  readonly decisions: number
  readonly seconds: number
  readonly perSecond: number
}

/** Sink for decisions so the work cannot be optimised away (exported so it is observable). */
export let sink = 0

/**
 * Calls `decide` round-robin over the request cycle for about `ms` milliseconds, reading the
 * clock every `batch` calls, and returns decisions per second.
 */
export function measure(decide: Decide, ms: number, batch = 64): Sample {
  let decisions = 0
  let i = 0
  const start = process.hrtime.bigint()
  const deadline = start + BigInt(Math.round(ms * 1e6))
  let now = start
  do {
    for (let k = 0; k < batch; k++) if (decide(i++)) sink++
    decisions += batch
    now = process.hrtime.bigint()
  } while (now < deadline)
  const seconds = Number(now - start) / 1e9
  return { decisions, seconds, perSecond: decisions / seconds }
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Harmonic mean: the rate of a mix with the same number of decisions of each kind. */
export function harmonicMean(values: readonly number[]): number {
  return values.length / values.reduce((sum, v) => sum + 1 / v, 0)
}
