// The creator's IntegrityVerifier on real nodes on 127.0.0.1: frames fetched
// from the worker into memory and checked from there (fetchWithBytes) give
// the same outcome as frames fetched to files and read back (fetchToPath),
// honest or not; a worker that serves wrong bytes gets the same outcome and
// is not asked for those blobs again; and a creator checking result after result
// from one worker opens a handful of blob streams, not one per frame.

import { createHash, randomBytes } from 'node:crypto'
import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobIdFromBytes } from '../../../node/blobs/index.ts'
import { decodePng, pixelHash } from '../../../node/images/index.ts'
import type { CommittedResult } from '../../../node/roles/creator/committed-result.ts'
import { IntegrityVerifier, type ResultOutcome } from '../../../node/roles/creator/verifier.ts'
import type { CommittedFrame } from '../../../node/verify/index.ts'
import { BLOB_CODES, BLOB_PROTOCOL, BLOB_PROTOCOL_1_1, BlobHeader, BlobRequest, type JobSpec, merkleRoot, toHex, validateJobSpec } from '../../../protocol/index.ts'
import { connect, createTestNode, type TestNode } from './nodes.ts'

const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest())
const spec: JobSpec = validateJobSpec({ renderer: 'builtin', sceneBlob: '09'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 4, framesPerTask: 4, width: 48, height: 27, samples: 4, maxPrice: 1000 })

async function frameBytes(seed: number): Promise<Uint8Array> {
  const px = new Uint8Array(48 * 27 * 4)
  for (let i = 0; i < px.length; i++) px[i] = (i * 31 + seed * 17) & 255
  return new Uint8Array(await sharp(px, { raw: { width: 48, height: 27, channels: 4 } }).png().toBuffer())
}

function result(frames: CommittedFrame[], workerPeer: PeerId): CommittedResult {
  return { jobId: 'ab'.repeat(32), taskIndex: 0, worker: 'cd'.repeat(32), workerPeer, merkleRoot: toHex(merkleRoot(frames)), frames, envelope: new Uint8Array(0) }
}

describe('IntegrityVerifier from memory over real blob streams', () => {
  let worker: TestNode
  let liar: TestNode
  /** Checks from memory (the NetworkedBlobStore itself). */
  let creator: TestNode
  /** Checks from files read back (a store that offers fetchToPath only). */
  let reference: TestNode
  const served = new Map<string, Uint8Array>()
  let liarRequests = 0

  /** Announces the right size for every frame it knows, then sends other bytes; on either protocol. */
  async function lie(stream: Stream): Promise<void> {
    const lp = lpStream(stream)
    try {
      for (let n = 0; n < (stream.protocol === BLOB_PROTOCOL_1_1 ? 64 : 1); n++) {
        const request = await lp.read().catch(() => undefined)
        if (request === undefined) break
        liarRequests++
        const bytes = served.get(blobIdFromBytes(BlobRequest.decode(request.subarray()).blobId))
        if (bytes === undefined) {
          await lp.write(BlobHeader.encode({ code: BLOB_CODES.notFound, size: 0 }))
          continue
        }
        await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size: bytes.byteLength }))
        stream.send(randomBytes(bytes.byteLength))
      }
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  beforeAll(async () => {
    ;[worker, liar, creator, reference] = await Promise.all([createTestNode(), createTestNode({ serve: false }), createTestNode(), createTestNode()])
    await liar.libp2p.handle([BLOB_PROTOCOL_1_1, BLOB_PROTOCOL], (stream) => lie(stream))
    for (const node of [creator, reference]) {
      await connect(node.libp2p, worker.libp2p)
      await connect(node.libp2p, liar.libp2p)
    }
  })

  afterAll(async () => {
    await Promise.all([worker, liar, creator, reference].filter(Boolean).map((node) => node.stop()))
  })

  /** A result of 4 frames held by the worker; `tamper` edits the commitment entries. */
  async function committedResult(seed: number, tamper: (frames: CommittedFrame[]) => void = () => {}): Promise<CommittedFrame[]> {
    const frames: CommittedFrame[] = []
    for (let frame = 1; frame <= 4; frame++) {
      const bytes = await frameBytes(seed * 10 + frame)
      await worker.local.put(bytes)
      served.set(toHex(sha(bytes)), bytes)
      frames.push({ frame, blobId: sha(bytes), pixelHash: pixelHash(await decodePng(bytes, { width: 48, height: 27 })) })
    }
    tamper(frames)
    return frames
  }

  async function both(frames: CommittedFrame[], peer: PeerId): Promise<[ResultOutcome, ResultOutcome]> {
    const options = { refetchDelaysMs: [1] }
    const fromMemory = await new IntegrityVerifier(creator.blobs, options).verify(spec, result(frames, peer))
    const fromFiles = await new IntegrityVerifier({ fetchToPath: (id, o) => reference.blobs.fetchToPath(id, o) }, options).verify(spec, result(frames, peer))
    return [fromMemory, fromFiles]
  }

  it('accepts an honest result as the file path does, keeps every frame, and reuses its streams', async () => {
    const opened = creator.blobs.streamsOpened
    for (let seed = 1; seed <= 3; seed++) {
      const frames = await committedResult(seed)
      const [fromMemory, fromFiles] = await both(frames, worker.libp2p.peerId)
      expect(fromMemory).toMatchObject({ accepted: true })
      expect(fromMemory).toEqual(fromFiles)
      for (const f of frames) expect(await creator.local.has(toHex(f.blobId))).toBe(true)
    }
    // 12 frames, fetched 4 at a time: at most 4 streams, most of them reused.
    expect(creator.blobs.streamsOpened - opened).toBeLessThanOrEqual(4)
  })

  it('refuses a frame whose pixels are not the committed ones with the same reason', async () => {
    const frames = await committedResult(5, (f) => {
      f[2]!.pixelHash = sha(Uint8Array.of(1))
    })
    const [fromMemory, fromFiles] = await both(frames, worker.libp2p.peerId)
    expect(fromMemory).toEqual({ accepted: false, reason: 'frame 3: decoded pixels do not match the committed pixel hash' })
    expect(fromMemory).toEqual(fromFiles)
  })

  it('refuses wrong bytes as the file path does, keeps none of them, and never asks the liar again', async () => {
    const frames = await committedResult(7)
    const before = liarRequests
    const [fromMemory, fromFiles] = await both(frames, liar.libp2p.peerId)
    // The liar is dropped for each blob it lied about (R73); the refetch then has no one left to ask.
    const shape = (o: ResultOutcome) => ({ ...o, reason: 'reason' in o ? o.reason.replace(/^frame \d: blob [0-9a-f]{64} /, 'frame N: blob ID ') : undefined })
    expect(shape(fromMemory)).toEqual({ accepted: false, unavailable: true, reason: 'frame N: blob ID not found' })
    expect(shape(fromMemory)).toEqual(shape(fromFiles))
    for (const f of frames) expect(await creator.local.has(toHex(f.blobId))).toBe(false)
    expect(liarRequests).toBeGreaterThan(before)
    // Checked again: the liar is not asked for any of those blobs.
    const asked = liarRequests
    expect(shape(await new IntegrityVerifier(creator.blobs, { refetchDelaysMs: [] }).verify(spec, result(frames, liar.libp2p.peerId)))).toEqual(shape(fromMemory))
    expect(liarRequests).toBe(asked)
  })
})
