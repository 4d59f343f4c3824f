/**
 * Runs `fn` on every item, at most `limit` at a time, each starting as one ends (the job
 * worker's batches, the notice adapters' network calls). Items in order of start; `fn` must not
 * throw (callers record a failure as an outcome, so one item never stops the others).
 */
export async function forEachAtMost<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
