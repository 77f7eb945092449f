// Checks a worker's committed result before it counts: fetches every frame
// blob from the worker (hash-verified by the blob store), decodes it as a PNG
// of exactly the job's size, recomputes each pixel hash and the Merkle root.
// The checker role (sampled re-renders) plugs in behind the Verifier seam.
import { readFile } from 'node:fs/promises'
import type { PeerId } from '@libp2p/interface'
import { merkleRoot } from '../../../protocol/merkle.ts'
import type { JobSpec } from '../../../protocol/job/spec.ts'
import type { WorkerReputation } from '../../../protocol/verification/index.ts'
import type { NetworkedBlobStore } from '../../blobs/index.ts'
import { decodePng, pixelHash } from '../../images/png.ts'
import { isFlat } from '../../verify/integrity.ts'
import type { FrameRecord } from './job-record.ts'

export interface CommittedFrame {
  frame: number
  blobId: string
  pixelHash: string
}

export interface CommittedResult {
  jobId: string
  taskIndex: number
  worker: string
  workerPeer: PeerId
  merkleRoot: string
  frames: CommittedFrame[]
  /** The worker-signed ResultCommitment envelope, as received (checkers verify it themselves). */
  envelope: Uint8Array
}

export type Verdict =
  | {
      accepted: true
      frames: Record<string, FrameRecord>
      /** Blank frames (every pixel the same): honest in a fade, so a checker re-renders them in full. */
      flat?: number[]
      checkedBy?: string[]
    }
  | {
      accepted: false
      reason: string
      /** The result could not be checked (the worker did not deliver it): requeue, but it proves no cheating. */
      unavailable?: boolean
    }

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

/** What the creator knows about the job when a result comes in. */
export interface CheckContext {
  /** Frames of the job accepted so far (duplicate detection). */
  jobFrames: Record<string, FrameRecord>
  /** The creator-signed JobAnnouncement envelope the checker verifies the job against. */
  announcement: Uint8Array
  reputation?: WorkerReputation
  /** On a ledger: the beacon (hex) and the checker's address the chain drew for this commitment. */
  chain?: { beacon: string; checker: string }
  /** A creator's dispute: every frame and tile checked, by checkers other than these. */
  dispute?: { excludeCheckers: string[] }
}

/** Decides whether a committed result counts. */
export interface Verifier {
  verify(spec: JobSpec, result: CommittedResult, check: CheckContext): Promise<Verdict>
  /** Checkers this verifier can reach (hex keys); none means nothing can be attested on chain. */
  knownCheckers?(): Promise<string[]>
}

/** Every frame fetched, decoded at the job's size, and hashed as committed. */
export class IntegrityVerifier implements Verifier {
  private readonly blobs: NetworkedBlobStore
  private readonly timeoutMs: number

  constructor(blobs: NetworkedBlobStore, timeoutMs = 60_000) {
    this.blobs = blobs
    this.timeoutMs = timeoutMs
  }

  async verify(spec: JobSpec, result: CommittedResult): Promise<Verdict> {
    const leaves = []
    const frames: Record<string, FrameRecord> = {}
    const flat: number[] = []
    for (const f of result.frames) {
      try {
        await this.blobs.fetch(f.blobId, { peers: [result.workerPeer], announce: false, signal: AbortSignal.timeout(this.timeoutMs) })
      } catch (err) {
        return { accepted: false, unavailable: true, reason: `frame ${f.frame}: ${(err as Error).message}` }
      }
      try {
        const decoded = await decodePng(await readFile(this.blobs.local.pathOf(f.blobId)), spec)
        const actual = hex(pixelHash(decoded))
        if (actual !== f.pixelHash) return { accepted: false, reason: `frame ${f.frame}: pixel hash does not match the commitment` }
        if (isFlat(decoded)) flat.push(f.frame)
      } catch (err) {
        return { accepted: false, reason: `frame ${f.frame}: ${(err as Error).message}` }
      }
      leaves.push({ frame: f.frame, blobId: Buffer.from(f.blobId, 'hex'), pixelHash: Buffer.from(f.pixelHash, 'hex') })
      frames[f.frame] = { blobId: f.blobId, pixelHash: f.pixelHash, worker: result.worker }
    }
    if (hex(merkleRoot(leaves)) !== result.merkleRoot) return { accepted: false, reason: 'Merkle root does not match the frames' }
    return { accepted: true, frames, flat }
  }
}
