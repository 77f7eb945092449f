import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIMITS, MESSAGE_TYPES, TOPICS } from '../../../../protocol/constants.ts'
import { parseEnvelope } from '../../../../protocol/envelope.ts'
import { REASONS } from '../../../../protocol/validation/codes.ts'
import { admitGossip, checkGossipBytes, validateGossip, validateSigned, validateTaskRequest } from '../../../../protocol/validation/index.ts'
import { ReplayGuard } from '../../../../protocol/validation/replay-guard.ts'
import { ctx, ed, filled, NOW, pubB, rawEnvelope, SIGNED_TYPES, samplePayloads, seedB, signed, signRaw } from '../fixtures.ts'

const p = samplePayloads()

function expectResult(result: { action: string; code?: string }, action: string, code?: string) {
  expect({ action: result.action, code: result.code }).toEqual({ action, code })
}

describe('validateGossip', () => {
  it.each([
    ['offers', 'WorkerOffer'],
    ['jobs', 'JobAnnouncement'],
    ['bids', 'Bid'],
    ['notices', 'JobNotice'],
    ['verdicts', 'Verdict']
  ] as const)('accepts a valid message on %s, by key or wire name', (topic, type) => {
    const bytes = signed(type, p[type])
    const result = validateGossip(topic, bytes, ctx())
    expect(result.action).toBe('ACCEPT')
    if (result.action === 'ACCEPT') expect(result.message.payload).toEqual(p[type])
    expect(validateGossip(TOPICS[topic], bytes, ctx()).action).toBe('ACCEPT')
  })

  it('R20 OVERSIZE: rejects a message over the gossip cap', () => {
    expectResult(validateGossip('bids', new Uint8Array(LIMITS.maxGossipBytes + 1), ctx()), 'REJECT', 'OVERSIZE')
  })

  it('R21 DECODE: rejects bytes that are not an envelope', () => {
    expectResult(validateGossip('bids', Uint8Array.of(0x0a, 0xff), ctx()), 'REJECT', 'DECODE')
  })

  it('R22 NON_CANONICAL: rejects an envelope with an unknown field', () => {
    expectResult(validateGossip('bids', Uint8Array.from([...signed('Bid', p.Bid), 0x28, 0x01]), ctx()), 'REJECT', 'NON_CANONICAL')
  })

  it('R23 UNKNOWN_TYPE and R24 WRONG_TYPE', () => {
    const env = parseEnvelope(signed('Bid', p.Bid))
    const fields = { payload: Uint8Array.from(env.payloadBytes), publicKey: Uint8Array.from(env.publicKey), signature: Uint8Array.from(env.signature) }
    expectResult(validateGossip('bids', rawEnvelope({ ...fields, type: 42 }), ctx()), 'REJECT', 'UNKNOWN_TYPE')
    expectResult(validateGossip('offers', signed('Bid', p.Bid), ctx()), 'REJECT', 'WRONG_TYPE')
    expectResult(validateGossip('jobs', signed('TaskClaim', p.TaskClaim), ctx()), 'REJECT', 'WRONG_TYPE')
  })

  it('R25 BAD_KEY and R26 UNSIGNED', () => {
    const env = parseEnvelope(signed('Bid', p.Bid))
    const base = { type: env.type, payload: Uint8Array.from(env.payloadBytes), publicKey: Uint8Array.from(env.publicKey), signature: Uint8Array.from(env.signature) }
    expectResult(validateGossip('bids', rawEnvelope({ ...base, publicKey: new Uint8Array() }), ctx()), 'REJECT', 'BAD_KEY')
    expectResult(validateGossip('bids', rawEnvelope({ ...base, signature: new Uint8Array() }), ctx()), 'REJECT', 'UNSIGNED')
    expectResult(validateGossip('bids', rawEnvelope({ ...base, signature: filled(65, 1) }), ctx()), 'REJECT', 'BAD_SIGNATURE')
  })

  it('R27 DECODE / NON_CANONICAL payloads', () => {
    expectResult(validateGossip('bids', signRaw('Bid', Uint8Array.of(0x0a, 0x40)), ctx()), 'REJECT', 'DECODE')
    expectResult(validateGossip('notices', signRaw('JobNotice', Uint8Array.of(0x10, 0x81, 0x00)), ctx()), 'REJECT', 'NON_CANONICAL')
  })

  it('R28 FIELD_RANGE: out-of-range fields are rejected', () => {
    expectResult(validateGossip('bids', signed('Bid', { ...p.Bid, jobId: filled(31, 1) }), ctx()), 'REJECT', 'FIELD_RANGE')
  })

  it('R29 CLOCK_SKEW: a message from too far in the future is ignored', () => {
    const ts = NOW + LIMITS.clockSkewMs + 1
    expectResult(validateGossip('bids', signed('Bid', { ...p.Bid, timestampMs: ts }), ctx()), 'IGNORE', 'CLOCK_SKEW')
    expect(validateGossip('bids', signed('Bid', { ...p.Bid, timestampMs: ts - 1 }), ctx()).action).toBe('ACCEPT')
  })

  it('R30 STALE: an old message is ignored', () => {
    const ts = NOW - LIMITS.maxMessageAgeMs - 1
    expectResult(validateGossip('bids', signed('Bid', { ...p.Bid, timestampMs: ts }), ctx()), 'IGNORE', 'STALE')
    expect(validateGossip('bids', signed('Bid', { ...p.Bid, timestampMs: ts + 1 }), ctx()).action).toBe('ACCEPT')
  })

  it('R31 REPLAY: the second copy of a message is ignored', () => {
    const c = ctx()
    const bytes = signed('Verdict', p.Verdict)
    expect(validateGossip('verdicts', bytes, c).action).toBe('ACCEPT')
    expectResult(validateGossip('verdicts', bytes, c), 'IGNORE', 'REPLAY')
    // The same content from another signer is another message.
    expect(validateGossip('verdicts', signed('Verdict', { ...p.Verdict, worker: filled(32, 7) }, seedB), c).action).toBe('ACCEPT')
  })

  it('R31 OLD_SEQ: offers must carry a strictly increasing seq per signer', () => {
    const c = ctx()
    expect(validateGossip('offers', signed('WorkerOffer', { ...p.WorkerOffer, seq: 5 }), c).action).toBe('ACCEPT')
    expectResult(validateGossip('offers', signed('WorkerOffer', { ...p.WorkerOffer, seq: 5, price: 1 }), c), 'IGNORE', 'REPLAY')
    expectResult(validateGossip('offers', signed('WorkerOffer', { ...p.WorkerOffer, seq: 4 }), c), 'IGNORE', 'OLD_SEQ')
    expect(validateGossip('offers', signed('WorkerOffer', { ...p.WorkerOffer, seq: 6 }), c).action).toBe('ACCEPT')
    expect(validateGossip('offers', signed('WorkerOffer', { ...p.WorkerOffer, seq: 1 }, seedB), c).action).toBe('ACCEPT')
  })

  it('R32 BAD_SIGNATURE: a message signed by another key than the one it names', () => {
    const env = parseEnvelope(signed('Bid', p.Bid))
    const forged = rawEnvelope({ type: env.type, payload: Uint8Array.from(env.payloadBytes), publicKey: Uint8Array.from(pubB), signature: Uint8Array.from(env.signature) })
    expectResult(validateGossip('bids', forged, ctx()), 'REJECT', 'BAD_SIGNATURE')
  })

  it('R33: a forged copy does not take the genuine message replay slot', () => {
    const c = ctx()
    const genuine = signed('Bid', p.Bid)
    const env = parseEnvelope(genuine)
    const forged = rawEnvelope({ type: env.type, payload: Uint8Array.from(env.payloadBytes), publicKey: Uint8Array.from(env.publicKey), signature: filled(64, 9) })
    expectResult(validateGossip('bids', forged, c), 'REJECT', 'BAD_SIGNATURE')
    expect(validateGossip('bids', genuine, c).action).toBe('ACCEPT')
  })

  it('R34: unknown topics are ignored', () => {
    expectResult(validateGossip('pictor/nope/1', signed('Bid', p.Bid), ctx()), 'IGNORE', 'UNKNOWN_TOPIC')
  })

  it('every reason code names its SPEC rule', () => {
    for (const { rule } of Object.values(REASONS)) expect(rule).toMatch(/^R\d+$/)
  })

  it('never throws, whatever the topic and bytes', () => {
    const topic = fc.oneof(fc.constantFrom(...Object.keys(TOPICS), ...Object.values(TOPICS)), fc.string())
    const envelope = fc
      .record({
        type: fc.integer({ min: 0, max: 12 }),
        payload: fc.uint8Array({ maxLength: 300 }),
        publicKey: fc.oneof(fc.constant(Uint8Array.from(pubB)), fc.uint8Array({ maxLength: 40 })),
        signature: fc.uint8Array({ minLength: 0, maxLength: 70 })
      })
      .map((e) => rawEnvelope(e as never))
    const replay = new ReplayGuard({ maxEntries: 64 })
    fc.assert(
      fc.property(topic, fc.oneof(fc.uint8Array({ maxLength: 600 }), envelope), fc.integer({ min: 0, max: 2 * NOW }), (t, bytes, nowMs) => {
        const result = validateGossip(t, bytes, { nowMs, ed, replay })
        expect(['IGNORE', 'REJECT']).toContain(result.action)
        if (result.action !== 'ACCEPT') expect(REASONS[result.code].action).toBe(result.action)
      }),
      { numRuns: 3000 }
    )
  })

  it('never accepts a signed message with any bit flipped', () => {
    const gossip = [['offers', 'WorkerOffer'], ['jobs', 'JobAnnouncement'], ['bids', 'Bid'], ['notices', 'JobNotice'], ['verdicts', 'Verdict']] as const
    const samples = gossip.map(([topic, type]) => [topic, signed(type, p[type])] as const)
    for (const [topic, bytes] of samples) expect(validateGossip(topic, bytes, ctx()).action).toBe('ACCEPT')
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), ([topic, bytes], bit) => {
        const mutated = Uint8Array.from(bytes)
        const at = bit % (mutated.length * 8)
        mutated[at >> 3]! ^= 1 << (at & 7)
        expect(validateGossip(topic, mutated, ctx()).action).not.toBe('ACCEPT')
      }),
      { numRuns: 400 }
    )
  })
})

describe('checkGossipBytes and admitGossip: the two halves of validateGossip', () => {
  const verdict = (r: { action: string; code?: string }) => ({ action: r.action, code: r.code })

  it('checks the bytes once; each node then gives its own verdict on time and replay', () => {
    const checked = checkGossipBytes('bids', signed('Bid', p.Bid))
    if ('action' in checked) throw new Error(`refused: ${checked.reason}`)
    const first = ctx()
    expect(admitGossip(checked, first).action).toBe('ACCEPT')
    expectResult(admitGossip(checked, first), 'IGNORE', 'REPLAY')
    expect(admitGossip(checked, ctx()).action).toBe('ACCEPT')
    expectResult(admitGossip(checked, ctx(NOW + LIMITS.maxMessageAgeMs + 1)), 'IGNORE', 'STALE')
  })

  it('together give the verdict validateGossip gives, for any bit flipped and any time', () => {
    const gossip = [['offers', 'WorkerOffer'], ['jobs', 'JobAnnouncement'], ['bids', 'Bid'], ['verdicts', 'Verdict']] as const
    const samples = gossip.map(([topic, type]) => [topic, signed(type, p[type])] as const)
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.option(fc.nat()), fc.integer({ min: NOW - 2 * LIMITS.maxMessageAgeMs, max: NOW + 2 * LIMITS.maxMessageAgeMs }), ([topic, bytes], bit, nowMs) => {
        const message = Uint8Array.from(bytes)
        if (bit !== null) message[(bit % (message.length * 8)) >> 3]! ^= 1 << (bit % 8)
        const checked = checkGossipBytes(topic, message)
        const split = 'action' in checked ? checked : admitGossip(checked, ctx(nowMs))
        expect(verdict(split)).toEqual(verdict(validateGossip(topic, message, ctx(nowMs))))
      }),
      { numRuns: 400 }
    )
  })
})

describe('validateTaskRequest and validateSigned', () => {
  it('accepts claims, renewals and commitments; refuses other types', () => {
    for (const type of ['TaskClaim', 'LeaseRenewal', 'ResultCommitment'] as const) {
      expect(validateTaskRequest(signed(type, p[type]), ctx()).action).toBe('ACCEPT')
    }
    expectResult(validateTaskRequest(signed('Bid', p.Bid), ctx()), 'REJECT', 'WRONG_TYPE')
  })

  it('validates every signed type through the generic entry point', () => {
    for (const type of SIGNED_TYPES) expect(validateSigned(signed(type, p[type]), [type], ctx()).action).toBe('ACCEPT')
    expect(Object.keys(MESSAGE_TYPES)).toHaveLength(SIGNED_TYPES.length)
  })
})
