import fc from 'fast-check'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { committedOf, pendingOf } from '../../../../../node/roles/creator/committed-result.ts'

const PEER = '12D3KooWGRUVh7pexz3B8qKt5BxbyKzBSHnUMxKUq3PQHJZ5ZtsB'
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })

describe('committed result <-> pending result', () => {
  it('round-trips through the persisted JSON form', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.array(
          fc.record(
            {
              frame: fc.nat(1_000_000),
              blobId: bytes(32),
              pixelHash: bytes(32),
              size: fc.integer({ min: 1, max: 2 ** 29 }),
              walrus: fc.record({ blobId: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), parts: fc.boolean(), offset: fc.nat() })
            },
            { requiredKeys: ['frame', 'blobId', 'pixelHash'] }
          ),
          { minLength: 1, maxLength: 8 }
        ), fc.uint8Array({ maxLength: 256 }), (taskIndex, frames, envelope) => {
        const result = { jobId: '11'.repeat(32), taskIndex, worker: 'aa'.repeat(32), workerPeer: peerIdFromString(PEER), merkleRoot: 'ff'.repeat(32), frames, envelope }
        const pending = JSON.parse(JSON.stringify(pendingOf(result)))
        const back = committedOf(result.jobId, taskIndex, pending)
        expect(back.workerPeer.toString()).toBe(PEER)
        expect({ ...back, workerPeer: undefined }).toEqual({ ...result, workerPeer: undefined })
      })
    )
  })
})
