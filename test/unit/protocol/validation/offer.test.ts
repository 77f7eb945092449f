import { describe, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { expectVerdict } from './helpers.ts'

const r = { name: 'builtin', version: '1', engines: [], devices: [] }

describe('WorkerOffer rules (R41)', () => {
  it('accepts a sane offer, including price 0 and seq 0', () => {
    expectVerdict('WorkerOffer', {}, 'ACCEPT')
    expectVerdict('WorkerOffer', { price: 0, seq: 0 }, 'ACCEPT')
  })
  it('rejects offers naming no renderer or an unknown one', () => {
    expectVerdict('WorkerOffer', { renderers: [] }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('WorkerOffer', { renderers: [{ ...r, name: 'povray' }] }, 'REJECT', 'FIELD_RANGE')
  })
  it('rejects price, slots and string fields out of range', () => {
    expectVerdict('WorkerOffer', { price: LIMITS.maxPrice + 1 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('WorkerOffer', { slots: 0, freeSlots: 0 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('WorkerOffer', { slots: LIMITS.maxSlots + 1 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('WorkerOffer', { slots: 2, freeSlots: 3 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('WorkerOffer', { region: 'x'.repeat(LIMITS.maxStringBytes + 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('WorkerOffer', { renderers: [{ ...r, engines: ['é'.repeat(129)] }] }, 'REJECT', 'FIELD_RANGE')
  })
  it('bounds the GPU description like the other hardware strings', () => {
    const hardware = { cpuModel: 'x', cpuCount: 8, gpuModel: 'NVIDIA GeForce RTX 3090', gpuCount: 2, ramMib: 1024, gpuVendor: 'NVIDIA', gpuVramMib: 24_576 }
    expectVerdict('WorkerOffer', { hardware }, 'ACCEPT')
    expectVerdict('WorkerOffer', { hardware: { ...hardware, gpuVendor: 'x'.repeat(LIMITS.maxStringBytes + 1) } }, 'REJECT', 'FIELD_RANGE')
  })
})
