import { describe, expect, it } from 'vitest'
import { bidPayload, shouldBid, type BidderProfile } from '../../../../../node/roles/worker/bidding.ts'
import { announcement } from './fakes.ts'

const self: BidderProfile = {
  capabilities: { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] },
  price: 1000,
  benchScore: 900
}

describe('shouldBid', () => {
  it('bids on a job that fits', () => {
    expect(shouldBid(announcement(), self)).toEqual({ bid: true, reason: 'fits' })
  })

  it('bids when the cap equals our price', () => {
    expect(shouldBid(announcement({ maxPrice: 1000 }), self).bid).toBe(true)
  })

  it.each([
    ['another renderer', { renderer: 'blender' }, /renderer blender/],
    ['a cap below our price', { maxPrice: 999 }, /at most 999/],
    ['a bench score above ours', { minBenchScore: 901 }, /bench score 901/],
    ['an engine we lack', { engine: 'CYCLES' }, /engine CYCLES/],
    ['a device we lack', { device: 'OPTIX' }, /device OPTIX/],
    ['another renderer version', { rendererVersion: '2' }, /builtin 2/]
  ])('declines %s', (_name, over, reason) => {
    const decision = shouldBid(announcement(over), self)
    expect(decision.bid).toBe(false)
    expect(decision.reason).toMatch(reason)
  })

  it('accepts pinned engine, device and version when we have them', () => {
    expect(shouldBid(announcement({ engine: 'PATH', device: 'CPU', rendererVersion: '1', minBenchScore: 900 }), self).bid).toBe(true)
  })
})

describe('bidPayload', () => {
  it('asks our own price, never the job cap', () => {
    const hw = { cpuModel: 'x', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 1024 }
    const bid = bidPayload({ jobId: new Uint8Array(32).fill(7), price: 1000, benchScore: 900, slots: 4, hardware: hw, timestampMs: 5 })
    expect(bid).toMatchObject({ price: 1000, benchScore: 900, slots: 4, hardware: hw, timestampMs: 5 })
  })
})
