/**
 * `map`'s value for `key`, computed by `compute` and stored the first time. For values derived from read-only
 * objects (a post, a list, a block): a WeakMap lets them go with their key.
 */
export function remembered<K extends object, V>(map: WeakMap<K, V>, key: K, compute: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = compute();
    map.set(key, value);
  }
  return value;
}
