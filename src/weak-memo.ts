/**
 * `build` kept per key object: the first call for a key builds its value, later calls return
 * that same value for as long as the key lives (a WeakMap, so dropping the key drops the value).
 * For values derived from an object that does not change while it is in use (an opened session,
 * a cluster view, a key object). `arg` is used by the first call only. Fixed arity: it sits on
 * per-request paths, where a rest parameter would allocate on every call.
 */
export function weakMemo<K extends object, V, A = undefined>(
  build: (key: K, arg: A) => V,
): undefined extends A ? (key: K, arg?: A) => V : (key: K, arg: A) => V {
  const values = new WeakMap<K, V>()
  const memo = (key: K, arg: A): V => {
    let value = values.get(key)
    if (value === undefined) {
      value = build(key, arg)
      values.set(key, value)
    }
    return value
  }
  // Without an argument to pass (`A` admits undefined) the caller may leave it out.
  return memo as undefined extends A ? (key: K, arg?: A) => V : (key: K, arg: A) => V
}
