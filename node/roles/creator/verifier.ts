// Whether a committed result counts. The Verifier seam: the IntegrityVerifier
// (every frame fetched from the worker and checked by node/verify, the path
// checkers run too) and, behind it, the CheckedVerifier (sampled re-renders
// by beacon-drawn checkers).
import { type JobSpec, type LevelName, toHex, type WorkerReputation } from '../../../protocol/index.ts'
import { type NetworkedBlobStore, remoteCopyOf } from '../../blobs/index.ts'
import { type CommittedFrame, verifyCommittedFrames } from '../../verify/index.ts'
import type { CommittedResult } from './committed-result.ts'
import type { FrameRecord } from './job-record.ts'

/** The creator's decision on one result (a checker's signed Verdict is one input to it). */
export type ResultOutcome =
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

/** What the creator knows about the job when a result comes in. */
export interface CheckContext {
  /** Frames of the job accepted so far (duplicate detection). */
  jobFrames: Record<string, FrameRecord>
  /** The creator-signed JobAnnouncement envelope the checker verifies the job against. */
  announcement: Uint8Array
  reputation?: WorkerReputation
  /** On a ledger: the beacon (hex) and the checker's address the chain drew for this commitment. */
  chain?: { beacon: string; checker: string }
  /** The job's verification level when its tier sets one. */
  level?: LevelName
  /** A creator's dispute: every frame and tile checked, by checkers other than these. */
  dispute?: { excludeCheckers: string[] }
}

export interface Verifier {
  verify(spec: JobSpec, result: CommittedResult, check: CheckContext): Promise<ResultOutcome>
  /** Checkers this verifier can reach (hex keys); none means nothing can be attested on chain. */
  knownCheckers?(): Promise<string[]>
}

/** Every frame fetched from the worker, then checked as node/verify checks committed frames. */
export class IntegrityVerifier implements Verifier {
  private readonly blobs: Pick<NetworkedBlobStore, 'fetchToPath'>
  private readonly timeoutMs: number

  constructor(blobs: Pick<NetworkedBlobStore, 'fetchToPath'>, timeoutMs = 60_000) {
    this.blobs = blobs
    this.timeoutMs = timeoutMs
  }

  async verify(spec: JobSpec, result: CommittedResult): Promise<ResultOutcome> {
    let unavailable: string | undefined
    const fetchPath = async (f: CommittedFrame, maxBytes: number) => {
      try {
        const remote = remoteCopyOf(f.walrus, f.size)
        return await this.blobs.fetchToPath(toHex(f.blobId), { peers: [result.workerPeer], announce: false, remote, maxBytes, signal: AbortSignal.timeout(this.timeoutMs) })
      } catch (err) {
        unavailable ??= `frame ${f.frame}: ${(err as Error).message}`
        throw err
      }
    }
    const committed = { merkleRoot: Buffer.from(result.merkleRoot, 'hex'), frames: result.frames }
    let integrity: Awaited<ReturnType<typeof verifyCommittedFrames>>
    try {
      integrity = await verifyCommittedFrames(committed, spec, { fetchPath })
    } catch (err) {
      return { accepted: false, unavailable: true, reason: unavailable ?? (err as Error).message }
    }
    if (!integrity.ok) return { accepted: false, reason: integrity.reason }
    const frames: Record<string, FrameRecord> = {}
    for (const f of result.frames) {
      frames[f.frame] = { blobId: toHex(f.blobId), pixelHash: toHex(f.pixelHash), worker: result.worker, ...(f.walrus === undefined ? {} : { size: f.size, walrus: f.walrus }) }
    }
    return { accepted: true, frames, flat: integrity.flat }
  }
}
