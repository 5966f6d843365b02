import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { parseContainerCredentialsIdentities } from './container-credentials-file.js'

describe('parseContainerCredentialsIdentities', () => {
  it.each([
    ['empty file', '', []],
    ['whitespace', ' \n', []],
    ['no identities', '{}', []],
    [
      'two identities',
      '{"identities":[{"namespace":"a","serviceAccount":"x"},{"namespace":"b","serviceAccount":"y"}]}',
      [
        { namespace: 'a', serviceAccount: 'x' },
        { namespace: 'b', serviceAccount: 'y' },
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseContainerCredentialsIdentities(text)).toEqual(expected)
  })

  it.each([
    ['not json', '{'],
    ['identities not a list', '{"identities":{}}'],
    ['identity without serviceAccount', '{"identities":[{"namespace":"a"}]}'],
    ['identity null', '{"identities":[null]}'],
  ])('refuses %s', (_name, text) => {
    let caught: unknown
    try {
      parseContainerCredentialsIdentities(text)
    } catch (err) {
      caught = err
    }
    expect(isLanyardError(caught, 'config.invalid')).toBe(true)
  })
})
