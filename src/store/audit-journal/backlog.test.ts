import { describe, expect, it } from 'vitest'
import { indexDue, indexerPriority, type JournalState, journalIdle } from './backlog.js'

const state = (newest: number, newestSize: number, backlog: number): JournalState => ({
  newest,
  newestSize,
  backlog,
})
const MAX = 1000

describe('indexDue', () => {
  it.each([
    ['nothing to copy', undefined, state(1, 50, 0), false],
    ['nothing to copy, quiet', state(1, 50, 0), state(1, 50, 0), false],
    ['first look: not known to be quiet yet', undefined, state(1, 50, 50), false],
    ['quiet since the last look', state(1, 50, 50), state(1, 50, 50), true],
    ['the writer appended', state(1, 50, 50), state(1, 90, 90), false],
    [
      'the writer started a new segment of the same size',
      state(1, 50, 50),
      state(2, 50, 100),
      false,
    ],
    ['busy, but the backlog reached its bound', state(1, 50, 50), state(1, 1500, MAX), true],
    ['first look at a large backlog', undefined, state(3, 10, MAX + 1), true],
  ])('%s', (_, before, now, due) => {
    expect(indexDue(before, now, MAX)).toBe(due)
  })
})

describe('journalIdle', () => {
  it.each([
    ['first look', undefined, state(1, 50, 0), false],
    ['copied, nothing appended since', state(1, 50, 0), state(1, 50, 0), true],
    [
      'copied just now (the backlog went to 0, same segment and size)',
      state(1, 50, 50),
      state(1, 50, 0),
      true,
    ],
    ['appended since', state(1, 50, 0), state(1, 90, 40), false],
    ['a new segment since', state(1, 50, 0), state(2, 0, 0), false],
    ['quiet, but not copied yet', state(1, 50, 50), state(1, 50, 50), false],
  ])('%s', (_, before, now, idle) => {
    expect(journalIdle(before, now)).toBe(idle)
  })
})

describe('indexerPriority', () => {
  const HARD = 4000
  it.each([
    ['low, small backlog', 'low', 10, 'low'],
    ['low, above the bound but under the hard bound', 'low', 3999, 'low'],
    ['low, at the hard bound', 'low', HARD, 'normal'],
    ['normal, still above the bound', 'normal', MAX, 'normal'],
    ['normal, under the hard bound but not the bound', 'normal', 2000, 'normal'],
    ['normal, back under the bound', 'normal', MAX - 1, 'low'],
    ['normal, caught up', 'normal', 0, 'low'],
  ] as const)('%s', (_, current, backlog, wanted) => {
    expect(indexerPriority(current, backlog, MAX, HARD)).toBe(wanted)
  })
})
