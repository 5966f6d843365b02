import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { nextReadDelay, watchWrites } from './write-watch.js'

describe('nextReadDelay', () => {
  it.each([
    ['a write just before the read: once more, busyMs later', 0, 100],
    ['a write within busyMs of the read', 99, 100],
    ['the last write busyMs before the read: settled', 100, undefined],
    ['long quiet', 5000, undefined],
  ])('%s', (_, since, delay) => {
    expect(nextReadDelay(since, 100)).toBe(delay)
  })
})

describe('watchWrites', () => {
  let dir: string
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await tick(10)
    return ok()
  }

  it('tells of writes to the entries it cares about, not of the others', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-watch-'))
    writeFileSync(join(dir, 'db-wal'), '')
    writeFileSync(join(dir, 'other'), '')
    const names: string[] = []
    let writes = 0
    const w = watchWrites(
      dir,
      () => writes++,
      () => undefined,
      (name) => {
        names.push(name)
        return name === 'db-wal'
      },
    )
    expect(w).toBeDefined()
    appendFileSync(join(dir, 'other'), 'x')
    await until(() => names.includes('other'))
    expect(writes).toBe(0)
    appendFileSync(join(dir, 'db-wal'), 'x')
    expect(await until(() => writes > 0)).toBe(true)
    w?.close()
    const seen = writes
    appendFileSync(join(dir, 'db-wal'), 'x')
    await tick(50)
    expect(writes).toBe(seen)
  })

  it('writes inside a subdirectory are not its entries; a missing directory cannot be watched', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-watch-'))
    mkdirSync(join(dir, 'sub'))
    let writes = 0
    const w = watchWrites(
      join(dir, 'sub'),
      () => writes++,
      () => undefined,
    )
    writeFileSync(join(dir, 'sub', 'segment'), 'x')
    expect(await until(() => writes > 0)).toBe(true)
    w?.close()
    expect(
      watchWrites(
        join(dir, 'missing'),
        () => undefined,
        () => undefined,
      ),
    ).toBeUndefined()
  })
})
