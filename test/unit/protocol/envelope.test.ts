import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MESSAGE_TYPES } from '../../../protocol/constants.ts'
import { openEnvelope, parseEnvelope, signEnvelope, signingDomain, typeNameOf } from '../../../protocol/envelope.ts'
import { DecodeError, EncodeError, EnvelopeError } from '../../../protocol/errors.ts'
import { ed, filled, pubA, pubB, rawEnvelope, SIGNED_TYPES, samplePayloads, seedA, signed, signRaw } from './fixtures.ts'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof EnvelopeError || err instanceof DecodeError) return err.code
    throw err
  }
  return undefined
}

describe('envelope', () => {
  it('domain is "pictor/v1/<TypeName>" then 0x00', () => {
    expect(Array.from(signingDomain('Bid'))).toEqual([...new TextEncoder().encode('pictor/v1/Bid'), 0])
  })

  it.each(SIGNED_TYPES)('signs and opens %s', (name) => {
    const payload = samplePayloads()[name]
    const opened = openEnvelope(ed, signed(name, payload), name)
    expect(opened.typeName).toBe(name)
    expect(opened.type).toBe(MESSAGE_TYPES[name])
    expect(opened.payload).toEqual(payload)
    expect(opened.publicKey).toEqual(pubA)
    expect(opened.signature).toHaveLength(64)
    expect(typeNameOf(opened.type)).toBe(name)
  })

  it('signs the exact payload bytes with the type domain', () => {
    const opened = openEnvelope(ed, signed('TaskClaim', samplePayloads().TaskClaim))
    const msg = new Uint8Array([...signingDomain('TaskClaim'), ...opened.payloadBytes])
    expect(ed.verify(pubA, msg, opened.signature)).toBe(true)
  })

  it('a signature for one type does not open as another', () => {
    const claim = openEnvelope(ed, signed('TaskClaim', { jobId: filled(32, 3), timestampMs: 1 }))
    // Same payload bytes and signature, relabelled as a JobNotice (compatible field layout).
    const relabelled = rawEnvelope({ type: MESSAGE_TYPES.JobNotice, payload: Uint8Array.from(claim.payloadBytes), publicKey: Uint8Array.from(pubA), signature: Uint8Array.from(claim.signature) })
    expect(codeOf(() => openEnvelope(ed, relabelled))).toBe('BAD_SIGNATURE')
  })

  it('typed errors for every malformed shape', () => {
    const good = parseEnvelope(signed('Bid', samplePayloads().Bid))
    const base = { type: good.type, payload: Uint8Array.from(good.payloadBytes), publicKey: Uint8Array.from(good.publicKey), signature: Uint8Array.from(good.signature) }
    expect(codeOf(() => openEnvelope(ed, Uint8Array.of(0xff)))).toBe('DECODE')
    expect(codeOf(() => openEnvelope(ed, rawEnvelope({ ...base, type: 99 })))).toBe('UNKNOWN_TYPE')
    expect(codeOf(() => openEnvelope(ed, rawEnvelope(base), 'WorkerOffer'))).toBe('WRONG_TYPE')
    expect(codeOf(() => openEnvelope(ed, rawEnvelope({ ...base, publicKey: filled(31, 1) })))).toBe('BAD_KEY')
    expect(codeOf(() => openEnvelope(ed, rawEnvelope({ ...base, signature: new Uint8Array() })))).toBe('UNSIGNED')
    expect(codeOf(() => openEnvelope(ed, rawEnvelope({ ...base, signature: filled(63, 1) })))).toBe('BAD_SIGNATURE')
    expect(codeOf(() => openEnvelope(ed, rawEnvelope({ ...base, publicKey: Uint8Array.from(pubB) })))).toBe('BAD_SIGNATURE')
    expect(codeOf(() => openEnvelope(ed, new Uint8Array([...rawEnvelope(base), 0x28, 0x01])))).toBe('NON_CANONICAL')
    expect(codeOf(() => openEnvelope(ed, signRaw('Bid', Uint8Array.of(0x0a, 0x05, 1))))).toBe('DECODE')
    expect(codeOf(() => openEnvelope(ed, signRaw('JobNotice', Uint8Array.of(0x10, 0x81, 0x00))))).toBe('NON_CANONICAL')
    expect(codeOf(() => openEnvelope(ed, rawEnvelope(base), ['Bid', 'Verdict']))).toBeUndefined()
  })

  it('refuses to sign values that do not encode canonically', () => {
    expect(() => signEnvelope(ed, seedA, 'Bid', { price: -1 })).toThrow(EncodeError)
    expect(() => signEnvelope(ed, seedA, 'Bid', { price: 1.5 })).toThrow(EncodeError)
    expect(() => signEnvelope(ed, seedA, 'Bid', { slots: 2 ** 32 + 1 })).toThrow(EncodeError)
    expect(() => signEnvelope(ed, seedA, 'Bid', { price: 2 ** 60 })).toThrow(EncodeError)
    expect(() => signEnvelope(ed, seedA, 'Verdict', { scores: [0.1, Number.NaN] })).toThrow(EncodeError)
    expect(() => signEnvelope(ed, seedA, 'Verdict', { scores: [0.1, 59.5] })).not.toThrow()
  })

  it('any flipped bit makes the envelope fail to open', () => {
    const envelopes = SIGNED_TYPES.map((name) => signed(name, samplePayloads()[name]))
    fc.assert(
      fc.property(fc.constantFrom(...envelopes), fc.nat(), (bytes, bit) => {
        const mutated = Uint8Array.from(bytes)
        const at = bit % (mutated.length * 8)
        mutated[at >> 3]! ^= 1 << (at & 7)
        expect(() => openEnvelope(ed, mutated)).toThrow()
      }),
      { numRuns: 400 }
    )
  })
})
