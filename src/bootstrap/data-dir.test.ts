import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditJournalDir, listAuditJournals } from './data-dir.js'

describe('audit journals of a data dir', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lanyard-datadir-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('journal 1 is `audit-journal`, worker n writes `audit-journal-<n>`', () => {
    expect(auditJournalDir(dir, 1)).toBe(join(dir, 'audit-journal'))
    expect(auditJournalDir(dir, 3)).toBe(join(dir, 'audit-journal-3'))
  })

  it('lists every journal by number, and nothing else', () => {
    expect(listAuditJournals(join(dir, 'missing'))).toEqual([])
    for (const name of ['audit-journal-10', 'audit-journal', 'audit-journal-2', 'audit-journal-1'])
      mkdirSync(join(dir, name))
    for (const name of ['audit-journal-02', 'audit-journal-x', 'audit-journal-'])
      mkdirSync(join(dir, name))
    writeFileSync(join(dir, 'lanyard.db'), '')
    expect(listAuditJournals(dir)).toEqual([
      { journal: 1, dir: join(dir, 'audit-journal') },
      { journal: 2, dir: join(dir, 'audit-journal-2') },
      { journal: 10, dir: join(dir, 'audit-journal-10') },
    ])
  })
})
