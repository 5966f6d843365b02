import { describe, expect, it } from 'vitest'
import { BUCKET_MS, latencyHistogram, pooledQuantile } from './latency-histogram.js'

describe('latencyHistogram', () => {
  it('counts sorted latencies per 10 µs bucket, only the buckets used', () => {
    expect(latencyHistogram([0.001, 0.009, 0.01, 0.5, 0.505, 2])).toEqual([
      [0, 2],
      [1, 1],
      [50, 2],
      [200, 1],
    ])
    expect(latencyHistogram([])).toEqual([])
  })
})

describe('pooledQuantile', () => {
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)

  it('is the quantile of all windows together, not of one', () => {
    // One calm window (1 ms) and one slow one (5 ms): their p99s are 1 and 5 ms, the p99 of
    // both together is in the slow window's tail.
    const calm = latencyHistogram(Array(990).fill(1).concat(Array(10).fill(1.2)))
    const slow = latencyHistogram(sorted(Array(900).fill(1).concat(Array(100).fill(5))))
    expect(pooledQuantile([calm], 0.99)).toBeCloseTo(1.01, 6)
    expect(pooledQuantile([slow], 0.99)).toBeCloseTo(5.01, 6)
    expect(pooledQuantile([calm, slow], 0.99)).toBeCloseTo(5.01, 6)
    expect(pooledQuantile([calm, slow], 0.5)).toBeCloseTo(1.01, 6)
  })

  it('has the rank of a sorted list (ceil(q n)), read to the bucket', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => (i + 1) * 0.013)
    const h = latencyHistogram(xs)
    for (const q of [0.001, 0.5, 0.99, 1]) {
      const exact = xs[Math.ceil(q * xs.length) - 1] as number
      const got = pooledQuantile([h], q)
      expect(got).toBeGreaterThan(exact)
      expect(got - exact).toBeLessThanOrEqual(BUCKET_MS + 1e-9)
    }
  })

  it('is 0 without latencies', () => {
    expect(pooledQuantile([], 0.99)).toBe(0)
    expect(pooledQuantile([[]], 0.99)).toBe(0)
  })
})
