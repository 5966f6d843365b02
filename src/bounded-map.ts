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
