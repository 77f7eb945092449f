// The attack suite's hand-written kad-dht codec (testnet/kad-wire.ts): what
// it encodes decodes to the same message, and bytes that are not a message
// give a one-line error, never a hang or a crash.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeKadMessage, encodeKadMessage, KAD_MESSAGE, type KadMessage } from '../../../testnet/kad-wire.ts'

const bytes = (max: number) => fc.uint8Array({ maxLength: max })
const peer = fc.record({ id: bytes(40), addrs: fc.array(bytes(30), { maxLength: 3 }) })
const message: fc.Arbitrary<KadMessage> = fc.record(
  {
    type: fc.constantFrom(...Object.values(KAD_MESSAGE)),
    key: bytes(40),
    closer: fc.array(peer, { minLength: 1, maxLength: 4 }),
    providers: fc.array(peer, { minLength: 1, maxLength: 4 })
  },
  { requiredKeys: ['type'] }
)

describe('kad wire codec', () => {
  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeKadMessage(encodeKadMessage(m))).toEqual(m)
      }),
      { numRuns: 2000 }
    )
  })

  it('reads the fields kad-dht puts where it puts them (type 1, key 2, closer 8, providers 9)', () => {
    const encoded = encodeKadMessage({ type: KAD_MESSAGE.getProviders, key: Uint8Array.of(7), providers: [{ id: Uint8Array.of(1), addrs: [] }] })
    expect([...encoded]).toEqual([0x08, 3, 0x12, 1, 7, 0x4a, 3, 0x0a, 1, 1])
  })

  it('throws one clear line on bytes that are not a message', () => {
    fc.assert(
      fc.property(bytes(64), (junk) => {
        try {
          decodeKadMessage(junk)
        } catch (err) {
          expect((err as Error).message).toMatch(/^malformed kad message: [^\n]+$/)
        }
      }),
      { numRuns: 5000 }
    )
    expect(() => decodeKadMessage(Uint8Array.of(0x12, 5, 1))).toThrow(/^malformed kad message: field past the end$/)
    expect(() => decodeKadMessage(Uint8Array.of(0x0b))).toThrow(/^malformed kad message: wire type 3$/)
  })
})
