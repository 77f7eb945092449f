// A real job on the built-in renderer (testnet/scenes/tiny.json at 64x36):
// a worker's render (honest or with a cheat), its signed commitment, a
// creator's CheckRequest, and a fetcher over the files, so the checker runs
// end to end without a network.
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { decodePng, pixelHash } from '../../../../../node/images/png.ts'
import type { FrameFetcher } from '../../../../../node/roles/checker/check-task.ts'
import type { FrameTamper } from '../../../../../node/roles/worker/frame-tamper.ts'
import type { Renderer, RenderSettings } from '../../../../../node/renderers/types.ts'
import { announcementOf, type FrameResult, type JobAnnouncement, merkleRoot, openCheckRequest, type OpenedCheckRequest, parseEnvelope, type ResultCommitment, type Sample, sampleFor, signEnvelope, taskAt, toHex, validateJobSpec } from '../../../../../protocol/index.ts'

export const ed = nodeEd25519
export const SCENE = join(import.meta.dirname, '../../../../../testnet/scenes/tiny.json')
export const creatorSeed = new Uint8Array(32).fill(31)
export const workerSeed = new Uint8Array(32).fill(32)
export const checkerSeed = new Uint8Array(32).fill(33)

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** Blob id -> file, standing in for the blob store. */
export class Files {
  readonly paths = new Map<string, string>()
  fetched = 0

  async add(path: string): Promise<string> {
    const id = sha(await readFile(path))
    this.paths.set(id, path)
    return id
  }

  fetcher(): FrameFetcher {
    return {
      fetch: async (id) => {
        this.fetched++
        const path = this.paths.get(id)
        if (path === undefined) throw new Error(`no provider for ${id.slice(0, 8)}`)
        return path
      }
    }
  }
}

export interface JobOverrides {
  seed?: number
  frames?: number
  framesPerTask?: number
  width?: number
  height?: number
  samples?: number
  creator?: Uint8Array
}

export async function jobFor(files: Files, over: JobOverrides = {}): Promise<{ announcement: JobAnnouncement; envelope: Uint8Array }> {
  const sceneBlob = await files.add(SCENE)
  const spec = validateJobSpec({
    renderer: 'builtin',
    sceneBlob,
    sceneSize: (await stat(SCENE)).size,
    frameStart: 1,
    frameEnd: over.frames ?? 8,
    framesPerTask: over.framesPerTask ?? 4,
    width: over.width ?? 64,
    height: over.height ?? 36,
    samples: over.samples ?? 4,
    seed: over.seed ?? 7,
    maxPrice: 1000
  })
  const creator = over.creator ?? creatorSeed
  const announcement = announcementOf(spec, { creatorPublicKey: ed.publicKey(creator), nonce: new Uint8Array(16).fill(over.seed ?? 7), addrs: [], timestampMs: Date.now() })
  return { announcement, envelope: signEnvelope(ed, creator, 'JobAnnouncement', announcement) }
}

/** A commitment signed by `seed` for frames nobody rendered (made-up blob ids): what an attacker sends when it only wants the checker to work. */
export function madeUpCommitment(a: JobAnnouncement, taskIndex: number, seed: Uint8Array = workerSeed): { commitment: ResultCommitment; envelope: Uint8Array } {
  const task = taskAt(a, taskIndex)!
  const results: FrameResult[] = []
  for (let f = task.frameStart; f <= task.frameEnd; f++) {
    const id = createHash('sha256').update(`made-up-${f}`).digest()
    results.push({ frame: f, blobId: id as unknown as Uint8Array<ArrayBuffer>, pixelHash: createHash('sha256').update(id).digest() as unknown as Uint8Array<ArrayBuffer> })
  }
  const commitment: ResultCommitment = { jobId: a.jobId, taskIndex, leaseId: new Uint8Array(16).fill(2), merkleRoot: merkleRoot(results) as Uint8Array<ArrayBuffer>, frames: results, timestampMs: Date.now() }
  return { commitment, envelope: signEnvelope(ed, seed, 'ResultCommitment', commitment) }
}

/** What a worker does in task-runner.ts: render (with the cheat's settings), apply the cheat, commit to the pixels it has. */
export async function workerRenders(renderer: Renderer, files: Files, a: JobAnnouncement, taskIndex: number, dir: string, cheat?: FrameTamper): Promise<{ commitment: ResultCommitment; envelope: Uint8Array }> {
  const task = taskAt(a, taskIndex)!
  const frames: number[] = []
  for (let f = task.frameStart; f <= task.frameEnd; f++) frames.push(f)
  const settings: RenderSettings = { width: a.width, height: a.height, samples: a.samples, seed: a.seed }
  const outputs = await renderer.renderFrames({ scenePath: SCENE, frames, settings: cheat?.renderSettings(settings) ?? settings, outDir: dir })
  outputs.sort((x, y) => x.frame - y.frame)
  await cheat?.apply(outputs, { jobId: a.jobId, width: a.width, height: a.height })
  const results: FrameResult[] = []
  for (const out of outputs) {
    const bytes = await readFile(out.path)
    // A distinct copy per task: `copy` and `previous-frame` produce identical files.
    const id = await files.add(out.path)
    results.push({ frame: out.frame, blobId: Buffer.from(id, 'hex'), pixelHash: pixelHash(await decodePng(bytes, a)) as Uint8Array<ArrayBuffer> })
  }
  const commitment: ResultCommitment = {
    jobId: a.jobId,
    taskIndex,
    leaseId: new Uint8Array(16).fill(1),
    merkleRoot: merkleRoot(results) as Uint8Array<ArrayBuffer>,
    frames: results,
    timestampMs: Date.now()
  }
  return { commitment, envelope: signEnvelope(ed, workerSeed, 'ResultCommitment', commitment) }
}

export function beaconOf(i: number): Uint8Array<ArrayBuffer> {
  return createHash('sha256').update(`beacon-${i}`).digest() as unknown as Uint8Array<ArrayBuffer>
}

export interface RequestOptions {
  beacon?: Uint8Array
  level?: 'standard' | 'full'
  redundancyIndex?: number
  sample?: Sample
  timestampMs?: number
  seed?: Uint8Array
}

/** The creator's signed CheckRequest for a commitment. */
export function requestBytes(job: { announcement: JobAnnouncement; envelope: Uint8Array }, committed: { commitment: ResultCommitment; envelope: Uint8Array }, opts: RequestOptions = {}): Uint8Array {
  const c = committed.commitment
  const beacon = opts.beacon ?? beaconOf(0)
  const sample =
    opts.sample ??
    sampleFor({ beacon, ...c, frames: c.frames.map((f) => f.frame), width: job.announcement.width, height: job.announcement.height, level: opts.level ?? 'standard', redundancyIndex: opts.redundancyIndex })
  const env = parseEnvelope(committed.envelope)
  return signEnvelope(ed, opts.seed ?? creatorSeed, 'CheckRequest', {
    jobAnnouncement: job.envelope as Uint8Array<ArrayBuffer>,
    commitment: { type: env.type, payload: Uint8Array.from(env.payloadBytes), publicKey: Uint8Array.from(env.publicKey), signature: Uint8Array.from(env.signature) },
    beacon: beacon as Uint8Array<ArrayBuffer>,
    frames: sample.frames,
    tiles: sample.tiles,
    redundancyIndex: opts.redundancyIndex ?? 0,
    timestampMs: opts.timestampMs ?? Date.now()
  })
}

/** The request as the checker sees it after the pipeline. */
export function opened(bytes: Uint8Array): OpenedCheckRequest {
  const env = parseEnvelope(bytes, 'CheckRequest')
  return openCheckRequest(ed, env.payload, env.publicKey)
}

export const workerKeyHex = () => toHex(ed.publicKey(workerSeed))
