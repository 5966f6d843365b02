import type { RequestContext } from './types.js'

/**
 * The request context as a map with keys lower-cased once, so the engine can look keys up with
 * names lower-cased at compile time ("Condition key names are not case-sensitive",
 * reference_policies_elements_condition).
 */
export class MapRequestContext implements RequestContext {
  #values: Map<string, string | readonly string[]> | undefined
  #build: (() => Map<string, string | readonly string[]>) | undefined
  readonly #base: MapRequestContext | undefined

  /**
   * `values`, or a function that builds them when a key is first looked up. `base`: keys this
   * context does not have are looked up there (shared, e.g. per session).
   */
  constructor(
    values:
      | Map<string, string | readonly string[]>
      | (() => Map<string, string | readonly string[]>),
    base?: MapRequestContext,
  ) {
    if (typeof values === 'function') this.#build = values
    else this.#values = values
    this.#base = base
  }

  get #own(): Map<string, string | readonly string[]> {
    if (this.#values === undefined) {
      this.#values = (this.#build as () => Map<string, string | readonly string[]>)()
      this.#build = undefined
    }
    return this.#values
  }

  /** Looks up a key case-insensitively. */
  get(key: string): string | readonly string[] | undefined {
    return this.getLower(key) ?? this.getLower(key.toLowerCase())
  }

  /** Looks up a key that is already lower-cased (the engine's fast path). */
  getLower(lowerKey: string): string | readonly string[] | undefined {
    const v = this.#own.get(lowerKey)
    return v !== undefined || this.#base === undefined ? v : this.#base.getLower(lowerKey)
  }

  /** The keys as stored (lower-cased), the base's included. */
  keys(): IterableIterator<string> {
    if (this.#base === undefined) return this.#own.keys()
    return new Set([...this.#base.keys(), ...this.#own.keys()]).values()
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
  return new MapRequestContext(valuesOf(record), checkedBase(base))
}

/**
 * {@link createRequestContext} of the record `build` returns, called when a key is first looked
 * up: a request whose policies read no condition key never builds it. `build` must return the
 * same record whenever it is called (e.g. from values fixed when the request arrived).
 */
export function deferredRequestContext(
  build: () => Readonly<Record<string, string | readonly string[] | undefined>>,
  base?: RequestContext,
): RequestContext {
  return new MapRequestContext(() => valuesOf(build()), checkedBase(base))
}

function valuesOf(
  record: Readonly<Record<string, string | readonly string[] | undefined>>,
): Map<string, string | readonly string[]> {
  const values = new Map<string, string | readonly string[]>()
  for (const key in record) {
    const value = record[key]
    if (value === undefined) continue
    values.set(key.toLowerCase(), typeof value === 'string' ? value : Object.freeze([...value]))
  }
  return values
}

function checkedBase(base: RequestContext | undefined): MapRequestContext | undefined {
  if (base !== undefined && !(base instanceof MapRequestContext))
    throw new TypeError('a base request context must come from createRequestContext')
  return base
}

/** Looks up a key given both its lower-cased and original spelling. */
export function lookupContext(
  ctx: RequestContext,
  lowerKey: string,
  key: string,
): string | readonly string[] | undefined {
  return ctx instanceof MapRequestContext ? ctx.getLower(lowerKey) : ctx.get(key)
}
