// StreamReader over in-memory stream pairs: length-prefixed messages and
// raw byte runs, in any order and however the wire splits them, come out
// as they were written; a clean end is told apart from one inside a
// message or run; a length prefix over the cap is refused before its body.

import { streamPair } from '@libp2p/utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lengthPrefixed, MessageLengthError, StreamReader, UnexpectedEndError } from '../../../../node/blobs/stream-io.ts'

type Item = { kind: 'message'; bytes: Uint8Array } | { kind: 'run'; bytes: Uint8Array }

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return Buffer.concat(parts)
}

/** `wire` written in pieces of the given sizes (cycled), then the write side closed. */
async function sendInPieces(send: { send(b: Uint8Array): boolean; close(): Promise<void> }, wire: Uint8Array, sizes: number[]): Promise<void> {
  let at = 0
  for (let i = 0; at < wire.byteLength; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!)
    send.send(wire.subarray(at, at + n))
    at += n
    if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await send.close()
}

const item = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes): Item => ({ kind: 'message', bytes })),
  fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((bytes): Item => ({ kind: 'run', bytes }))
)

describe('StreamReader', () => {
  it('reads back messages and runs as written, however the wire splits them, then a clean end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), async (items, sizes) => {
        const [outbound, inbound] = await streamPair()
        const wire = Buffer.concat(items.map((i) => (i.kind === 'message' ? lengthPrefixed(i.bytes) : i.bytes)))
        const sending = sendInPieces(outbound, wire, sizes)
        const reader = new StreamReader(inbound)
        try {
          for (const i of items) {
            if (i.kind === 'message') expect(await reader.message(300)).toEqual(i.bytes)
            else expect(await collect(reader.bytes(i.bytes.byteLength))).toEqual(Buffer.from(i.bytes))
          }
          expect(await reader.message(300)).toBeUndefined()
          expect(reader.buffered).toBe(0)
        } finally {
          reader.dispose()
          await sending
        }
      }),
      { numRuns: 60 }
    )
  })

  it('lengthPrefixed writes the varint length the reader expects, at every length boundary', async () => {
    for (const n of [0, 1, 127, 128, 16_383, 16_384, 70_000]) {
      const [outbound, inbound] = await streamPair()
      const body = new Uint8Array(n).fill(7)
      const sending = sendInPieces(outbound, lengthPrefixed(body), [65_536])
      const reader = new StreamReader(inbound)
      expect((await reader.message(100_000))?.byteLength).toBe(n)
      reader.dispose()
      await sending
    }
  })

  it('refuses a length over the cap before reading the body, and a prefix longer than the cap needs', async () => {
    const [outbound, inbound] = await streamPair()
    outbound.send(lengthPrefixed(new Uint8Array(65)))
    await expect(new StreamReader(inbound).message(64)).rejects.toBeInstanceOf(MessageLengthError)

    const [out2, in2] = await streamPair()
    // 0x80 0x80 0x01: 16,384 in three bytes, where a cap of 64 allows one.
    out2.send(Uint8Array.of(0x80, 0x80, 0x01))
    await expect(new StreamReader(in2).message(64)).rejects.toBeInstanceOf(MessageLengthError)
  })

  it('an end inside a message or a run is UnexpectedEndError, saying how much came', async () => {
    const [outbound, inbound] = await streamPair()
    await sendInPieces(outbound, lengthPrefixed(new Uint8Array(10)).subarray(0, 6), [100])
    await expect(new StreamReader(inbound).message(64)).rejects.toBeInstanceOf(UnexpectedEndError)

    const [out2, in2] = await streamPair()
    await sendInPieces(out2, new Uint8Array(500), [100])
    const err = await collect(new StreamReader(in2).bytes(800)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnexpectedEndError)
    expect((err as UnexpectedEndError).received).toBe(500)
  })

  it('rest() yields everything until the remote closes, leaving a run read before it intact', async () => {
    const [outbound, inbound] = await streamPair()
    const wire = Buffer.concat([lengthPrefixed(Uint8Array.of(1, 2, 3)), new Uint8Array(5000).fill(9)])
    const sending = sendInPieces(outbound, wire, [2, 4000])
    const reader = new StreamReader(inbound)
    expect(await reader.message(64)).toEqual(Uint8Array.of(1, 2, 3))
    expect(await collect(reader.rest())).toEqual(Buffer.alloc(5000, 9))
    await sending
  })
})
