// The /pictor/check/1.0.0 handler with fakes for the network: what a
// creator gets back for good, bad, repeated and concurrent requests, and
// what a colluding checker signs.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import type { FrameFetcher } from '../../../../../node/roles/checker/check-task.ts'
import { type CheckerOptions, CheckerService, truncateUtf8 } from '../../../../../node/roles/checker/checker-service.ts'
import { createCheat } from '../../../../../testnet/cheat.ts'
import { createBuiltinRenderer } from '../../../../../node/renderers/builtin/index.ts'
import type { Renderer } from '../../../../../node/renderers/types.ts'
import { CHECK_CODES, CheckReply, encode, openEnvelope, ReplayGuard, selectCheckers, toHex, verifyVerdict } from '../../../../../protocol/index.ts'
import { beaconOf, checkerSeed, creatorSeed, ed, Files, jobFor, madeUpCommitment, requestBytes, workerRenders, workerSeed } from './fixtures.ts'

const peerOf = (seed: Uint8Array): PeerId => peerIdFromPublicKey(publicKeyFromRaw(ed.publicKey(seed)))
const creatorPeer = peerOf(creatorSeed)

let renderer: Renderer
let root: string
beforeAll(async () => {
  renderer = createBuiltinRenderer({ threads: 2 })
  root = await mkdtemp(join(tmpdir(), 'pictor-checker-'))
})
afterAll(async () => {
  await renderer.close()
  await rm(root, { recursive: true, force: true })
})

function service(files: Files, options: Partial<CheckerOptions> = {}, fetcher?: FrameFetcher, seed = checkerSeed): CheckerService {
  const s = new CheckerService(
    {
      identity: { seed, publicKey: ed.publicKey(seed) },
      ed,
      replay: new ReplayGuard(),
      fetcher: () => fetcher ?? files.fetcher(),
      peerIdOf: (key) => peerIdFromPublicKey(publicKeyFromRaw(key)),
      rendererFor: (name) => (name === 'builtin' ? renderer : undefined),
      workDir: root,
      now: Date.now,
      logger: silentLogger
    },
    // No ledger here: the checker works for the creator it is told to trust (R103i).
    { trustedCreators: [creatorPeer.toString()], ...options }
  )
  s.start()
  return s
}

async function setup(cheat?: string) {
  const files = new Files()
  const job = await jobFor(files, { seed: 11 })
  const committed = await workerRenders(renderer, files, job.announcement, 0, join(root, `w-${cheat ?? 'honest'}-${Math.random()}`), cheat ? createCheat(cheat) : undefined)
  return { files, job, committed }
}

const decodeReply = (bytes: Uint8Array) => {
  const r = CheckReply.decode(bytes)
  return { ...r, verdictBytes: r.verdict === undefined ? undefined : encode('Envelope', r.verdict) }
}

describe('CheckerService', () => {
  it('answers a valid request with a verdict that counts', async () => {
    const { files, job, committed } = await setup()
    const reply = decodeReply(await service(files).handle(requestBytes(job, committed, { level: 'full' }), creatorPeer))
    expect(reply.code).toBe(CHECK_CODES.ok)
    const c = committed.commitment
    const checkers = [toHex(ed.publicKey(checkerSeed))]
    const exclude = [toHex(ed.publicKey(workerSeed)), toHex(ed.publicKey(creatorSeed))]
    const beacon = beaconOf(0)
    expect(selectCheckers({ beacon, ...c, checkers, exclude, redundancy: 1 })).toEqual(checkers)
    const counted = verifyVerdict(reply.verdictBytes!, { ed, beacon, commitment: c, worker: ed.publicKey(workerSeed), width: 64, height: 36, checkers, exclude, redundancy: 1 })
    expect(counted).toMatchObject({ ok: true, redundancyIndex: 0, verdict: { accepted: true } })
  })

  it('signs a rejection for a cheat, with the evidence', async () => {
    const { files, job, committed } = await setup('half-res')
    const reply = decodeReply(await service(files).handle(requestBytes(job, committed, { level: 'full' }), creatorPeer))
    expect(reply.code).toBe(CHECK_CODES.ok)
    const verdict = openEnvelope(ed, reply.verdictBytes!, 'Verdict').payload
    expect(verdict).toMatchObject({ accepted: false, sampledFrames: [1, 2, 3, 4] })
    expect(verdict.scores).toHaveLength(4)
    expect(verdict.scores.every((s) => s < 45)).toBe(true)
    expect(verdict.reason).toMatch(/re-render differs/)
  })

  it('a colluding checker approves a cheat without fetching or rendering anything', async () => {
    const { files, job, committed } = await setup('black')
    const fetcher: FrameFetcher = { fetch: () => Promise.reject(new Error('a colluder fetches nothing')) }
    const reply = decodeReply(await service(files, { colludes: true }, fetcher).handle(requestBytes(job, committed), creatorPeer))
    const verdict = openEnvelope(ed, reply.verdictBytes!, 'Verdict').payload
    expect(verdict.accepted).toBe(true)
    // Honest checking of the same request rejects it.
    const honest = decodeReply(await service(files).handle(requestBytes(job, committed), creatorPeer))
    expect(openEnvelope(ed, honest.verdictBytes!, 'Verdict').payload.accepted).toBe(false)
  })

  it('a rejecting checker rejects honest work without fetching or rendering anything, in a verdict that counts', async () => {
    const { files, job, committed } = await setup()
    const fetcher: FrameFetcher = { fetch: () => Promise.reject(new Error('a rejecting checker fetches nothing')) }
    const reply = decodeReply(await service(files, { rejectsAll: true }, fetcher).handle(requestBytes(job, committed), creatorPeer))
    const c = committed.commitment
    const checkers = [toHex(ed.publicKey(checkerSeed))]
    const exclude = [toHex(ed.publicKey(workerSeed)), toHex(ed.publicKey(creatorSeed))]
    const counted = verifyVerdict(reply.verdictBytes!, { ed, beacon: beaconOf(0), commitment: c, worker: ed.publicKey(workerSeed), width: 64, height: 36, checkers, exclude, redundancy: 1 })
    expect(counted).toMatchObject({ ok: true, verdict: { accepted: false, reason: expect.stringMatching(/--checker-rejects/) } })
    // Honest checking of the same request accepts it.
    const honest = decodeReply(await service(files).handle(requestBytes(job, committed), creatorPeer))
    expect(openEnvelope(ed, honest.verdictBytes!, 'Verdict').payload.accepted).toBe(true)
  })

  it('refuses requests it must not act on, with a reason', async () => {
    const { files, job, committed } = await setup()
    const s = service(files)
    const invalid = async (bytes: Uint8Array, peer = creatorPeer) => decodeReply(await s.handle(bytes, peer))
    expect(await invalid(requestBytes(job, committed), peerOf(workerSeed))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/connected peer/) })
    expect(await invalid(requestBytes(job, committed, { seed: workerSeed }), peerOf(workerSeed))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/NOT_CREATOR/) })
    expect(await invalid(requestBytes(job, committed, { redundancyIndex: 1, sample: { frames: [1], tiles: [{ frame: 1, x: 0, y: 0, width: 16, height: 9 }] } }))).toMatchObject({
      code: CHECK_CODES.invalid
    })
    expect(await invalid(requestBytes(job, committed, { timestampMs: Date.now() - 600_000 }))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/STALE/) })
    expect(await invalid(new Uint8Array([1, 2, 3]))).toMatchObject({ code: CHECK_CODES.invalid })
    const once = requestBytes(job, committed)
    expect((await invalid(once)).code).toBe(CHECK_CODES.ok)
    expect(await invalid(once)).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/REPLAY/) })
    // The worker itself, as a checker, refuses.
    const asWorker = service(files, {}, undefined, workerSeed)
    expect(decodeReply(await asWorker.handle(requestBytes(job, committed), creatorPeer))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/worker/) })
  })

  it('answers a repeated check (re-signed after a timeout) from memory', async () => {
    const { files, job, committed } = await setup()
    const s = service(files)
    const first = decodeReply(await s.handle(requestBytes(job, committed, { timestampMs: Date.now() - 1 }), creatorPeer))
    const fetched = files.fetched
    const again = decodeReply(await s.handle(requestBytes(job, committed), creatorPeer))
    expect(again.verdictBytes).toEqual(first.verdictBytes)
    expect(files.fetched).toBe(fetched)
  })

  it('says busy at capacity and unavailable when it cannot get the frames', async () => {
    const { files, job, committed } = await setup()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow: FrameFetcher = {
      fetch: async (id, signal) => {
        await gate
        return files.fetcher().fetch(id, signal)
      }
    }
    const s = service(files, { maxConcurrent: 1 }, slow)
    const running = s.handle(requestBytes(job, committed), creatorPeer)
    const other = await workerRenders(renderer, files, job.announcement, 1, join(root, 'other'))
    // The same creator is held to one request at a time; another creator finds every check slot taken.
    expect(decodeReply(await s.handle(requestBytes(job, other), creatorPeer))).toMatchObject({ code: CHECK_CODES.busy, reason: expect.stringMatching(/in flight/) })
    const otherCreator = new Uint8Array(32).fill(45)
    const otherJob = await jobFor(files, { seed: 12, creator: otherCreator })
    expect(decodeReply(await s.handle(requestBytes(otherJob, madeUpCommitment(otherJob.announcement, 0), { seed: otherCreator }), peerOf(otherCreator)))).toMatchObject({ code: CHECK_CODES.busy, reason: expect.stringMatching(/checks running/) })
    release()
    expect(decodeReply(await running).code).toBe(CHECK_CODES.ok)
    const empty = service(new Files())
    expect(decodeReply(await empty.handle(requestBytes(job, other), creatorPeer))).toMatchObject({ code: CHECK_CODES.unavailable, reason: expect.stringMatching(/cannot fetch/) })
  })

  it('aborts checks in flight on stop', async () => {
    const { files, job, committed } = await setup()
    const hang: FrameFetcher = { fetch: (_id, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))) }
    const s = service(files, {}, hang)
    const running = s.handle(requestBytes(job, committed), creatorPeer)
    s.stop()
    expect(decodeReply(await running)).toMatchObject({ code: CHECK_CODES.unavailable, reason: expect.stringMatching(/stopping/) })
  })
})

describe('truncateUtf8', () => {
  it('keeps reasons within the wire limit on a character boundary', () => {
    expect(truncateUtf8('short', 256)).toBe('short')
    const long = 'é'.repeat(200)
    const cut = truncateUtf8(long, 256)
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(256)
    expect(cut.endsWith('...')).toBe(true)
    expect(cut).not.toContain('\uFFFD')
  })
})
