import { describe, expect, it } from 'vitest'
import { sampleFor, sampleMismatch, sampleOfSize, tileGrid } from '../../../../protocol/verification/sample.ts'
import { filled } from '../fixtures.ts'

const base = { beacon: filled(32, 1), jobId: filled(32, 2), taskIndex: 3, merkleRoot: filled(32, 4), frames: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], width: 64, height: 36 }
const beaconOf = (i: number) => {
  const b = new Uint8Array(32)
  new DataView(b.buffer).setUint32(0, i)
  return b
}

describe('tileGrid', () => {
  it.each([
    [64, 36],
    [1920, 1080],
    [67, 37],
    [3, 2],
    [1, 1]
  ])('tiles %ix%i exactly, sizes within one pixel', (width, height) => {
    const grid = tileGrid(width, height)
    expect(grid.length).toBe(Math.min(4, width) * Math.min(4, height))
    const covered = new Uint8Array(width * height)
    for (const t of grid) for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) covered[y * width + x]!++
    expect(covered.every((c) => c === 1)).toBe(true)
    const widths = grid.map((t) => t.width)
    expect(Math.max(...widths) - Math.min(...widths)).toBeLessThanOrEqual(1)
  })

  it('gives a 16x9 tile (1/16 of the area) at 64x36', () => {
    expect(tileGrid(64, 36).every((t) => t.width === 16 && t.height === 9)).toBe(true)
  })
})

describe('sampleFor', () => {
  it('is deterministic: anyone recomputes the same sample', () => {
    expect(sampleFor(base)).toEqual(sampleFor({ ...base, frames: [...base.frames] }))
  })

  it('depends on the beacon, the commitment and the redundancy index', () => {
    const full = { ...base, level: 'full' as const }
    const a = sampleOfSize(base, 3, 1)
    expect(sampleOfSize({ ...base, beacon: filled(32, 9) }, 3, 1)).not.toEqual(a)
    expect(sampleOfSize({ ...base, merkleRoot: filled(32, 8) }, 3, 1)).not.toEqual(a)
    expect(sampleOfSize({ ...base, taskIndex: 4 }, 3, 1)).not.toEqual(a)
    expect(sampleOfSize({ ...base, redundancyIndex: 1 }, 3, 1)).not.toEqual(a)
    expect(sampleFor(full).frames).toEqual(base.frames)
    expect(sampleFor(full).tiles).toHaveLength(160)
  })

  it('grows by extension: a bigger sample contains every smaller one', () => {
    for (let k = 0; k < base.frames.length; k++) {
      const small = new Set(sampleOfSize(base, k, 1).frames)
      const big = sampleOfSize(base, k + 1, 1).frames
      expect([...small].every((f) => big.includes(f))).toBe(true)
    }
  })

  it('returns frames ascending and tiles by frame, on the grid', () => {
    const s = sampleOfSize(base, 6, 3)
    expect(s.frames).toEqual([...s.frames].sort((a, b) => a - b))
    expect(s.tiles).toHaveLength(18)
    const grid = tileGrid(64, 36)
    for (const t of s.tiles) expect(grid).toContainEqual({ x: t.x, y: t.y, width: t.width, height: t.height })
    expect(s.tiles.map((t) => t.frame)).toEqual(s.frames.flatMap((f) => [f, f, f]))
  })

  it('samples every frame and every tile uniformly', () => {
    const trials = 16_000
    const frameHits = new Map<number, number>()
    const cellHits = new Map<string, number>()
    for (let i = 0; i < trials; i++) {
      const s = sampleOfSize({ ...base, beacon: beaconOf(i) }, 1, 1)
      frameHits.set(s.frames[0]!, (frameHits.get(s.frames[0]!) ?? 0) + 1)
      const key = `${s.tiles[0]!.x},${s.tiles[0]!.y}`
      cellHits.set(key, (cellHits.get(key) ?? 0) + 1)
    }
    // Chi-square with 9 and 15 degrees of freedom; the 99.9% quantiles are 27.9 and 37.7.
    const chi = (hits: Map<number | string, number>, cells: number) => [...hits.values()].reduce((sum, h) => sum + (h - trials / cells) ** 2 / (trials / cells), 0)
    expect(frameHits.size).toBe(10)
    expect(cellHits.size).toBe(16)
    expect(chi(frameHits, 10)).toBeLessThan(27.9)
    expect(chi(cellHits, 16)).toBeLessThan(37.7)
  })

  it('samples each frame with probability rate x factor, even in one-frame tasks', () => {
    const trials = 8000
    let sampled = 0
    for (let i = 0; i < trials; i++) sampled += sampleFor({ ...base, frames: [5], beacon: beaconOf(i), reputation: { verifiedFrames: 1000, rejectedTasks: 0 } }).frames.length
    expect(Math.abs(sampled / trials - 0.25)).toBeLessThan(0.02)
    const newcomer = sampleFor({ ...base, reputation: undefined }).frames.length
    expect([3, 4]).toContain(newcomer)
  })
})

describe('sampleMismatch', () => {
  const sample = sampleOfSize(base, 4, 2)

  it('accepts the beacon sample at any size, including none', () => {
    expect(sampleMismatch(base, sample)).toBeUndefined()
    expect(sampleMismatch(base, { frames: [], tiles: [] })).toBeUndefined()
    expect(sampleMismatch(base, sampleOfSize(base, 10, 16))).toBeUndefined()
  })

  it('refuses a hand-picked frame', () => {
    const other = base.frames.find((f) => !sample.frames.includes(f))!
    const frames = [...sample.frames.slice(1), other].sort((a, b) => a - b)
    expect(sampleMismatch(base, { frames, tiles: frames.flatMap((frame) => sample.tiles.slice(0, 2).map((t) => ({ ...t, frame }))) })).toMatch(/frames/)
  })

  it('refuses a moved tile, an uneven tile count and the wrong redundancy index', () => {
    const moved = sample.tiles.map((t, i) => (i === 0 ? { ...t, x: (t.x + 16) % 64 } : t))
    expect(sampleMismatch(base, { frames: sample.frames, tiles: moved })).toMatch(/tiles/)
    expect(sampleMismatch(base, { frames: sample.frames, tiles: sample.tiles.slice(1) })).toMatch(/tiles for/)
    expect(sampleMismatch({ ...base, redundancyIndex: 1 }, sample)).toBeDefined()
    expect(sampleMismatch(base, { frames: [...base.frames, 99], tiles: [] })).toMatch(/task has/)
  })
})
