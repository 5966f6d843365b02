import type { RequestContext } from './types.js'

/**
 * The request context as a map with keys lower-cased once, so the engine can look keys up with
 * names lower-cased at compile time ("Condition key names are not case-sensitive",
 * reference_policies_elements_condition).
 */
export class MapRequestContext implements RequestContext {
  readonly #values: Map<string, string | readonly string[]>

  constructor(values: Map<string, string | readonly string[]>) {
    this.#values = values
  }

  /** Looks up a key case-insensitively. */
  get(key: string): string | readonly string[] | undefined {
    return this.#values.get(key) ?? this.#values.get(key.toLowerCase())
  }

  /** Looks up a key that is already lower-cased (the engine's fast path). */
  getLower(lowerKey: string): string | readonly string[] | undefined {
    return this.#values.get(lowerKey)
  }

  /** The keys as stored (lower-cased). */
  keys(): IterableIterator<string> {
    return this.#values.keys()
  }
}

/**
 * Builds a {@link RequestContext} from a plain record. Keys are lower-cased once; `undefined`
 * entries are left out (absent keys). When two keys differ only by case, the last one wins.
 *
 * @example
 * createRequestContext({ 'oidc.example.com/id/ABC:sub': 'system:serviceaccount:ns:sa' })
 */
export function createRequestContext(
  record: Readonly<Record<string, string | readonly string[] | undefined>>,
): RequestContext {
  const values = new Map<string, string | readonly string[]>()
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue
    values.set(key.toLowerCase(), typeof value === 'string' ? value : Object.freeze([...value]))
  }
  return new MapRequestContext(values)
}

/** Looks up a key given both its lower-cased and original spelling. */
export function lookupContext(
  ctx: RequestContext,
  lowerKey: string,
  key: string,
): string | readonly string[] | undefined {
  return ctx instanceof MapRequestContext ? ctx.getLower(lowerKey) : ctx.get(key)
}
