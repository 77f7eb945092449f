import { describe, expect, it } from 'vitest'
import { checkerIndex, selectCheckers } from '../../../../protocol/verification/select.ts'
import { filled } from '../fixtures.ts'

const keys = Array.from({ length: 12 }, (_, i) => (i + 10).toString(16).padStart(2, '0').repeat(32))
const worker = keys[0]!
const creator = keys[1]!
const input = { beacon: filled(32, 1), jobId: filled(32, 2), taskIndex: 0, merkleRoot: filled(32, 4), checkers: keys, exclude: [worker, creator], redundancy: 3 }

describe('selectCheckers', () => {
  it('is deterministic and independent of registry order, case and duplicates', () => {
    const picked = selectCheckers(input)
    expect(picked).toHaveLength(3)
    expect(selectCheckers({ ...input, checkers: [...keys].reverse() })).toEqual(picked)
    expect(selectCheckers({ ...input, checkers: [...keys, ...keys].map((k) => k.toUpperCase()) })).toEqual(picked)
  })

  it('never picks the worker or the creator', () => {
    for (let t = 0; t < 500; t++) {
      const picked = selectCheckers({ ...input, taskIndex: t, redundancy: 8 })
      expect(picked).not.toContain(worker)
      expect(picked).not.toContain(creator)
      expect(new Set(picked).size).toBe(picked.length)
    }
  })

  it('puts the checker a ledger drew first, and draws the rest from the others (R102a)', () => {
    const drawn = keys[5]!
    const picked = selectCheckers({ ...input, drawn, redundancy: 2 })
    expect(picked[0]).toBe(drawn)
    expect(picked[1]).toBe(selectCheckers({ ...input, exclude: [worker, creator, drawn], redundancy: 1 })[0])
    expect(selectCheckers({ ...input, drawn, redundancy: 1 })).toEqual([drawn])
    expect(checkerIndex({ ...input, drawn, redundancy: 2 }, picked[1]!)).toBe(1)
    // A drawn key that is excluded or not registered selects nobody.
    expect(selectCheckers({ ...input, drawn: worker })).toEqual([])
    expect(selectCheckers({ ...input, drawn: 'ff'.repeat(32) })).toEqual([])
  })

  it('returns fewer when fewer are eligible, none when none are', () => {
    expect(selectCheckers({ ...input, checkers: [worker, creator, keys[2]!] })).toEqual([keys[2]])
    expect(selectCheckers({ ...input, checkers: [worker] })).toEqual([])
  })

  it('spreads tasks evenly over checkers', () => {
    const counts = new Map<string, number>()
    const trials = 10_000
    for (let t = 0; t < trials; t++) {
      const [first] = selectCheckers({ ...input, taskIndex: t, redundancy: 1 })
      counts.set(first!, (counts.get(first!) ?? 0) + 1)
    }
    expect(counts.size).toBe(10)
    for (const n of counts.values()) expect(Math.abs(n / trials - 0.1)).toBeLessThan(0.015)
  })

  it('moves only the tasks of a checker that leaves', () => {
    let moved = 0
    for (let t = 0; t < 2000; t++) {
      const before = selectCheckers({ ...input, taskIndex: t, redundancy: 1 })[0]
      const after = selectCheckers({ ...input, taskIndex: t, redundancy: 1, checkers: keys.filter((k) => k !== keys[5]) })[0]
      if (before !== after) {
        expect(before).toBe(keys[5])
        moved++
      }
    }
    expect(moved).toBeGreaterThan(0)
  })

  it('gives each checker its redundancy index, -1 when not selected', () => {
    const picked = selectCheckers(input)
    picked.forEach((k, i) => {
      expect(checkerIndex(input, k)).toBe(i)
    })
    expect(checkerIndex(input, worker)).toBe(-1)
  })

  it('refuses malformed keys and redundancy', () => {
    expect(() => selectCheckers({ ...input, checkers: ['abc'] })).toThrow(/hex/)
    expect(() => selectCheckers({ ...input, redundancy: 0 })).toThrow(/redundancy/)
    expect(() => selectCheckers({ ...input, beacon: filled(31, 1) })).toThrow(/beacon/)
  })
})
