// Whether a committed result counts. The Verifier seam: the IntegrityVerifier
// (every frame fetched from the worker and checked by node/verify, the path
// checkers run too) and, behind it, the CheckedVerifier (sampled re-renders
// by beacon-drawn checkers).
import { type JobSpec, type LevelName, toHex, type WorkerReputation } from '../../../protocol/index.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { BlobFetchError, BlobHashMismatchError, BlobTooLargeError, type NetworkedBlobStore, remoteCopyOf } from '../../blobs/index.ts'
import { type CommittedFrame, type FetchedFrame, verifyCommittedFrames } from '../../verify/index.ts'
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
  /** Signs the JobAnnouncement envelope the checker verifies the job against: only when a checker is asked, fresh each time. */
  announcement: () => Uint8Array
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

/**
 * Pauses before a result whose frames could not be fetched is asked for
 * again. The commitment was acknowledged, so the worker holds the frames;
 * a failed fetch is most often the connection between the two coming back
 * (the creator just restarted, or the worker is re-dialling it). Requeueing
 * at once would throw away acknowledged work that a second try gets.
 */
export const REFETCH_DELAYS_MS: readonly number[] = [1_000, 3_000, 8_000]

export interface IntegrityVerifierOptions {
  /** Per fetch. */
  timeoutMs?: number
  refetchDelaysMs?: readonly number[]
}

/**
 * The blob store as the verifier uses it. With fetchWithBytes (a
 * NetworkedBlobStore has it), a small frame is checked from the bytes that
 * came over the wire instead of being read back from its file.
 */
export type VerifierBlobs = Pick<NetworkedBlobStore, 'fetchToPath'> & Partial<Pick<NetworkedBlobStore, 'fetchWithBytes'>>

/** Every frame fetched from the worker, then checked as node/verify checks committed frames. */
export class IntegrityVerifier implements Verifier {
  private readonly blobs: VerifierBlobs
  private readonly timeoutMs: number
  private readonly refetchDelaysMs: readonly number[]

  constructor(blobs: VerifierBlobs, options: IntegrityVerifierOptions = {}) {
    this.blobs = blobs
    this.timeoutMs = options.timeoutMs ?? 60_000
    this.refetchDelaysMs = options.refetchDelaysMs ?? REFETCH_DELAYS_MS
  }

  async verify(spec: JobSpec, result: CommittedResult): Promise<ResultOutcome> {
    for (const delayMs of this.refetchDelaysMs) {
      const { outcome, mayHeal } = await this.verifyOnce(spec, result)
      if (!mayHeal) return outcome
      await sleep(delayMs)
    }
    return (await this.verifyOnce(spec, result)).outcome
  }

  /** mayHeal: a frame could not be fetched, for a reason another try may get past. */
  private async verifyOnce(spec: JobSpec, result: CommittedResult): Promise<{ outcome: ResultOutcome; mayHeal: boolean }> {
    let unavailable: string | undefined
    // A frame over the job's cap, with the wrong bytes or sent against the protocol is the worker's doing, not the network's: asking again gets the same answer.
    let mayHeal = true
    const fetchPath = async (f: CommittedFrame, maxBytes: number): Promise<string | FetchedFrame> => {
      try {
        const options = { peers: [result.workerPeer], announce: false, remote: remoteCopyOf(f.walrus, f.size), maxBytes, signal: AbortSignal.timeout(this.timeoutMs) }
        const id = toHex(f.blobId)
        return this.blobs.fetchWithBytes === undefined ? await this.blobs.fetchToPath(id, options) : await this.blobs.fetchWithBytes(id, options)
      } catch (err) {
        unavailable ??= `frame ${f.frame}: ${(err as Error).message}`
        if (err instanceof BlobTooLargeError || err instanceof BlobHashMismatchError || (err instanceof BlobFetchError && err.badProvider)) mayHeal = false
        throw err
      }
    }
    const committed = { merkleRoot: Buffer.from(result.merkleRoot, 'hex'), frames: result.frames }
    let integrity: Awaited<ReturnType<typeof verifyCommittedFrames>>
    try {
      integrity = await verifyCommittedFrames(committed, spec, { fetchPath })
    } catch (err) {
      return { outcome: { accepted: false, unavailable: true, reason: unavailable ?? (err as Error).message }, mayHeal: mayHeal && unavailable !== undefined }
    }
    if (!integrity.ok) return { outcome: { accepted: false, reason: integrity.reason }, mayHeal: false }
    const frames: Record<string, FrameRecord> = {}
    for (const f of result.frames) {
      frames[f.frame] = { blobId: toHex(f.blobId), pixelHash: toHex(f.pixelHash), worker: result.worker, ...(f.walrus === undefined ? {} : { size: f.size, walrus: f.walrus }) }
    }
    return { outcome: { accepted: true, frames, flat: integrity.flat }, mayHeal: false }
  }
}

