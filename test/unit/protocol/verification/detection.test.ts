// The detection math against simulation: faked frames drawn with a seeded
// PRNG, samples drawn exactly as checkers draw them (from beacons).
import { describe, expect, it } from 'vitest'
import {
  checkOverhead,
  detectionProbability,
  framesForDetection,
  reputationFactor,
  VERIFICATION_LEVELS
} from '../../../../protocol/verification/levels.ts'
import { sampleFor, sampleOfSize } from '../../../../protocol/verification/sample.ts'
import { seededRandom } from '../../../../testnet/seeded-random.ts'
import { filled } from '../fixtures.ts'

function beaconFrom(random: () => number): Uint8Array {
  const b = new Uint8Array(32)
  for (let i = 0; i < 32; i += 4) new DataView(b.buffer).setUint32(i, Math.floor(random() * 2 ** 32))
  return b
}

const frames = Array.from({ length: 60 }, (_, i) => i + 1)
const base = { jobId: filled(32, 2), taskIndex: 0, merkleRoot: filled(32, 4), frames, width: 64, height: 36 }

describe('detection probability', () => {
  it('matches 1 - (1 - f)^k', () => {
    expect(detectionProbability(0.1, 0)).toBe(0)
    expect(detectionProbability(1, 1)).toBe(1)
    expect(detectionProbability(0.1, 44)).toBeGreaterThanOrEqual(0.99)
    expect(detectionProbability(0.1, 43)).toBeLessThan(0.99)
    expect(framesForDetection(0.1, 0.99)).toBe(44)
    expect(framesForDetection(0.5, 0.99)).toBe(7)
  })

  it.each([
    [0.1, 5],
    [0.1, 20],
    [0.05, 15],
    [0.3, 3]
  ])('simulated over 10^4 trials: f = %f, k = %i, within 0.02 of the formula', (f, k) => {
    const random = seededRandom(Math.round(f * 1000) * 100 + k)
    const trials = 10_000
    let caught = 0
    for (let t = 0; t < trials; t++) {
      const faked = new Set(frames.filter(() => random() < f))
      const sample = sampleOfSize({ ...base, beacon: beaconFrom(random) }, k, 1)
      if (sample.frames.some((frame) => faked.has(frame))) caught++
    }
    expect(Math.abs(caught / trials - detectionProbability(f, k))).toBeLessThan(0.02)
  })

  it('a job at the standard level catches f = 10% at >= 99% once 176 frames of a worker were sampled from', () => {
    const random = seededRandom(7)
    const trials = 2000
    let caught = 0
    const established = { verifiedFrames: 10_000, rejectedTasks: 0 }
    for (let t = 0; t < trials; t++) {
      let hit = false
      // 176 frames in 22 tasks of 8: K = 44 expected sampled frames.
      for (let task = 0; task < 22 && !hit; task++) {
        const taskFrames = frames.slice(0, 8)
        const faked = new Set(taskFrames.filter(() => random() < 0.1))
        const sample = sampleFor({ ...base, taskIndex: task, frames: taskFrames, beacon: beaconFrom(random), reputation: established })
        hit = sample.frames.some((frame) => faked.has(frame))
      }
      if (hit) caught++
    }
    expect(caught / trials).toBeGreaterThanOrEqual(0.985)
  })
})

describe('levels', () => {
  it('the default spends at most 3% of the compute, by area and at Blender crop cost', () => {
    const standard = VERIFICATION_LEVELS.standard
    expect(checkOverhead(standard)).toBeCloseTo(0.25 / 16)
    expect(checkOverhead(standard, { tileCost: 0.1 })).toBeLessThanOrEqual(0.03)
    expect(checkOverhead(VERIFICATION_LEVELS.light, { tileCost: 0.1 })).toBeCloseTo(0.01)
  })

  it('samples newcomers and caught workers more', () => {
    expect(reputationFactor(undefined)).toBe(1.5)
    expect(reputationFactor({ verifiedFrames: 50, rejectedTasks: 0 })).toBe(1.5)
    expect(reputationFactor({ verifiedFrames: 5000, rejectedTasks: 0 })).toBe(1)
    expect(reputationFactor({ verifiedFrames: 5000, rejectedTasks: 1 })).toBe(3)
  })
})
