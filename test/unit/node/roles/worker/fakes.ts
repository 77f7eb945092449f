// Test doubles for the worker: a creator that answers the task protocol in
// memory, a renderer that writes real PNGs, and a blob store on a Map.
import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import sharp from 'sharp'
import { announcementOf, encode, Envelope, type JobAnnouncement, type Lease, type LeaseRenewal, openEnvelope, REPLY_CODES, type ReplyCodeName, type ResultCommitment, signEnvelope, type TaskClaim, validateJobSpec } from '../../../../../protocol/index.ts'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { silentLogger } from '../../../../../node/log.ts'
import type { CreatorRef } from '../../../../../node/roles/worker/job-table.ts'
import type { OfferSelf } from '../../../../../node/roles/worker/offers.ts'
import { frameFileName, type RenderedFrame, type Renderer, type RenderFramesRequest } from '../../../../../node/renderers/types.ts'

export const ed = nodeEd25519

/** What a test worker says in its offer. */
export const offerSelf: OfferSelf = {
  capabilities: { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] },
  hardware: { cpuModel: 'Test CPU', cpuCount: 8, gpuModel: '', gpuCount: 0, ramMib: 16384, gpuVendor: '', gpuVramMib: 0 },
  benchScore: 1000,
  price: 1500,
  slots: 4,
  freeSlots: 3,
  region: 'eu-west'
}

export const logger = silentLogger

export function seedOf(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte)
}

export function creatorRef(seed: Uint8Array): CreatorRef {
  const publicKey = ed.publicKey(seed)
  return { publicKey, peerId: peerIdFromPublicKey(publicKeyFromRaw(publicKey)) as PeerId }
}

export function announcement(over: Partial<JobAnnouncement> = {}): JobAnnouncement {
  const spec = validateJobSpec({ renderer: 'builtin', sceneBlob: '09'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 8, height: 6, samples: 4, seed: 3, maxPrice: 2000, timeoutStopS: 3600 })
  const announced = announcementOf(spec, { creatorPublicKey: new Uint8Array(32).fill(2), nonce: new Uint8Array(16).fill(1), addrs: [], timestampMs: 1_000 })
  return { ...announced, jobId: new Uint8Array(32).fill(7), ...over }
}

export function leaseFor(worker: Uint8Array, over: Partial<Lease> = {}): Lease {
  const now = Date.now()
  return {
    jobId: new Uint8Array(32).fill(7),
    taskIndex: 0,
    leaseId: new Uint8Array(16).fill(5),
    worker: new Uint8Array(worker),
    frameStart: 1,
    frameEnd: 2,
    issuedMs: now,
    expiresMs: now + 60_000,
    price: 1000,
    ...over
  }
}

type Handler<T> = (msg: T) => ReplyCodeName | { code: ReplyCodeName; lease?: Lease; retryAfterMs?: number }

/** A creator on the other end of the injected TaskRpc: records requests, answers with the handlers. */
export class FakeCreator {
  readonly seed: Uint8Array
  readonly ref: CreatorRef
  readonly renewals: LeaseRenewal[] = []
  readonly commitments: { payload: ResultCommitment; signer: Uint8Array }[] = []
  claims = 0
  /** The Bid envelope each claim carried (SPEC R46), in order. */
  readonly claimBids: (Envelope | undefined)[] = []
  onClaim: () => ReturnType<Handler<unknown>> = () => 'noTask'
  onRenew: Handler<LeaseRenewal> = () => ({ code: 'ok', lease: this.current === undefined ? undefined : { ...this.current, issuedMs: Date.now(), expiresMs: Date.now() + 60_000 } })
  onCommit: Handler<ResultCommitment> = () => 'ok'
  current?: Lease
  private renewalWaiters: (() => void)[] = []

  constructor(seedByte = 0xc0) {
    this.seed = seedOf(seedByte)
    this.ref = creatorRef(this.seed)
  }

  signLease(lease: Lease, seed = this.seed): Uint8Array {
    return signEnvelope(ed, seed, 'Lease', lease)
  }

  /** Resolves at the next renewal the creator receives. */
  nextRenewal(): Promise<void> {
    return new Promise((resolve) => this.renewalWaiters.push(resolve))
  }

  rpc = async (_peer: PeerId, request: Uint8Array): Promise<Uint8Array> => {
    const env = openEnvelope(ed, request)
    let answer: ReturnType<Handler<unknown>>
    if (env.typeName === 'TaskClaim') {
      this.claims++
      this.claimBids.push((env.payload as TaskClaim).bid)
      answer = this.onClaim()
    } else if (env.typeName === 'LeaseRenewal') {
      this.renewals.push(env.payload as LeaseRenewal)
      answer = this.onRenew(env.payload as LeaseRenewal)
      for (const w of this.renewalWaiters.splice(0)) w()
    } else {
      this.commitments.push({ payload: env.payload as ResultCommitment, signer: env.publicKey })
      answer = this.onCommit(env.payload as ResultCommitment)
    }
    const { code, lease, retryAfterMs } = typeof answer === 'string' ? { code: answer, lease: undefined, retryAfterMs: 0 } : answer
    const leaseBytes = lease === undefined ? undefined : this.signLease(lease)
    return encode('TaskReply', { code: REPLY_CODES[code], reason: code === 'ok' ? '' : `fake ${code}`, lease: leaseBytes === undefined ? undefined : Envelope.decode(leaseBytes), retryAfterMs })
  }
}

/** Frame f is a solid colour derived from f, so every frame's pixels differ. */
export function framePixels(frame: number, width: number, height: number): Buffer {
  const px = Buffer.alloc(width * height * 4)
  for (let i = 0; i < width * height; i++) px.set([(frame * 40) & 255, (frame * 90) & 255, i & 255, 255], i * 4)
  return px
}

export class FakeRenderer implements Renderer {
  requests: RenderFramesRequest[] = []
  /** Called between frames; may wait (for a renewal) or throw. */
  between: (frame: number, request: RenderFramesRequest) => Promise<void> = async () => {}
  skipFrame?: number
  closed = false

  async capabilities() {
    return { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] }
  }

  async benchmark() {
    return 1234.4
  }

  async renderFrames(request: RenderFramesRequest): Promise<RenderedFrame[]> {
    this.requests.push(request)
    await readFile(request.scenePath)
    await mkdir(request.outDir, { recursive: true })
    const out: RenderedFrame[] = []
    const { width, height } = request.settings
    for (const [i, frame] of request.frames.entries()) {
      request.signal?.throwIfAborted()
      if (frame !== this.skipFrame) {
        const path = join(request.outDir, frameFileName(frame))
        await sharp(framePixels(frame, width, height), { raw: { width, height, channels: 4 } }).png().toFile(path)
        out.push({ frame, path })
      }
      request.onProgress?.({ frame, framesDone: i + 1, framesTotal: request.frames.length })
      await this.between(frame, request)
    }
    return out
  }

  async renderCrop(): Promise<RenderedFrame> {
    throw new Error('not used')
  }

  async close() {
    this.closed = true
  }
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

/** Blob store on a Map: put / putFile hash the bytes; getFile writes a known scene. */
export class MapBlobs {
  readonly blobs = new Map<string, Uint8Array>()
  fetched: { id: string; peers?: PeerId[] }[] = []

  async put(bytes: Uint8Array) {
    const id = Buffer.from(sha256(bytes)).toString('hex')
    this.blobs.set(id, bytes)
    return { id, size: bytes.byteLength }
  }

  async putFile(path: string) {
    return this.put(new Uint8Array(await readFile(path)))
  }

  async getFile(id: string, path: string, options: { peers?: PeerId[] } = {}) {
    this.fetched.push({ id, peers: options.peers })
    await writeFile(path, `{"scene":"${id}"}`)
  }
}
