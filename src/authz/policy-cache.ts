import {
  type CompiledPolicy,
  compilePolicy,
  type PolicyDocument,
  type PolicyKind,
} from '../policy/index.js'

/**
 * Compiled policies keyed by their text: stored documents are compiled once, not per request.
 * Bounded: the oldest entry goes first when full (Map iteration order is insertion order).
 */
export function createPolicyCache(maxEntries = 20_000) {
  const cache = new Map<string, CompiledPolicy>()
  return {
    /**
     * INVARIANT: `text` passed validation when it was written (IAM refuses malformed documents),
     * so compiling it cannot fail for a client's reason.
     */
    get(text: string, kind: PolicyKind, label: string): CompiledPolicy {
      const key = `${kind}\u0000${label}\u0000${text}`
      let compiled = cache.get(key)
      if (compiled === undefined) {
        compiled = compilePolicy(JSON.parse(text) as PolicyDocument, { kind, label })
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string)
        cache.set(key, compiled)
      }
      return compiled
    },
  }
}

export type PolicyCache = ReturnType<typeof createPolicyCache>
