import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyedQueue } from '../../../node/keyed-queue.ts'

/** A promise settled from outside. */
function gate() {
  let open!: () => void
  let fail!: (err: Error) => void
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve
    fail = reject
  })
  return { promise, open, fail }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('keyed queue', () => {
  it('runs calls of one key one after another, in call order, and calls of other keys at once', async () => {
    const queue = new KeyedQueue()
    const started: string[] = []
    const gates = [gate(), gate(), gate()]
    const call = (name: string, g: ReturnType<typeof gate>) => async () => {
      started.push(name)
      await g.promise
    }
    const a1 = queue.run('a', call('a1', gates[0]!))
    const a2 = queue.run('a', call('a2', gates[1]!))
    const b1 = queue.run('b', call('b1', gates[2]!))
    await flush()
    expect(started).toEqual(['a1', 'b1'])
    gates[0]!.open()
    await a1
    await flush()
    expect(started).toEqual(['a1', 'b1', 'a2'])
    gates[1]!.open()
    gates[2]!.open()
    await Promise.all([a2, b1])
    await flush()
    expect(queue.size).toBe(0)
  })

  it('refuses at once a call whose signal aborted before it was made', async () => {
    const queue = new KeyedQueue()
    let ran = false
    const call = queue.run(
      'a',
      async () => {
        ran = true
      },
      AbortSignal.abort(new Error('gone'))
    )
    await expect(call).rejects.toThrow('gone')
    expect(ran).toBe(false)
  })

  it('goes on after a failure, which reaches only its own caller', async () => {
    const queue = new KeyedQueue()
    const first = gate()
    const failed = queue.run('a', () => first.promise)
    const next = queue.run('a', async () => 'ran')
    first.fail(new Error('checker gone'))
    await expect(failed).rejects.toThrow('checker gone')
    await expect(next).resolves.toBe('ran')
  })

  it('gives up waiting for a turn when the signal aborts, and never runs that call; a started call runs on', async () => {
    const queue = new KeyedQueue()
    const first = gate()
    const startedFirst = new AbortController()
    const running = queue.run('a', () => first.promise, startedFirst.signal)
    startedFirst.abort(new Error('too late for a started call'))
    const impatient = new AbortController()
    let ran = false
    const waiting = queue.run(
      'a',
      async () => {
        ran = true
      },
      impatient.signal
    )
    const after = queue.run('a', async () => 'after')
    impatient.abort(new Error('waited too long'))
    await expect(waiting).rejects.toThrow('waited too long')
    first.open()
    await expect(running).resolves.toBeUndefined()
    await expect(after).resolves.toBe('after')
    expect(ran).toBe(false)
  })

  it('never overlaps two calls of a key and runs every call once, in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(3), fc.boolean()), { maxLength: 30 }), async (calls) => {
        const queue = new KeyedQueue()
        const running = new Map<string, number>()
        const order = new Map<string, number[]>()
        let overlaps = 0
        const all = calls.map(([key, ticks, fails], i) =>
          queue
            .run(key, async () => {
              running.set(key, (running.get(key) ?? 0) + 1)
              if ((running.get(key) ?? 0) > 1) overlaps++
              order.set(key, [...(order.get(key) ?? []), i])
              for (let t = 0; t < ticks; t++) await flush()
              running.set(key, (running.get(key) ?? 1) - 1)
              if (fails) throw new Error(`call ${i}`)
              return i
            })
            .catch(() => -1)
        )
        await Promise.all(all)
        await flush()
        expect(overlaps).toBe(0)
        for (const [key, seen] of order) expect(seen).toEqual(calls.flatMap(([k], i) => (k === key ? [i] : [])))
        expect(queue.size).toBe(0)
      }),
      { numRuns: 60 }
    )
  })
})
