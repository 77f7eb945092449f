// A worker's committed result as the creator handles it (CommittedResult,
// in memory) and as it persists it in the job record until it is settled
// (PendingResult, plain JSON). The two conversions live here, once.
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromHex, toHex } from '../../../protocol/index.ts'
import type { RemoteRef } from '../../blobs/index.ts'
import type { CommittedFrame } from '../../verify/index.ts'

export interface CommittedResult {
  jobId: string
  taskIndex: number
  /** Hex public key of the worker that signed the commitment. */
  worker: string
  workerPeer: PeerId
  /** Hex Merkle root, as the task state records it. */
  merkleRoot: string
  frames: CommittedFrame[]
  /** The worker-signed ResultCommitment envelope, as received (checkers verify it themselves). */
  envelope: Uint8Array
}

export interface PendingResult {
  worker: string
  workerPeer: string
  merkleRoot: string
  frames: PendingFrame[]
  /** The signed ResultCommitment envelope, hex. */
  envelope: string
}

/** A committed frame as JSON: hex hashes, and the size and Walrus ref when the worker gave them. */
export interface PendingFrame {
  frame: number
  blobId: string
  pixelHash: string
  size?: number
  walrus?: RemoteRef
}

/** The optional fields, copied only when present (the record stays as it was for results without them). */
const whereabouts = (f: { size?: number; walrus?: RemoteRef }) => ({
  ...(f.size === undefined ? {} : { size: f.size }),
  ...(f.walrus === undefined ? {} : { walrus: { blobId: f.walrus.blobId, parts: f.walrus.parts, offset: f.walrus.offset } })
})

export function pendingOf(result: CommittedResult): PendingResult {
  return {
    worker: result.worker,
    workerPeer: result.workerPeer.toString(),
    merkleRoot: result.merkleRoot,
    frames: result.frames.map((f) => ({ frame: f.frame, blobId: toHex(f.blobId), pixelHash: toHex(f.pixelHash), ...whereabouts(f) })),
    envelope: toHex(result.envelope)
  }
}

export function committedOf(jobId: string, taskIndex: number, pending: PendingResult): CommittedResult {
  return {
    jobId,
    taskIndex,
    worker: pending.worker,
    workerPeer: peerIdFromString(pending.workerPeer),
    merkleRoot: pending.merkleRoot,
    frames: pending.frames.map((f) => ({ frame: f.frame, blobId: fromHex(f.blobId), pixelHash: fromHex(f.pixelHash), ...whereabouts(f) })),
    envelope: fromHex(pending.envelope)
  }
}
