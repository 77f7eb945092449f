// RecentMap, the bound under the explorer's records: never more than its
// max, the most recently updated kept, one entry per key with updates
// merged into it; checked against a plain model over random update runs.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RecentMap } from '../../../../node/net/recent-map.ts'

/** Each update adds its value to the key's running total and count. */
interface Merged {
  key: number
  total: number
  count: number
}

const updates = fc.array(fc.record({ key: fc.integer({ min: 0, max: 30 }), value: fc.integer({ min: 1, max: 100 }) }), { maxLength: 300 })

describe('RecentMap', () => {
  it('holds at most max entries, the most recently updated keys, each with all its updates merged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), updates, (max, run) => {
        const map = new RecentMap<number, Merged>(max)
        for (const { key, value } of run) {
          map.update(key, (prev) => ({ key, total: (prev?.total ?? 0) + value, count: (prev?.count ?? 0) + 1 }))
          expect(map.size).toBeLessThanOrEqual(max)
        }
        // The model: a list newest first; an update takes its key out (keeping what it held) and puts it in front, and the list is cut to max.
        let model: Merged[] = []
        for (const { key, value } of run) {
          const prev = model.find((e) => e.key === key)
          model = [{ key, total: (prev?.total ?? 0) + value, count: (prev?.count ?? 0) + 1 }, ...model.filter((e) => e.key !== key)].slice(0, max)
        }
        expect(map.newest()).toEqual(model)
        // The newest keys are the last distinct keys updated.
        const lastAt = new Map<number, number>()
        for (const [i, { key }] of run.entries()) lastAt.set(key, i)
        expect(map.newest().map((e) => e.key)).toEqual([...lastAt.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key).slice(0, max))
      }),
      { numRuns: 500 }
    )
  })

  it('merges every update of a key while it stays held', () => {
    fc.assert(
      fc.property(updates, (run) => {
        // Room for every key: nothing is dropped, so each entry holds all of its updates.
        const map = new RecentMap<number, Merged>(31)
        for (const { key, value } of run) map.update(key, (prev) => ({ key, total: (prev?.total ?? 0) + value, count: (prev?.count ?? 0) + 1 }))
        for (const entry of map.newest()) {
          const all = run.filter((u) => u.key === entry.key)
          expect(entry).toEqual({ key: entry.key, count: all.length, total: all.reduce((s, u) => s + u.value, 0) })
        }
        expect(map.size).toBe(new Set(run.map((u) => u.key)).size)
      })
    )
  })

  it('patches an entry without making it newer, and only one it holds', () => {
    const map = new RecentMap<string, number>(2)
    map.update('a', () => 1)
    map.update('b', () => 2)
    expect(map.patch('a', (v) => v + 10)).toBe(true)
    expect(map.patch('zz', (v) => v)).toBe(false)
    map.update('c', () => 3)
    // 'a' was the least recently updated despite its patch: it went.
    expect(map.newest()).toEqual([3, 2])
    expect(map.newest(1)).toEqual([3])
    expect(() => new RecentMap(0)).toThrow(RangeError)
  })

  it('forgets a deleted entry, which then leaves room for another', () => {
    const map = new RecentMap<string, number>(2)
    map.update('a', () => 1)
    map.update('b', () => 2)
    expect(map.delete('a')).toBe(true)
    expect(map.delete('a')).toBe(false)
    map.update('c', () => 3)
    expect(map.get('a')).toBeUndefined()
    expect(map.newest()).toEqual([3, 2])
  })
})
