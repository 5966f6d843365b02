import { LanyardError } from '../errors.js'
import type { JsonPatchOp } from './types.js'

type Container = Record<string, unknown> | unknown[]

/** RFC 6901 §3/§4: split a JSON Pointer and unescape `~1` then `~0`. */
function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) {
    throw new LanyardError('request.invalid', `json pointer \`${pointer}\` must start with \`/\``)
  }
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null

function arrayIndex(token: string, length: number, allowEnd: boolean, path: string): number {
  if (allowEnd && token === '-') return length
  // RFC 6901 §4: array indexes are decimal without leading zeros.
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    throw new LanyardError('request.invalid', `\`${path}\` is not a valid array index`)
  }
  const index = Number(token)
  if (index > length || (!allowEnd && index === length)) {
    throw new LanyardError('request.invalid', `array index in \`${path}\` is out of bounds`)
  }
  return index
}

function child(parent: Container, token: string, path: string): unknown {
  if (Array.isArray(parent)) return parent[arrayIndex(token, parent.length, false, path)]
  if (!Object.hasOwn(parent, token)) {
    throw new LanyardError('request.invalid', `\`${path}\` does not exist`)
  }
  return parent[token]
}

function resolveParent(doc: unknown, tokens: string[], path: string): Container {
  let node = doc
  for (const token of tokens.slice(0, -1)) {
    if (!isContainer(node)) throw new LanyardError('request.invalid', `\`${path}\` does not exist`)
    node = child(node, token, path)
  }
  if (!isContainer(node)) throw new LanyardError('request.invalid', `\`${path}\` does not exist`)
  return node
}

/** Sets an own member, even one named `__proto__`, without touching any prototype. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  })
}

/**
 * Applies RFC 6902 `add`, `remove`, `replace` and `test` operations to a copy of `doc` and returns
 * the copy; `doc` is not modified. Strict: a missing parent, an out-of-range index or a failed
 * `test` throws `request.invalid`, as a JSON Patch library in the API server would refuse the
 * patch. `lanyard pod run` uses it to apply the webhook's patch to a local Pod.
 *
 * @example
 * const mutated = applyJsonPatch(pod, mutatePod({ pod, serviceAccount, config }).patch)
 */
export function applyJsonPatch<T>(doc: T, ops: readonly JsonPatchOp[]): T {
  let root: unknown = structuredClone(doc)
  for (const op of ops) {
    const tokens = parsePointer(op.path)
    const last = tokens[tokens.length - 1]
    if (last === undefined) {
      // The whole document.
      if (op.op === 'remove') throw new LanyardError('request.invalid', 'cannot remove the root')
      if (op.op === 'test') {
        if (!deepEqual(root, op.value)) throw new LanyardError('request.invalid', 'test failed')
        continue
      }
      root = structuredClone(op.value)
      continue
    }
    const parent = resolveParent(root, tokens, op.path)
    switch (op.op) {
      case 'add': {
        const value = structuredClone(op.value)
        if (Array.isArray(parent)) {
          parent.splice(arrayIndex(last, parent.length, true, op.path), 0, value)
        } else {
          setMember(parent, last, value)
        }
        break
      }
      case 'replace': {
        child(parent, last, op.path)
        const value = structuredClone(op.value)
        if (Array.isArray(parent)) parent[arrayIndex(last, parent.length, false, op.path)] = value
        else setMember(parent, last, value)
        break
      }
      case 'remove': {
        child(parent, last, op.path)
        if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, false, op.path), 1)
        else delete parent[last]
        break
      }
      case 'test': {
        if (!deepEqual(child(parent, last, op.path), op.value)) {
          throw new LanyardError('request.invalid', `test of \`${op.path}\` failed`)
        }
        break
      }
    }
  }
  return root as T
}

/** JSON value equality (RFC 6902 §4.6): member order does not matter, array order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]))
}
