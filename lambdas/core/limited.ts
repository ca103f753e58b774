/**
 * `run` over `items` with at most `limit` calls in flight; results in the order of `items`. Storage writes and
 * reads go through this so a large batch neither runs one call at a time nor opens thousands of sockets at once.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `mapLimited` for calls whose results are not needed. */
export async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  await mapLimited(items, limit, run);
}
