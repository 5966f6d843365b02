import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../tls/atomic-write.js'
import type { ProjectedTokenFile } from './local-volumes.js'
import { createTokenRefresher, type MintedToken, refreshDelayMs } from './token-refresher.js'

const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3600_000

describe('refreshDelayMs', () => {
  const cases: Array<[string, number, number, number]> = [
    // name, lifetime (s), now - issuedAt (ms), expected delay (ms)
    ['600 s: at 480 s', 600, 0, 480_000],
    ['600 s, 100 s later', 600, 100_000, 380_000],
    ['86400 s: at 19.2 h', 86_400, 0, 69_120_000],
    ['7 days: 24 h at most', 7 * 86_400, 0, 24 * HOUR],
    ['already due', 600, 500_000, 0],
  ]
  it.each(cases)('%s', (_name, lifetime, elapsed, expected) => {
    const token = { token: 't', issuedAt: T0, expiresAt: T0 + lifetime * 1000 }
    expect(refreshDelayMs(token, T0 + elapsed)).toBe(expected)
  })
})

/**
 * A clock and timer queue the test moves by hand. `settled` is called by the test's writer and
 * error sink, so `next()` returns once the refresh it started has written or failed.
 */
function fakeTime() {
  let now = T0
  let wake: (() => void) | undefined
  const timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = []
  return {
    now: () => now,
    schedule: (ms: number, fn: () => void) => {
      const t = { at: now + ms, fn, cancelled: false }
      timers.push(t)
      return () => {
        t.cancelled = true
      }
    },
    pending: () => timers.filter((t) => !t.cancelled).map((t) => t.at - T0),
    settled: () => wake?.(),
    /** Moves the clock to the next timer and runs it. */
    async next() {
      const t = timers.filter((x) => !x.cancelled).sort((a, b) => a.at - b.at)[0]
      if (!t) throw new Error('no timer')
      t.cancelled = true
      now = t.at
      const done = new Promise<void>((resolve) => {
        wake = resolve
      })
      t.fn()
      await done
      // Let the refresher schedule the next refresh after its write.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    },
  }
}

/** The default writer (atomic, 0600), telling the fake time when it is done. */
const writer = (time: { settled: () => void }) => async (path: string, data: string) => {
  await writeFileAtomic(path, data, 0o600)
  time.settled()
}

const FILE: ProjectedTokenFile = {
  volume: 'aws-iam-token',
  path: 'token',
  audience: 'sts.amazonaws.com',
  expirationSeconds: 600,
}

describe('createTokenRefresher', () => {
  let dir: string
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes the token before start() resolves and replaces it at 80 % of each lifetime', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-refresh-'))
    const path = join(dir, 'token')
    const time = fakeTime()
    let n = 0
    const requests: ProjectedTokenFile[] = []
    const refresher = createTokenRefresher({
      files: [{ file: FILE, localPath: path }],
      mint: async (file): Promise<MintedToken> => {
        requests.push(file)
        n++
        return {
          token: `jwt-${n}`,
          issuedAt: time.now(),
          expiresAt: time.now() + file.expirationSeconds * 1000,
        }
      },
      now: time.now,
      schedule: time.schedule,
      onError: (m) => {
        throw new Error(m)
      },
      write: writer(time),
    })
    await refresher.start()
    expect(readFileSync(path, 'utf8')).toBe('jwt-1')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(time.pending()).toEqual([480_000])

    await time.next()
    expect(readFileSync(path, 'utf8')).toBe('jwt-2')
    expect(time.pending()).toEqual([960_000])
    await time.next()
    expect(readFileSync(path, 'utf8')).toBe('jwt-3')
    expect(requests).toEqual([FILE, FILE, FILE])

    refresher.stop()
    expect(time.pending()).toEqual([])
  })

  it('keeps the old token when a refresh fails, says why (without the token) and retries', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-refresh-'))
    const path = join(dir, 'token')
    const time = fakeTime()
    const errors: string[] = []
    let fail = false
    let n = 0
    const refresher = createTokenRefresher({
      files: [{ file: FILE, localPath: path }],
      mint: async () => {
        if (fail) throw new Error('lanyard is down')
        n++
        return { token: `jwt-${n}`, issuedAt: time.now(), expiresAt: time.now() + 600_000 }
      },
      now: time.now,
      schedule: time.schedule,
      onError: (m) => {
        errors.push(m)
        time.settled()
      },
      write: writer(time),
      retryMs: 5000,
    })
    await refresher.start()
    fail = true
    await time.next()
    expect(readFileSync(path, 'utf8')).toBe('jwt-1')
    expect(errors).toEqual([
      'could not refresh the token of volume `aws-iam-token` (retrying in 5 s): lanyard is down',
    ])
    expect(time.pending()).toEqual([485_000])
    fail = false
    await time.next()
    expect(readFileSync(path, 'utf8')).toBe('jwt-2')
    expect(time.pending()).toEqual([485_000 + 480_000])
    refresher.stop()
  })

  it('a failing first mint fails start(): the containers must not run without their token', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-refresh-'))
    const time = fakeTime()
    const refresher = createTokenRefresher({
      files: [{ file: FILE, localPath: join(dir, 'token') }],
      mint: async () => {
        throw new Error('there is no cluster yet: create one first')
      },
      now: time.now,
      schedule: time.schedule,
      onError: () => {},
    })
    await expect(refresher.start()).rejects.toThrow('there is no cluster yet')
    expect(time.pending()).toEqual([])
  })
})
