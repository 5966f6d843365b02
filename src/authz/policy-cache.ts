import {
  type CompiledPolicy,
  compilePolicy,
  type PolicyDocument,
  type PolicyKind,
} from '../policy/index.js'

/**
 * Compiled policies keyed by their text: stored documents are compiled once, not per request.
 * Bounded: when `maxEntries` documents are cached, the cache starts over.
 */
export function createPolicyCache(maxEntries = 20_000) {
  // Keyed by the text itself, one map per kind and label: a stored document is the same string
  // object on every request (the store cache hands out the same record), and V8 keeps a string's
  // hash, so a hit does not hash the document again — a key built by concatenation would be a new
  // string, hashed in full, on every lookup.
  const byLabel = new Map<string, Map<string, CompiledPolicy>>()
  let size = 0
  return {
    /**
     * INVARIANT: `text` passed validation when it was written (IAM refuses malformed documents),
     * so compiling it cannot fail for a client's reason.
     */
    get(text: string, kind: PolicyKind, label: string): CompiledPolicy {
      const slot = `${kind}\u0000${label}`
      let cache = byLabel.get(slot)
      if (cache === undefined) {
        cache = new Map()
        byLabel.set(slot, cache)
      }
      let compiled = cache.get(text)
      if (compiled === undefined) {
        compiled = compilePolicy(JSON.parse(text) as PolicyDocument, { kind, label })
        if (size >= maxEntries) {
          // Full: start over (rare: 20,000 distinct documents) rather than track age per entry.
          byLabel.clear()
          size = 0
          cache = new Map()
          byLabel.set(slot, cache)
        }
        cache.set(text, compiled)
        size++
      }
      return compiled
    },
  }
}

export type PolicyCache = ReturnType<typeof createPolicyCache>
