import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { VersionedMap } from '../../../../../node/ledger/dev/versioned-map.ts'

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e')
/** A step: a new version off an earlier one (by position) with some writes, or a read of an earlier one. */
const step = fc.oneof(fc.record({ from: fc.nat(), writes: fc.array(fc.tuple(key, fc.integer()), { maxLength: 4 }) }), fc.record({ read: fc.nat() }))

describe('dev ledger versioned map', () => {
  it('reads every version as the map it was written as, in any order of writes and reads', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const versions = [VersionedMap.of(new Map([['a', 0]]))]
        const models = [new Map([['a', 0]])]
        for (const s of steps) {
          if ('read' in s) {
            const at = s.read % versions.length
            expect(new Map(versions[at])).toEqual(models[at])
            continue
          }
          const at = s.from % versions.length
          const writes = new Map(s.writes)
          versions.push(versions[at].with(writes))
          models.push(new Map([...models[at], ...writes]))
        }
        versions.forEach((version, at) => {
          expect(version.size).toBe(models[at].size)
          for (const k of ['a', 'b', 'c', 'd', 'e']) expect(version.get(k)).toBe(models[at].get(k))
        })
      })
    )
  })

  it('iterates a version as it was, even when another version is read inside the loop', () => {
    const old = VersionedMap.of(new Map([['a', 1], ['b', 2]]))
    const next = old.with(new Map([['a', 10], ['c', 30]]))
    const seen: [string, number][] = []
    for (const [k, v] of next) {
      old.get('a')
      seen.push([k, v])
    }
    expect(seen).toEqual([['a', 10], ['b', 2], ['c', 30]])
    expect([...old.keys()]).toEqual(['a', 'b'])
    expect(next.with(new Map())).toBe(next)
  })
})
