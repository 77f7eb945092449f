import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../../node/identity/ed25519.ts'
import { memoizedEd } from '../../../../testnet/sim/world.ts'

describe('the simulation world', () => {
  it("remembers a signature's verdict for exactly its input objects: another message, even an equal copy, is verified afresh", () => {
    let calls = 0
    const counted = (k: Uint8Array, m: Uint8Array, s: Uint8Array) => {
      calls++
      return nodeEd25519.verify(k, m, s)
    }
    const ed = memoizedEd({ ...nodeEd25519, verify: counted })
    const seed = new Uint8Array(32).fill(3)
    const message = new TextEncoder().encode('an offer')
    const signature = nodeEd25519.sign(seed, message)
    const key = nodeEd25519.publicKey(seed)
    expect([ed.verify(key, message, signature), ed.verify(key, message, signature)]).toEqual([true, true])
    expect(calls).toBe(1)
    const tampered = new TextEncoder().encode('an offeR')
    expect(ed.verify(key, tampered, signature)).toBe(false)
    expect(calls).toBe(2)
    expect(ed.verify(key, Uint8Array.from(message), signature)).toBe(true)
    expect(calls).toBe(3)
  })
})
