// Bounded concurrency over a list: `fn` over `items`, at most `limit` at a
// time, results in item order.

/**
 * On the first failure no new item starts, and it rejects (with that
 * failure) only once the items already running have settled: nothing the
 * caller is about to clean up is still in use.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  let failed = false
  const run = async () => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        out[i] = await fn(items[i]!)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, run))
  const failure = settled.find((r) => r.status === 'rejected')
  if (failure !== undefined) throw failure.reason
  return out
}
