import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CodecName, decode, encode, isCanonical, MAX_BYTES } from '../../../protocol/codec.ts'
import { LIMITS } from '../../../protocol/constants.ts'
import { DecodeError, EncodeError } from '../../../protocol/errors.ts'
import { filled, frameResults, hardware, SIGNED_TYPES, samplePayloads, signed } from './fixtures.ts'

const unsignedSamples = {
  Envelope: { type: 3, payload: filled(10, 1), publicKey: filled(32, 2), signature: filled(64, 3) },
  RendererInfo: { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] },
  Hardware: hardware,
  FrameResult: frameResults[0]!,
  TaskReply: { code: 0, reason: 'ok', lease: { type: 5, payload: filled(3, 1), publicKey: filled(32, 2), signature: filled(64, 3) }, retryAfterMs: 2_500 },
  BlobRequest: { blobId: filled(32, 1), offset: 2 ** 40 },
  BlobHeader: { code: 0, size: 512 * 1024 * 1024 }
}

const ALL_NAMES = [...SIGNED_TYPES, ...Object.keys(unsignedSamples)] as CodecName[]

describe('codec', () => {
  it.each(SIGNED_TYPES)('round-trips %s', (name) => {
    const sample = samplePayloads()[name]
    const bytes = encode(name, sample)
    expect(decode(name, bytes)).toEqual(sample)
    expect(isCanonical(name, bytes, decode(name, bytes))).toBe(true)
  })

  it.each(Object.keys(unsignedSamples) as (keyof typeof unsignedSamples)[])('round-trips %s', (name) => {
    const sample = unsignedSamples[name]
    expect(decode(name, encode(name, sample))).toEqual(sample)
  })

  it('decodes an empty buffer to defaults', () => {
    expect(decode('TaskClaim', new Uint8Array())).toEqual({ jobId: new Uint8Array(), timestampMs: 0 })
  })

  it('refuses bytes over the cap before parsing', () => {
    const err = (() => {
      try {
        decode('BlobRequest', new Uint8Array(MAX_BYTES.BlobRequest + 1))
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(DecodeError)
    expect((err as DecodeError).code).toBe('DECODE')
  })

  it('enforces repeated-field limits on decode and encode', () => {
    const addrs = Array.from({ length: LIMITS.maxAddrs + 1 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`)
    expect(() => encode('JobAnnouncement', { addrs })).toThrow(EncodeError)
    // Build the over-long message field by field: each addr is tag 18 (field 18, wire type 2).
    const parts = addrs.map((a) => {
      const s = new TextEncoder().encode(a)
      return [0x92, 0x01, s.length, ...s]
    })
    expect(() => decode('JobAnnouncement', Uint8Array.from(parts.flat()))).toThrow(DecodeError)
    expect(decode('JobAnnouncement', Uint8Array.from(parts.slice(0, LIMITS.maxAddrs).flat())).addrs).toHaveLength(LIMITS.maxAddrs)
  })

  it('refuses to encode a message over its cap', () => {
    expect(() => encode('BlobHeader', { code: 1, size: 1 })).not.toThrow()
    expect(() => encode('Envelope', { payload: new Uint8Array(LIMITS.maxEnvelopeBytes) })).toThrow(EncodeError)
  })

  it('flags non-canonical encodings', () => {
    // JobNotice.kind = 1 written as a two-byte varint (0x81 0x00).
    const bytes = Uint8Array.from([0x10, 0x81, 0x00])
    expect(decode('JobNotice', bytes).kind).toBe(1)
    expect(isCanonical('JobNotice', bytes, decode('JobNotice', bytes))).toBe(false)
    // An unknown field is skipped by the decoder but makes the bytes non-canonical.
    const extra = Uint8Array.from([0x10, 0x01, 0xf8, 0x01, 0x05])
    expect(decode('TaskClaim', extra).timestampMs).toBe(1)
    expect(isCanonical('TaskClaim', extra, decode('TaskClaim', extra))).toBe(false)
  })

  it('decoding arbitrary bytes only ever throws DecodeError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_NAMES), fc.uint8Array({ maxLength: 512 }), (name, bytes) => {
        try {
          decode(name, bytes)
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError)
        }
      }),
      { numRuns: 3000 }
    )
  })

  it('decoding mutated valid messages only ever throws DecodeError', () => {
    const samples = SIGNED_TYPES.map((name) => [name, encode(name, samplePayloads()[name])] as const)
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.nat(255), ([name, bytes], at, value) => {
        const mutated = Uint8Array.from(bytes)
        mutated[at % mutated.length] = value
        try {
          decode(name, mutated)
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it('envelopes made by signEnvelope decode as envelopes', () => {
    const env = decode('Envelope', signed('TaskClaim', samplePayloads().TaskClaim))
    expect(env.type).toBe(4)
    expect(env.signature).toHaveLength(64)
  })
})
