import { describe, expect, it } from 'vitest'
import { LanyardError } from '../errors.js'
import { MAX_SESSION_TAGS, mergeRequestTags } from './session-tags.js'

const tags = (...pairs: [string, string][]) => pairs.map(([key, value]) => ({ key, value }))

describe('mergeRequestTags', () => {
  it.each([
    ['no tags at all', tags(), {}, {}],
    ['only requested ones', tags(['team', 'blue']), {}, { team: 'blue' }],
    ['only inherited ones', tags(), { team: 'blue' }, { team: 'blue' }],
    ['both, other keys', tags(['env', 'dev']), { team: 'blue' }, { team: 'blue', env: 'dev' }],
  ])('merges %s', (_, requested, inherited, merged) => {
    expect(mergeRequestTags(requested, inherited)).toEqual(merged)
  })

  it.each([
    [
      'keys that differ only in case',
      tags(['Team', 'a'], ['team', 'b']),
      {},
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    ],
    [
      'a key inherited as transitive, in any case',
      tags(['TEAM', 'red']),
      { team: 'blue' },
      'Session tag key TEAM is inherited as a transitive tag from the calling session and cannot be passed again.',
    ],
    [
      'more than 50 with the inherited ones',
      tags(...Array.from({ length: MAX_SESSION_TAGS }, (_, i): [string, string] => [`k${i}`, 'v'])),
      { extra: 'x' },
      'A session can have at most 50 session tags, inherited transitive tags included.',
    ],
  ])('refuses %s', (_, requested, inherited, message) => {
    const attempt = () => mergeRequestTags(requested, inherited)
    expect(attempt).toThrow(LanyardError)
    expect(attempt).toThrow(message)
  })
})
