// The little the worker persists (offer seq, cached bench scores, task
// history) goes through this, so tests can pass a Map instead of LevelDB. A
// level sublevel with json values fits it as is.

export interface KvRange {
  gte: string
  lt: string
  /** Highest keys first. */
  reverse?: boolean
  limit?: number
}

export type KvOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string }

export interface WorkerKv {
  /** undefined when the key is absent. */
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  /** The puts and deletes written together, in order: all or none. */
  batch(ops: KvOp[]): Promise<void>
  /** [key, value] pairs with gte <= key < lt, in key order. */
  iterator(range: KvRange): AsyncIterable<[string, unknown]>
}

export function memoryKv(): WorkerKv & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>()
  return {
    data,
    get: async (key) => data.get(key),
    put: async (key, value) => {
      data.set(key, value)
    },
    del: async (key) => {
      data.delete(key)
    },
    batch: async (ops) => {
      for (const op of ops) {
        if (op.type === 'put') data.set(op.key, op.value)
        else data.delete(op.key)
      }
    },
    async *iterator(range) {
      // Sorted by UTF-16 code units, which is LevelDB's byte order for the ASCII keys we use.
      const keys = [...data.keys()].filter((k) => k >= range.gte && k < range.lt).sort()
      if (range.reverse) keys.reverse()
      for (const key of keys.slice(0, range.limit ?? keys.length)) yield [key, data.get(key)] as [string, unknown]
    }
  }
}
