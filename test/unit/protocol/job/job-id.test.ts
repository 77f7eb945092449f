import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../protocol/bytes.ts'
import { announcementOf, jobIdOf, specOfAnnouncement } from '../../../../protocol/job/job-id.ts'
import { validateJobSpec } from '../../../../protocol/job/spec.ts'
import { ProtocolError } from '../../../../protocol/errors.ts'
import { filled, pubA, pubB, sampleSpec } from '../fixtures.ts'

const nonce = filled(16, 1)

describe('jobIdOf', () => {
  it('is a deterministic 32-byte id', () => {
    const id = jobIdOf(sampleSpec(), pubA, nonce)
    expect(id).toHaveLength(32)
    expect(toHex(jobIdOf(sampleSpec(), pubA, nonce))).toBe(toHex(id))
  })

  it('differs by creator, nonce and every defining field', () => {
    const base = toHex(jobIdOf(sampleSpec(), pubA, nonce))
    expect(toHex(jobIdOf(sampleSpec(), pubB, nonce))).not.toBe(base)
    expect(toHex(jobIdOf(sampleSpec(), pubA, filled(16, 2)))).not.toBe(base)
    const changes = { seed: 43, samples: 64, frameEnd: 47, maxPrice: 501, engine: 'EEVEE', sceneBlob: 'cd'.repeat(32), width: 1280 }
    for (const [k, v] of Object.entries(changes)) expect(toHex(jobIdOf(sampleSpec({ [k]: v }), pubA, nonce))).not.toBe(base)
  })

  it('binds the output format and the worker filters, not the creator-only name and comment', () => {
    const base = toHex(jobIdOf(sampleSpec({ renderer: 'blender' }), pubA, nonce))
    const defining = { outputFormat: 'EXR', regions: ['eu-west'], gpuVendor: 'NVIDIA', gpuModel: 'A100', minGpuCount: 2, minRamMib: 4096, tier: 3 }
    for (const [k, v] of Object.entries(defining)) expect(toHex(jobIdOf(sampleSpec({ renderer: 'blender', [k]: v, ...(k === 'tier' ? { maxPrice: 500 } : {}) }), pubA, nonce))).not.toBe(base)
    expect(toHex(jobIdOf(sampleSpec({ renderer: 'blender', name: 'shot 12', comment: 'final grade' }), pubA, nonce))).toBe(base)
  })

  it('refuses keys and nonces of the wrong size', () => {
    expect(() => jobIdOf(sampleSpec(), filled(31, 1), nonce)).toThrow(ProtocolError)
    expect(() => jobIdOf(sampleSpec(), pubA, filled(8, 1))).toThrow(ProtocolError)
  })
})

describe('announcementOf / specOfAnnouncement', () => {
  it('round-trips the spec and carries the derived id', () => {
    const spec = sampleSpec()
    const a = announcementOf(spec, { creatorPublicKey: pubA, nonce, addrs: ['/ip4/1.2.3.4/tcp/1'], timestampMs: 5 })
    expect(validateJobSpec(specOfAnnouncement(a))).toEqual(spec)
    expect(toHex(a.jobId)).toBe(toHex(jobIdOf(spec, pubA, nonce)))
    expect(a.addrs).toEqual(['/ip4/1.2.3.4/tcp/1'])
  })
})
