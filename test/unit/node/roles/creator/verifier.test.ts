// The creator's IntegrityVerifier asks the blob store for each frame capped
// at what a frame of the job can be (maxFrameBytes), so a worker cannot make
// it download up to the 512 MiB blob cap before the frame is refused.
import { createHash } from 'node:crypto'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlobFetchError, BlobTooLargeError, type NetworkedGetOptions } from '../../../../../node/blobs/index.ts'
import { decodePng, maxFrameBytes, pixelHash } from '../../../../../node/images/index.ts'
import type { CommittedResult } from '../../../../../node/roles/creator/committed-result.ts'
import { IntegrityVerifier } from '../../../../../node/roles/creator/verifier.ts'
import { type JobSpec, merkleRoot, toHex, validateJobSpec } from '../../../../../protocol/index.ts'

const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest())

describe('IntegrityVerifier fetch cap', () => {
  let dir: string
  const spec: JobSpec = validateJobSpec({ renderer: 'builtin', sceneBlob: '09'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 2, framesPerTask: 2, width: 64, height: 36, samples: 4, maxPrice: 1000 })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-verifier-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** Blob files by id, served like NetworkedBlobStore.fetchToPath: refused past options.maxBytes. */
  function store(files: Map<string, string>) {
    const asked: NetworkedGetOptions[] = []
    return {
      asked,
      fetchToPath: async (id: string, options: NetworkedGetOptions = {}) => {
        asked.push(options)
        const path = files.get(id)!
        const { size } = await stat(path)
        if (options.maxBytes !== undefined && size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes, `peer announced ${size} bytes, over the limit of ${options.maxBytes}`)
        return path
      }
    }
  }

  async function result(frames: { frame: number; bytes: Uint8Array; pixelHash: Uint8Array }[], files: Map<string, string>): Promise<CommittedResult> {
    const committed = []
    for (const f of frames) {
      const id = toHex(sha(f.bytes))
      const path = join(dir, `${id}.png`)
      await writeFile(path, f.bytes)
      files.set(id, path)
      committed.push({ frame: f.frame, blobId: sha(f.bytes), pixelHash: f.pixelHash })
    }
    return { jobId: 'ab'.repeat(32), taskIndex: 0, worker: 'cd'.repeat(32), workerPeer: { toString: () => 'worker' } as PeerId, merkleRoot: toHex(merkleRoot(committed)), frames: committed, envelope: new Uint8Array(0) }
  }

  const frame = async (shade: number) => {
    const bytes = new Uint8Array(await sharp({ create: { width: 64, height: 36, channels: 4, background: { r: shade, g: 10, b: 20, alpha: 1 } } }).png().toBuffer())
    return { bytes, pixelHash: pixelHash(await decodePng(bytes, { width: 64, height: 36 })) }
  }

  it('fetches every frame capped at the largest honest 64x36 PNG, and accepts honest frames', async () => {
    const files = new Map<string, string>()
    const blobs = store(files)
    const outcome = await new IntegrityVerifier(blobs).verify(spec, await result([{ frame: 1, ...(await frame(1)) }, { frame: 2, ...(await frame(2)) }], files))
    expect(outcome).toMatchObject({ accepted: true })
    expect(blobs.asked.map((o) => o.maxBytes)).toEqual([maxFrameBytes('PNG', 64, 36), maxFrameBytes('PNG', 64, 36)])
  })

  it('a frame blob over the cap is never fetched whole: the result is unavailable', async () => {
    const files = new Map<string, string>()
    const blobs = store(files)
    const honest = await frame(1)
    const huge = { frame: 2, bytes: new Uint8Array(maxFrameBytes('PNG', 64, 36) + 1), pixelHash: new Uint8Array(32) }
    const outcome = await new IntegrityVerifier(blobs).verify(spec, await result([{ frame: 1, ...honest }, huge], files))
    expect(outcome).toMatchObject({ accepted: false, unavailable: true, reason: expect.stringMatching(/^frame 2: .*over the limit of \d+/) })
  })

  it('a result whose frames could not be fetched is asked for again after each pause, and accepted once they come', async () => {
    const files = new Map<string, string>()
    const blobs = store(files)
    let failuresLeft = 2
    const flaky = {
      fetchToPath: async (id: string, options?: NetworkedGetOptions) => {
        if (failuresLeft-- > 0) throw new BlobFetchError(id, 'could not open a blob stream to peer worker')
        return blobs.fetchToPath(id, options)
      }
    }
    const verifier = new IntegrityVerifier(flaky, { refetchDelaysMs: [1, 1, 1] })
    const outcome = await verifier.verify(spec, await result([{ frame: 1, ...(await frame(1)) }, { frame: 2, ...(await frame(2)) }], files))
    expect(outcome).toMatchObject({ accepted: true })
    expect(blobs.asked).toHaveLength(2)
  })

  it('a worker that never delivers is asked once per pause and once more, then its result is unavailable', async () => {
    let asked = 0
    const never = {
      fetchToPath: async (id: string) => {
        asked++
        throw new BlobFetchError(id, 'no peer delivered it (1 tried)')
      }
    }
    const outcome = await new IntegrityVerifier(never, { refetchDelaysMs: [1, 1] }).verify(spec, await result([{ frame: 1, ...(await frame(1)) }], new Map()))
    expect(outcome).toMatchObject({ accepted: false, unavailable: true, reason: expect.stringMatching(/^frame 1: .*no peer delivered it/) })
    expect(asked).toBe(3)
  })

  it('a frame over the cap is not asked for again: the same worker would send the same bytes', async () => {
    const files = new Map<string, string>()
    const blobs = store(files)
    const huge = { frame: 1, bytes: new Uint8Array(maxFrameBytes('PNG', 64, 36) + 1), pixelHash: new Uint8Array(32) }
    const outcome = await new IntegrityVerifier(blobs, { refetchDelaysMs: [1, 1, 1] }).verify(spec, await result([huge], files))
    expect(outcome).toMatchObject({ accepted: false, unavailable: true })
    expect(blobs.asked).toHaveLength(1)
  })
})
