// The simulated creator's database: the part of a LevelDB (node.ts's
// NodeDb) that its JobStore uses, in memory. Sublevels by name, batches
// across them applied whole, iteration in key order. Every call settles on
// microtasks only, so the virtual clock (which waits for them between two
// timers) keeps the same order run after run; a real LevelDB answers from
// its I/O threads, whenever they are done.
import type { NodeDb } from '../../node/node.ts'

interface MemorySublevel {
  readonly name: string
  readonly entries: Map<string, unknown>
  iterator(): AsyncIterable<[string, unknown]>
}

type MemoryOp = { type: 'put'; sublevel: MemorySublevel; key: string; value: unknown } | { type: 'del'; sublevel: MemorySublevel; key: string }

class MemoryDb {
  private readonly sublevels = new Map<string, MemorySublevel>()

  sublevel(name: string): MemorySublevel {
    let sublevel = this.sublevels.get(name)
    if (sublevel === undefined) {
      const entries = new Map<string, unknown>()
      sublevel = {
        name,
        entries,
        async *iterator() {
          for (const key of [...entries.keys()].sort()) yield [key, entries.get(key)] as [string, unknown]
        }
      }
      this.sublevels.set(name, sublevel)
    }
    return sublevel
  }

  async batch(ops: MemoryOp[]): Promise<void> {
    for (const op of ops) if (this.sublevels.get(op.sublevel.name) !== op.sublevel) throw new Error(`batch names a sublevel of another database: ${op.sublevel.name}`)
    for (const op of ops) {
      if (op.type === 'put') op.sublevel.entries.set(op.key, op.value)
      else op.sublevel.entries.delete(op.key)
    }
  }
}

/**
 * A NodeDb for the simulated creator. Only `sublevel`, its `iterator` and
 * `batch` exist (what JobStore calls); the type says NodeDb because that is
 * the port CreatorComponents declares.
 */
export function memoryDb(): NodeDb {
  return new MemoryDb() as unknown as NodeDb
}
