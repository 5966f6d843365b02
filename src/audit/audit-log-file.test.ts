import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openAuditLogFile } from './audit-log-file.js'

describe('audit log file', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-audit-log-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('appends every line, owner-only, and has them all in the file once closed', async () => {
    const path = join(dir, 'audit.jsonl')
    const errors: string[] = []
    const file = openAuditLogFile(path, (e) => errors.push(e))
    for (let i = 0; i < 2000; i++) file.write(JSON.stringify({ i }))
    await file.close()
    const lines = readFileSync(path, 'utf8').split('\n')
    expect(lines).toHaveLength(2001) // the last newline
    expect(lines.at(-2)).toBe('{"i":1999}')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(errors).toEqual([])
  })

  it('appends to a file made before, and makes it owner-only', async () => {
    const path = join(dir, 'audit.jsonl')
    writeFileSync(path, '{"old":true}\n')
    chmodSync(path, 0o644)
    const file = openAuditLogFile(path, () => undefined)
    file.write('{"new":true}')
    await file.close()
    expect(readFileSync(path, 'utf8')).toBe('{"old":true}\n{"new":true}\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('opens the path again after a rotator renamed the file, losing no line', async () => {
    const path = join(dir, 'audit.jsonl')
    const errors: string[] = []
    const file = openAuditLogFile(path, (e) => errors.push(e))
    for (let i = 0; i < 500; i++) file.write(`{"before":${i}}`)
    renameSync(path, `${path}.1`)
    await file.reopen()
    file.write('{"after":0}')
    await file.close()
    const rotated = readFileSync(`${path}.1`, 'utf8').trim().split('\n')
    expect(rotated).toHaveLength(500)
    expect(readFileSync(path, 'utf8')).toBe('{"after":0}\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(errors).toEqual([])
  })

  it('keeps the old file when the path cannot be opened again, and says so', async () => {
    const sub = join(dir, 'logs')
    mkdirSync(sub)
    const path = join(sub, 'audit.jsonl')
    const errors: string[] = []
    const file = openAuditLogFile(path, (e) => errors.push(e))
    rmSync(sub, { recursive: true })
    await file.reopen()
    file.write('{"still":true}')
    await file.close()
    expect(errors).toEqual(['cannot open the audit log again: ENOENT'])
  })

  it('bounds the lines waiting for a slow file: the rest are dropped, counted and reported', async () => {
    const path = join(dir, 'audit.jsonl')
    const errors: string[] = []
    const file = openAuditLogFile(path, (e) => errors.push(e), { maxBufferedBytes: 10_000 })
    const line = JSON.stringify({ pad: 'x'.repeat(90) }) // 101 bytes with its newline
    for (let i = 0; i < 1000; i++) file.write(line) // in one turn: nothing is written meanwhile
    await file.close()
    const kept = readFileSync(path, 'utf8').trim().split('\n').length
    expect(kept).toBeGreaterThan(90)
    expect(kept).toBeLessThan(110)
    expect(errors).toEqual([`the file fell behind: ${1000 - kept} lines were dropped`])
  })

  it('refuses at start a path it cannot open', () => {
    expect(() =>
      openAuditLogFile(join(dir, 'no-such-dir', 'audit.jsonl'), () => undefined),
    ).toThrow(/cannot open the audit log .*no-such-dir.* \(ENOENT\)/)
  })

  it.skipIf(!existsSync('/dev/full'))(
    'reports a failed write once and never throws (a full disk: /dev/full)',
    async () => {
      const errors: string[] = []
      const file = openAuditLogFile('/dev/full', (e) => errors.push(e))
      file.write('{"a":1}')
      file.write('{"b":2}')
      await new Promise((r) => setTimeout(r, 100))
      file.write('{"c":3}')
      await file.close()
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(/ENOSPC/)
    },
  )
})
