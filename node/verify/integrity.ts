// Integrity checks on every frame of a task, not only the sampled ones:
// cheap (a hash and a decode per frame) and they catch what sampling would
// only catch by luck. Frames come from other peers, so each is hostile
// until proven otherwise: size-capped before it is read, decoded only as a
// PNG of the job's exact size (decodePng: signature first, pixel limit,
// truncation fails), and every failure is a reason, never an exception.
// The creator (before it asks checkers) and the checker (before it
// re-renders) both run verifyCommittedFrames: one path, the same rules.
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { bytesEqual, type MerkleProof, merkleRoot, toHex, verifyMerkleProof } from '../../protocol/index.ts'
import { type DecodedFrame, decodePng, pixelHash } from '../images/png.ts'

export interface CommittedFrame {
  frame: number
  blobId: Uint8Array
  pixelHash: Uint8Array
}

export type FrameIntegrity = { frame: number; ok: true; decoded: DecodedFrame; flat: boolean } | { frame: number; ok: false; reason: string }

/**
 * The largest PNG a width x height frame can honestly be: 16-bit RGBA
 * stored uncompressed, a filter byte per row, and room for metadata chunks.
 * Anything bigger is refused before a byte of it is read.
 */
export function maxPngBytes(width: number, height: number): number {
  return width * height * 8 + height + 1024 * 1024
}

/** Checks one frame's file against its commitment entry. Never throws. */
export async function inspectFrameFile(path: string, committed: CommittedFrame, size: { width: number; height: number }): Promise<FrameIntegrity> {
  try {
    const info = await stat(path)
    const limit = maxPngBytes(size.width, size.height)
    if (info.size > limit) return { frame: committed.frame, ok: false, reason: `frame ${committed.frame}: file is ${info.size} bytes, more than any ${size.width}x${size.height} PNG (${limit})` }
    return await inspectFrame(await readFile(path), committed, size)
  } catch (err) {
    return { frame: committed.frame, ok: false, reason: `frame ${committed.frame}: cannot read: ${(err as Error).message}` }
  }
}

/** Checks one frame's bytes against its commitment entry. Never throws. */
export async function inspectFrame(bytes: Uint8Array, committed: CommittedFrame, size: { width: number; height: number }): Promise<FrameIntegrity> {
  const frame = committed.frame
  const fail = (reason: string): FrameIntegrity => ({ frame, ok: false, reason: `frame ${frame}: ${reason}` })
  if (bytes.byteLength > maxPngBytes(size.width, size.height)) return fail(`${bytes.byteLength} bytes, more than any ${size.width}x${size.height} PNG`)
  // The blob store checks ids on fetch; checking here too keeps this function sound whoever supplied the bytes.
  if (toHex(sha256(bytes)) !== toHex(committed.blobId)) return fail('file does not hash to the committed blob id')
  let decoded: DecodedFrame
  try {
    decoded = await decodePng(bytes, size)
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

export interface VerifyFramesOptions {
  /** Makes a frame's blob local and returns its path; throws when no one delivers it (that error propagates). */
  fetchPath(frame: CommittedFrame): Promise<string>
  signal?: AbortSignal
  /** Frames fetched at once. */
  concurrency?: number
}

const FETCH_CONCURRENCY = 4

/**
 * Every frame of a commitment: the root matches the entries, each blob is
 * fetched, size-capped, hashed, decoded at the job's size and its pixel
 * hash compared. A frame that cannot be fetched throws (the caller decides
 * whether that is "unavailable" or a failed check); anything wrong with
 * what was delivered is a reason.
 */
export async function verifyCommittedFrames(committed: CommittedFrames, size: { width: number; height: number }, options: VerifyFramesOptions): Promise<FramesIntegrity> {
  if (!bytesEqual(merkleRoot(committed.frames), committed.merkleRoot)) return { ok: false, reason: 'Merkle root does not match the frames' }
  const fetched = await mapLimit(committed.frames, options.concurrency ?? FETCH_CONCURRENCY, options.fetchPath)
  const paths = new Map<number, string>()
  const flat: number[] = []
  // One frame decoded at a time: a 1,000-frame 4K task must not sit in memory whole.
  for (const [i, f] of committed.frames.entries()) {
    options.signal?.throwIfAborted()
    const result = await inspectFrameFile(fetched[i]!, f, size)
    if (!result.ok) return { ok: false, reason: result.reason }
    paths.set(f.frame, fetched[i]!)
    if (result.flat) flat.push(f.frame)
  }
  return { ok: true, paths, flat }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const run = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run))
  return out
}

/** Every pixel the same: a blank (black, white, any colour) frame. */
export function isFlat(img: DecodedFrame): boolean {
  const p = img.pixels
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
 * decode at the job's size and, with the blob id and pixel hash computed
 * here, sit under the committed root at the position the proof claims.
 * A proof for another job or task fails because the root differs.
 */
export async function checkRevealedFrame(root: Uint8Array, revealed: RevealedFrame, size: { width: number; height: number }): Promise<{ ok: true } | { ok: false; reason: string }> {
  const blobId = sha256(revealed.bytes)
  let hash: Uint8Array
  try {
    hash = pixelHash(await decodePng(revealed.bytes, size))
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
