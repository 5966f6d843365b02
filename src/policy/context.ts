import type { RequestContext } from './types.js'

/**
 * The request context as a map with keys lower-cased once, so the engine can look keys up with
 * names lower-cased at compile time ("Condition key names are not case-sensitive",
 * reference_policies_elements_condition).
 */
export class MapRequestContext implements RequestContext {
  readonly #values: Map<string, string | readonly string[]>
  readonly #base: MapRequestContext | undefined

  /** `base`: keys this context does not have are looked up there (shared, e.g. per session). */
  constructor(values: Map<string, string | readonly string[]>, base?: MapRequestContext) {
    this.#values = values
    this.#base = base
  }

  /** Looks up a key case-insensitively. */
  get(key: string): string | readonly string[] | undefined {
    return this.getLower(key) ?? this.getLower(key.toLowerCase())
  }

  /** Looks up a key that is already lower-cased (the engine's fast path). */
  getLower(lowerKey: string): string | readonly string[] | undefined {
    const v = this.#values.get(lowerKey)
    return v !== undefined || this.#base === undefined ? v : this.#base.getLower(lowerKey)
  }

  /** The keys as stored (lower-cased), the base's included. */
  keys(): IterableIterator<string> {
    if (this.#base === undefined) return this.#values.keys()
    return new Set([...this.#base.keys(), ...this.#values.keys()]).values()
  }
}

/**
 * Builds a {@link RequestContext} from a plain record. Keys are lower-cased once; `undefined`
 * entries are left out (absent keys). When two keys differ only by case, the last one wins.
 * Keys it lacks are looked up in `base`, when given: a context from this function shared by many
 * requests (e.g. a session's principal keys), built once.
 *
 * @example
 * createRequestContext({ 'oidc.example.com/id/ABC:sub': 'system:serviceaccount:ns:sa' })
 */
export function createRequestContext(
  record: Readonly<Record<string, string | readonly string[] | undefined>>,
  base?: RequestContext,
): RequestContext {
  const values = new Map<string, string | readonly string[]>()
  for (const key in record) {
    const value = record[key]
    if (value === undefined) continue
    values.set(key.toLowerCase(), typeof value === 'string' ? value : Object.freeze([...value]))
  }
  if (base !== undefined && !(base instanceof MapRequestContext))
    throw new TypeError('a base request context must come from createRequestContext')
  return new MapRequestContext(values, base)
}

/** Looks up a key given both its lower-cased and original spelling. */
export function lookupContext(
  ctx: RequestContext,
  lowerKey: string,
  key: string,
): string | readonly string[] | undefined {
  return ctx instanceof MapRequestContext ? ctx.getLower(lowerKey) : ctx.get(key)
}
