// The per-task overhead read off render spans (scripts/bench/lib/task-probes.ts):
// slot gaps for serial and multi-slot workers, and overlap sums.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { overlapMs, type Span, slotGaps, workerOverhead } from '../../../../scripts/bench/lib/task-probes.ts'

const span = (startMs: number, endMs: number): Span => ({ startMs, endMs })

/** Disjoint spans in time order, from (gap, length) pairs. */
const serialSpans = fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 50 })), { maxLength: 30 }).map((parts) => {
  const spans: Span[] = []
  let at = 0
  for (const [gap, length] of parts) {
    spans.push(span(at + gap, at + gap + length))
    at += gap + length
  }
  return spans
})

describe('slotGaps', () => {
  it('gives a serial worker the gaps between consecutive renders, in any input order', () => {
    fc.assert(
      fc.property(serialSpans, (spans) => {
        const shuffled = [...spans].reverse()
        const expected = spans.slice(1).map((s, i) => span((spans[i] as Span).endMs, s.startMs))
        expect(slotGaps(shuffled)).toEqual(expected)
      })
    )
  })

  it('deals overlapping renders to separate slots', () => {
    // Two slots: A 0-10, B 5-15, A' 12-20 (after A), B' 16-30 (after B).
    const gaps = slotGaps([span(0, 10), span(5, 15), span(12, 20), span(16, 30)])
    expect(gaps).toEqual([span(10, 12), span(15, 16)])
  })

  it('leaves one gap fewer than renders per slot, none negative', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 100 })), { maxLength: 40 }), (pairs) => {
        const spans = pairs.map(([start, length]) => span(start, start + length))
        const gaps = slotGaps(spans)
        expect(gaps.every((g) => g.endMs >= g.startMs)).toBe(true)
        expect(gaps.length).toBeLessThanOrEqual(Math.max(0, spans.length - 1))
      })
    )
  })
})

describe('overlapMs', () => {
  it('counts each covered millisecond of the span once', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 40 })), { maxLength: 10 }),
        ([a, length], pairs) => {
          const target = span(a, a + length)
          const spans = pairs.map(([s, l]) => span(s, s + l))
          let covered = 0
          for (let ms = target.startMs; ms < target.endMs; ms++) if (spans.some((s) => s.startMs <= ms && ms < s.endMs)) covered++
          expect(overlapMs(target, spans)).toBe(covered)
        }
      )
    )
  })
})

describe('workerOverhead', () => {
  it('splits each gap into the RPCs that covered it and the rest', () => {
    const probe = {
      renders: [
        { startMs: 0, endMs: 100, frames: 4 },
        { startMs: 110, endMs: 210, frames: 4 }
      ],
      rpcs: [
        // The next claim ran during the first render (a pipelined worker): not in the gap.
        { type: 'TaskClaim', startMs: 50, endMs: 60, code: 'ok' as const },
        { type: 'ResultCommitment', startMs: 102, endMs: 106, code: 'ok' as const }
      ]
    }
    const o = workerOverhead([probe])
    expect(o.gaps).toBe(1)
    expect(o.medianMs).toBe(10)
    expect(o.meanInGap).toEqual({ claimRpcMs: 0, commitRpcMs: 4, renewalRpcMs: 0, otherMs: 6 })
  })

  it('has no figure without two renders on a slot', () => {
    expect(workerOverhead([{ renders: [{ startMs: 0, endMs: 5, frames: 1 }], rpcs: [] }]).medianMs).toBeNull()
  })
})
