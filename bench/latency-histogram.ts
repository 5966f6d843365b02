/**
 * Latencies of many windows pooled into one distribution. A p99 read window by window moves
 * with the host from one window to the next (2-6 ms at 10 connections on a 2-vCPU VM); the p99
 * of every request a scenario measured, all its windows together, is the one its target asks.
 * The load generator sends each window's latencies as counts per bucket, sparse.
 */

/** Bucket width, milliseconds: 10 µs, well under 1 % of the millisecond p99s measured. */
export const BUCKET_MS = 0.01

/** `[bucket, count]` pairs in bucket order, only the buckets holding a latency. */
export type LatencyHistogram = readonly (readonly [number, number])[]

/** The histogram of `sorted` (milliseconds, ascending). */
export function latencyHistogram(sorted: ArrayLike<number>): LatencyHistogram {
  const out: [number, number][] = []
  for (let i = 0; i < sorted.length; i++) {
    const bucket = Math.floor((sorted[i] as number) / BUCKET_MS)
    const last = out[out.length - 1]
    if (last !== undefined && last[0] === bucket) last[1]++
    else out.push([bucket, 1])
  }
  return out
}

/**
 * The `q` quantile (0 < q <= 1) of the latencies of all `histograms` together, as the upper
 * edge of the bucket holding it (milliseconds); 0 when there are none. The same rank as a
 * sorted list's `ceil(q * n)`-th value.
 */
export function pooledQuantile(histograms: readonly LatencyHistogram[], q: number): number {
  const counts = new Map<number, number>()
  let n = 0
  for (const h of histograms)
    for (const [bucket, count] of h) {
      counts.set(bucket, (counts.get(bucket) ?? 0) + count)
      n += count
    }
  if (n === 0) return 0
  const rank = Math.min(n, Math.max(1, Math.ceil(q * n)))
  let seen = 0
  for (const bucket of [...counts.keys()].sort((a, b) => a - b)) {
    seen += counts.get(bucket) as number
    if (seen >= rank) return (bucket + 1) * BUCKET_MS
  }
  return 0 // not reached: the counts add up to n
}
