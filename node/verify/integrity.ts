// Integrity checks on every frame of a task, not only the sampled ones:
// cheap (a hash and a decode per frame) and they catch what sampling would
// only catch by luck. Frames come from other peers, so each is hostile
// until proven otherwise: size-capped before it is read, decoded only in
// the job's format at the job's exact size (decodeFrame: PNG and JPEG with
// the signature first, pixel limit, truncation fails; EXR with a bounded
// reader), and every failure is a reason, never an exception.
// The creator (before it asks checkers) and the checker (before it
// re-renders) both run verifyCommittedFrames: one path, the same rules,
// and one cap (maxFrameBytes) that bounds the fetch as well as the decode.
import type { RemoteRef } from '../blobs/types.ts'
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { bytesEqual, type MerkleProof, merkleRoot, type OutputFormat, toHex, verifyMerkleProof } from '../../protocol/index.ts'
import { decodeFrame, type Frame, formatOf, maxFrameBytes, maxFrameBytesOf, pixelHash } from '../images/index.ts'
import { mapLimit } from '../map-limit.ts'

export interface CommittedFrame {
  frame: number
  blobId: Uint8Array
  pixelHash: Uint8Array
  /** Bytes of the frame file and where it also lives on Walrus, when the worker said. */
  size?: number
  walrus?: RemoteRef
}

export type FrameIntegrity = { frame: number; ok: true; decoded: Frame; flat: boolean } | { frame: number; ok: false; reason: string }

/** A job's frame shape: its size and output format (a JobSpec, or an announcement where '' means PNG; absent: PNG). */
export interface FrameShape {
  width: number
  height: number
  outputFormat?: string
}

/** The largest PNG a width x height frame can honestly be (maxFrameBytes). */
export function maxPngBytes(width: number, height: number): number {
  return maxFrameBytes('PNG', width, height)
}

/** Checks one frame's file against its commitment entry. Never throws. */
export async function inspectFrameFile(path: string, committed: CommittedFrame, shape: FrameShape): Promise<FrameIntegrity> {
  try {
    const info = await stat(path)
    const format = formatOf(shape)
    const limit = maxFrameBytes(format, shape.width, shape.height)
    if (info.size > limit) return { frame: committed.frame, ok: false, reason: `frame ${committed.frame}: file is ${info.size} bytes, more than any ${shape.width}x${shape.height} ${format} (${limit})` }
    return await inspectFrame(await readFile(path), committed, shape)
  } catch (err) {
    return { frame: committed.frame, ok: false, reason: `frame ${committed.frame}: cannot read: ${(err as Error).message}` }
  }
}

/** Checks one frame's bytes against its commitment entry. Never throws. */
export async function inspectFrame(bytes: Uint8Array, committed: CommittedFrame, shape: FrameShape): Promise<FrameIntegrity> {
  const frame = committed.frame
  const fail = (reason: string): FrameIntegrity => ({ frame, ok: false, reason: `frame ${frame}: ${reason}` })
  let format: OutputFormat
  try {
    format = formatOf(shape)
  } catch (err) {
    return fail((err as Error).message)
  }
  if (bytes.byteLength > maxFrameBytes(format, shape.width, shape.height)) return fail(`${bytes.byteLength} bytes, more than any ${shape.width}x${shape.height} ${format}`)
  // The blob store checks ids on fetch; checking here too keeps this function sound whoever supplied the bytes.
  if (toHex(sha256(bytes)) !== toHex(committed.blobId)) return fail('file does not hash to the committed blob id')
  let decoded: Frame
  try {
    decoded = await decodeFrame(bytes, format, shape)
  } catch (err) {
    return fail((err as Error).message)
  }
  if (toHex(pixelHash(decoded)) !== toHex(committed.pixelHash)) return fail('decoded pixels do not match the committed pixel hash')
  return { frame, ok: true, decoded, flat: isFlat(decoded) }
}

/** A committed result as the integrity check needs it: the root and every frame's entry. */
export interface CommittedFrames {
  merkleRoot: Uint8Array
  frames: readonly CommittedFrame[]
}

export type FramesIntegrity =
  | {
      ok: true
      /** Where each frame's verified file is, by frame number (the blob store's file: read only). */
      paths: Map<number, string>
      /** Frames whose pixels are all the same colour. */
      flat: number[]
    }
  | { ok: false; reason: string }

/**
 * A frame's blob made local: the store's file, and the bytes when the fetch
 * received them into memory (they are then checked from there, not read back).
 */
export interface FetchedFrame {
  path: string
  bytes?: Uint8Array
}

export interface VerifyFramesOptions {
  /**
   * Makes a frame's blob local and returns its path (or a FetchedFrame);
   * throws when no one delivers it (that error propagates). `maxBytes` is
   * the largest file a frame of the job can honestly be (maxFrameBytes): the
   * fetch must refuse more, so a hostile provider cannot make it pull up to
   * the blob cap.
   */
  fetchPath(frame: CommittedFrame, maxBytes: number): Promise<string | FetchedFrame>
  signal?: AbortSignal
  /** Frames fetched at once. */
  concurrency?: number
}

const FETCH_CONCURRENCY = 4

/**
 * Every frame of a commitment: the root matches the entries, each blob is
 * fetched, size-capped, hashed, decoded in the job's format at the job's
 * size and its pixel hash compared. A frame that cannot be fetched throws (the caller decides
 * whether that is "unavailable" or a failed check); anything wrong with
 * what was delivered is a reason.
 */
export async function verifyCommittedFrames(committed: CommittedFrames, shape: FrameShape, options: VerifyFramesOptions): Promise<FramesIntegrity> {
  if (!bytesEqual(merkleRoot(committed.frames), committed.merkleRoot)) return { ok: false, reason: 'Merkle root does not match the frames' }
  let maxBytes: number
  try {
    maxBytes = maxFrameBytesOf(shape)
  } catch (err) {
    return { ok: false, reason: (err as Error).message }
  }
  const fetched = await mapLimit(committed.frames, options.concurrency ?? FETCH_CONCURRENCY, async (f) => {
    const got = await options.fetchPath(f, maxBytes)
    const local = typeof got === 'string' ? { path: got } : got
    // Bytes in hand are checked at once and dropped with their pixels, so at
    // most `concurrency` frames are held; the verdict waits for the loop below,
    // so a frame that cannot be fetched still makes the result unavailable.
    const verdict = local.bytes === undefined ? undefined : withoutPixels(await inspectFrame(local.bytes, f, shape))
    return { path: local.path, verdict }
  })
  const paths = new Map<number, string>()
  const flat: number[] = []
  // One file decoded at a time: a 1,000-frame 4K task must not sit in memory whole.
  for (const [i, f] of committed.frames.entries()) {
    options.signal?.throwIfAborted()
    const { path, verdict } = fetched[i]!
    const result = verdict ?? (await inspectFrameFile(path, f, shape))
    if (!result.ok) return { ok: false, reason: result.reason }
    paths.set(f.frame, path)
    if (result.flat) flat.push(f.frame)
  }
  return { ok: true, paths, flat }
}

/** A frame's verdict without its decoded pixels, which may be held no longer. */
function withoutPixels(result: FrameIntegrity): { ok: true; flat: boolean } | { ok: false; reason: string } {
  return result.ok ? { ok: true, flat: result.flat } : { ok: false, reason: result.reason }
}

/** Every pixel the same: a blank (black, white, any colour) frame. */
export function isFlat(img: Frame): boolean {
  const p = img.pixels
  if (p instanceof Float32Array) {
    for (let i = 4; i < p.length; i++) if (!Object.is(p[i], p[i % 4])) return false
    return true
  }
  // A Uint32 view needs 4-byte alignment; decodePng's buffers have it, a caller's slice may not.
  if (p.byteOffset % 4 !== 0) {
    for (let i = 4; i < p.length; i++) if (p[i] !== p[i % 4]) return false
    return true
  }
  const words = new Uint32Array(p.buffer, p.byteOffset, p.byteLength >>> 2)
  const first = words[0]
  for (let i = 1; i < words.length; i++) if (words[i] !== first) return false
  return true
}

/** Groups of frames (two or more) that share a pixel hash, ascending. */
export function duplicateGroups(frames: readonly { frame: number; pixelHash: Uint8Array }[]): number[][] {
  const byHash = new Map<string, number[]>()
  for (const f of frames) {
    const key = toHex(f.pixelHash)
    const group = byHash.get(key)
    if (group === undefined) byHash.set(key, [f.frame])
    else group.push(f.frame)
  }
  return [...byHash.values()].filter((g) => g.length > 1).map((g) => g.sort((a, b) => a - b))
}

export interface RevealedFrame {
  bytes: Uint8Array
  frame: number
  proof: MerkleProof
}

/**
 * A frame revealed on its own (creator review, a dispute): its bytes must
 * decode in the job's format at the job's size and, with the blob id and pixel hash computed
 * here, sit under the committed root at the position the proof claims.
 * A proof for another job or task fails because the root differs.
 */
export async function checkRevealedFrame(root: Uint8Array, revealed: RevealedFrame, shape: FrameShape): Promise<{ ok: true } | { ok: false; reason: string }> {
  const blobId = sha256(revealed.bytes)
  let hash: Uint8Array
  try {
    hash = pixelHash(await decodeFrame(revealed.bytes, formatOf(shape), shape))
  } catch (err) {
    return { ok: false, reason: `frame ${revealed.frame}: ${(err as Error).message}` }
  }
  if (!verifyMerkleProof(root, { frame: revealed.frame, blobId, pixelHash: hash }, revealed.proof)) {
    return { ok: false, reason: `frame ${revealed.frame}: does not match the commitment` }
  }
  return { ok: true }
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}
