// The little the worker persists (offer seq, cached bench scores) goes
// through this, so tests can pass a Map instead of LevelDB. A level sublevel
// with json values fits it as is.

export interface WorkerKv {
  /** undefined when the key is absent. */
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
}

export function memoryKv(): WorkerKv & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>()
  return {
    data,
    get: async (key) => data.get(key),
    put: async (key, value) => {
      data.set(key, value)
    }
  }
}
