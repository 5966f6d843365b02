import { describe, expect, it } from 'vitest'
import { isLanyardError } from '../errors.js'
import { applyJsonPatch, deepEqual } from './json-patch.js'
import type { JsonPatchOp } from './types.js'

const doc = () => ({ a: { b: [1, 2], 'c/d': 'x', 'e~f': 'y' }, n: null as unknown })

describe('applyJsonPatch (RFC 6902)', () => {
  it.each<{ name: string; ops: JsonPatchOp[]; expected: unknown }>([
    {
      name: 'add member',
      ops: [{ op: 'add', path: '/z', value: 1 }],
      expected: { ...doc(), z: 1 },
    },
    {
      name: 'add to array end with -',
      ops: [{ op: 'add', path: '/a/b/-', value: 3 }],
      expected: { ...doc(), a: { ...doc().a, b: [1, 2, 3] } },
    },
    {
      name: 'add inserts at an index',
      ops: [{ op: 'add', path: '/a/b/0', value: 0 }],
      expected: { ...doc(), a: { ...doc().a, b: [0, 1, 2] } },
    },
    {
      name: 'add replaces a null member',
      ops: [{ op: 'add', path: '/n', value: [1] }],
      expected: { ...doc(), n: [1] },
    },
    {
      name: 'escaped tokens ~1 and ~0',
      ops: [
        { op: 'replace', path: '/a/c~1d', value: 'X' },
        { op: 'remove', path: '/a/e~0f' },
      ],
      expected: { ...doc(), a: { b: [1, 2], 'c/d': 'X' } },
    },
    {
      name: 'remove from array',
      ops: [{ op: 'remove', path: '/a/b/0' }],
      expected: { ...doc(), a: { ...doc().a, b: [2] } },
    },
    {
      name: 'test passes',
      ops: [{ op: 'test', path: '/a/b', value: [1, 2] }],
      expected: doc(),
    },
  ])('$name', ({ ops, expected }) => {
    const input = doc()
    expect(applyJsonPatch(input, ops)).toEqual(expected)
    expect(input).toEqual(doc())
  })

  it.each<{ name: string; ops: JsonPatchOp[] }>([
    { name: 'missing parent', ops: [{ op: 'add', path: '/x/y', value: 1 }] },
    { name: 'append to absent array', ops: [{ op: 'add', path: '/a/missing/-', value: 1 }] },
    { name: 'append to null', ops: [{ op: 'add', path: '/n/-', value: 1 }] },
    { name: 'index out of range', ops: [{ op: 'add', path: '/a/b/5', value: 1 }] },
    { name: 'leading zero index', ops: [{ op: 'add', path: '/a/b/01', value: 1 }] },
    { name: 'replace missing', ops: [{ op: 'replace', path: '/nope', value: 1 }] },
    { name: 'remove missing', ops: [{ op: 'remove', path: '/a/b/2' }] },
    { name: 'test fails', ops: [{ op: 'test', path: '/a/b', value: [2, 1] }] },
    { name: 'pointer without slash', ops: [{ op: 'add', path: 'a', value: 1 }] },
  ])('refuses: $name', ({ ops }) => {
    let caught: unknown
    try {
      applyJsonPatch(doc(), ops)
    } catch (err) {
      caught = err
    }
    expect(isLanyardError(caught, 'request.invalid')).toBe(true)
  })

  it('adds a member named __proto__ as an own property, polluting nothing', () => {
    const out = applyJsonPatch({} as Record<string, unknown>, [
      { op: 'add', path: '/__proto__', value: { polluted: true } },
    ])
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('deepEqual ignores member order but not array order', () => {
    expect(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true)
    expect(deepEqual([1, 2], [2, 1])).toBe(false)
    expect(deepEqual({ a: undefined }, {})).toBe(false)
  })
})
