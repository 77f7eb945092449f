// verifyCommittedFrames checks frames handed over as bytes (received into
// memory by the fetch) exactly as it checks them read back from their
// files: for any mix of honest and tampered frames, and frames that cannot
// be fetched, both give the same verdict, reason, flat frames and paths, or
// both throw the same error.

import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_IN_MEMORY_BLOB_BYTES } from '../../../../node/blobs/index.ts'
import { decodePng, maxFrameBytes, pixelHash } from '../../../../node/images/index.ts'
import { type CommittedFrame, type FetchedFrame, verifyCommittedFrames } from '../../../../node/verify/integrity.ts'
import { merkleRoot, toHex } from '../../../../protocol/index.ts'

const shape = { width: 32, height: 18 }
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest())

async function png(width: number, height: number, seed: number, flat = false): Promise<Uint8Array> {
  const px = new Uint8Array(width * height * 4)
  for (let i = 0; i < px.length; i++) px[i] = flat ? seed & 255 : (i * 37 + seed * 11 + (i >> 5)) & 255
  return new Uint8Array(await sharp(px, { raw: { width, height, channels: 4 } }).png().toBuffer())
}

const TAMPERS = ['honest', 'flat', 'pixel-hash', 'blob-id', 'truncated', 'wrong-size', 'oversized', 'unfetchable'] as const
type Tamper = (typeof TAMPERS)[number]

interface Prepared {
  entry: CommittedFrame
  /** What the worker serves for it; undefined: nothing (the fetch fails). */
  bytes?: Uint8Array
}

let dir: string
const variants = new Map<string, Prepared>()

/** Frame `frame` with tamper `t`: its commitment entry and the bytes a worker serves for it. */
async function prepare(frame: number, t: Tamper): Promise<Prepared> {
  const honest = await png(shape.width, shape.height, frame)
  const entry = { frame, blobId: sha(honest), pixelHash: pixelHash(await decodePng(honest, shape)) }
  switch (t) {
    case 'honest':
      return { entry, bytes: honest }
    case 'flat': {
      const blank = await png(shape.width, shape.height, frame, true)
      return { entry: { frame, blobId: sha(blank), pixelHash: pixelHash(await decodePng(blank, shape)) }, bytes: blank }
    }
    case 'pixel-hash':
      return { entry: { ...entry, pixelHash: sha(Uint8Array.of(frame)) }, bytes: honest }
    case 'blob-id':
      // Served bytes that are not the committed blob (a store would refuse them; the check must too).
      return { entry, bytes: await png(shape.width, shape.height, frame + 100) }
    case 'truncated': {
      const cut = honest.subarray(0, 60)
      return { entry: { ...entry, blobId: sha(cut) }, bytes: cut }
    }
    case 'wrong-size': {
      const small = await png(16, 9, frame)
      return { entry: { ...entry, blobId: sha(small) }, bytes: small }
    }
    case 'oversized': {
      const big = new Uint8Array(maxFrameBytes('PNG', shape.width, shape.height) + 1).fill(frame)
      return { entry: { ...entry, blobId: sha(big) }, bytes: big }
    }
    case 'unfetchable':
      return { entry }
  }
}

/**
 * A fetch as NetworkedBlobStore does it for the creator: `memory` hands the
 * bytes over with the path when they came within the cap (what fetchWithBytes
 * returns for a blob it received); a larger file is only ever a path (a copy
 * that was already local).
 */
function fetcher(frames: Prepared[], memory: boolean) {
  return async (f: CommittedFrame, maxBytes: number): Promise<string | FetchedFrame> => {
    const prepared = frames.find((p) => p.entry.frame === f.frame)!
    if (prepared.bytes === undefined) throw new Error(`frame ${f.frame}: no peer delivered it`)
    const path = join(dir, `${f.frame}-${toHex(sha(prepared.bytes))}`)
    await writeFile(path, prepared.bytes)
    const inMemory = memory && prepared.bytes.byteLength <= Math.min(maxBytes, MAX_IN_MEMORY_BLOB_BYTES)
    return inMemory ? { path, bytes: prepared.bytes } : path
  }
}

async function outcome(frames: Prepared[], memory: boolean) {
  const committed = { merkleRoot: merkleRoot(frames.map((f) => f.entry)), frames: frames.map((f) => f.entry) }
  try {
    const result = await verifyCommittedFrames(committed, shape, { fetchPath: fetcher(frames, memory), concurrency: 3 })
    return result.ok ? { ok: true, flat: result.flat, paths: [...result.paths] } : result
  } catch (err) {
    return { threw: (err as Error).message }
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-verify-frames-'))
  for (let frame = 1; frame <= 5; frame++) for (const t of TAMPERS) variants.set(`${frame} ${t}`, await prepare(frame, t))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('verifyCommittedFrames from memory', () => {
  it('gives the same verdict as reading the files back, for any mix of tampered frames', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...TAMPERS), { minLength: 1, maxLength: 5 }), async (tampers) => {
        const frames = tampers.map((t, i) => variants.get(`${i + 1} ${t}`)!)
        const fromFiles = await outcome(frames, false)
        const fromMemory = await outcome(frames, true)
        expect(fromMemory).toEqual(fromFiles)
        // Not vacuous: a tampered frame that was fetched is a reason, an honest set is accepted.
        if (tampers.includes('unfetchable')) expect(fromFiles).toHaveProperty('threw')
        else if (tampers.every((t) => t === 'honest' || t === 'flat')) expect(fromFiles).toMatchObject({ ok: true })
        else expect(fromFiles).toMatchObject({ ok: false })
      }),
      { numRuns: 80 }
    )
  })

  it('reports blank frames as flat and refuses a frame with the reason of the first bad one', async () => {
    const frames = [variants.get('1 honest')!, variants.get('2 flat')!, variants.get('3 pixel-hash')!, variants.get('4 blob-id')!]
    expect(await outcome(frames.slice(0, 2), true)).toMatchObject({ ok: true, flat: [2] })
    expect(await outcome(frames, true)).toEqual({ ok: false, reason: 'frame 3: decoded pixels do not match the committed pixel hash' })
  })
})
