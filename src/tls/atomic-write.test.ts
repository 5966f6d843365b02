import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from './atomic-write.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanyard-atomic-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('writeFileAtomic', () => {
  it.each([
    { name: 'private key', mode: 0o600 },
    { name: 'certificate', mode: 0o644 },
  ])('creates a $name file with mode $mode', async ({ mode }) => {
    const path = join(dir, 'f.pem')
    await writeFileAtomic(path, 'data', mode)
    expect(await readFile(path, 'utf8')).toBe('data')
    expect((await stat(path)).mode & 0o777).toBe(mode)
    expect(await readdir(dir)).toEqual(['f.pem'])
  })

  it('replaces a world-readable file with a 0600 one', async () => {
    const path = join(dir, 'key.pem')
    await writeFile(path, 'old', { mode: 0o644 })
    await writeFileAtomic(path, 'new', 0o600)
    expect(await readFile(path, 'utf8')).toBe('new')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it('leaves no temporary file behind when the rename fails', async () => {
    const path = join(dir, 'occupied')
    await mkdir(path)
    await writeFile(join(path, 'x'), 'x')
    await expect(writeFileAtomic(path, 'data', 0o600)).rejects.toMatchObject({
      code: expect.any(String),
    })
    expect(await readdir(dir)).toEqual(['occupied'])
  })

  it('fails when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'f'), 'data', 0o600)).rejects.toMatchObject({
      code: 'ENOENT',
    })
  })
})
