/**
 * Sets `key` in `map` as its newest entry and, past `max` entries, forgets the oldest (a Map
 * iterates in insertion order). Caches that also re-set an entry when it is read forget the least
 * recently used one; those that do not, the oldest inserted.
 */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  map.delete(key)
  map.set(key, value)
  if (map.size > max) {
    const oldest = map.keys().next()
    if (!oldest.done) map.delete(oldest.value)
  }
  return value
}

/**
 * `compute` remembered per text: what it returned for a text is kept (at most `max` texts, the
 * oldest forgotten first; texts longer than `maxLength` are never kept, so the memory stays
 * bounded whatever the texts are). What throws is not remembered. For pure functions of a
 * string that callers pass the same few texts again and again (a JWS header segment, a SigV4
 * credential scope).
 */
export function rememberedPerText<V>(
  compute: (text: string) => V,
  max: number,
  maxLength: number,
): (text: string) => V {
  const kept = new Map<string, V>()
  return (text) => {
    const hit = kept.get(text)
    if (hit !== undefined) return hit
    const value = compute(text)
    return text.length <= maxLength ? remember(kept, text, value, max) : value
  }
}
