import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { CheckedVerifier, type CheckedVerifierComponents } from '../../../../../node/roles/creator/checked-verifier.ts'
import type { CommittedResult } from '../../../../../node/roles/creator/committed-result.ts'
import type { IntegrityVerifier, ResultOutcome } from '../../../../../node/roles/creator/verifier.ts'
import { merkleRoot, signEnvelope, toHex } from '../../../../../protocol/index.ts'
import { newJob, W1 } from './fixtures.ts'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

describe('checked verifier', () => {
  it('marks a result accepted with no checker available as unchecked, frame by frame', async () => {
    const frames = [1, 2].map((frame) => ({ frame, blobId: new Uint8Array(32).fill(frame), pixelHash: new Uint8Array(32).fill(frame + 10) }))
    const root = Uint8Array.from(merkleRoot(frames))
    const envelope = signEnvelope(nodeEd25519, new Uint8Array(32).fill(5), 'ResultCommitment', { jobId: new Uint8Array(32).fill(1), taskIndex: 0, leaseId: new Uint8Array(16), merkleRoot: root, frames, timestampMs: 1 })
    const result: CommittedResult = { jobId: '01'.repeat(32), taskIndex: 0, worker: W1, workerPeer: peerIdFromString(PEER), merkleRoot: toHex(root), frames, envelope }
    const integrity = {
      verify: async (): Promise<ResultOutcome> => ({ accepted: true, frames: Object.fromEntries(frames.map((f) => [f.frame, { blobId: toHex(f.blobId), pixelHash: toHex(f.pixelHash), worker: W1 }])) })
    } as unknown as IntegrityVerifier
    // A network with no peer serving the check protocol.
    const components = { identity: { publicKey: new Uint8Array(32).fill(9), seed: new Uint8Array(32) }, libp2p: { peerStore: { all: async () => [] } }, now: () => 1, logger: silentLogger } as unknown as CheckedVerifierComponents
    const verifier = new CheckedVerifier(components, { integrity, level: 'standard' })
    const outcome = await verifier.verify(newJob().spec, result, { jobFrames: {}, announcement: () => new Uint8Array() })
    expect(outcome).toMatchObject({ accepted: true, checkedBy: [] })
    if (!outcome.accepted) throw new Error(outcome.reason)
    expect(Object.values(outcome.frames).map((f) => [f.checkedBy, f.unchecked])).toEqual([
      [[], true],
      [[], true]
    ])
  })
})
