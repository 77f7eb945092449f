// Which requests a checker works for (SPEC R103f-i): on a ledger only the
// checks the ledger assigned it, without one only for trusted creators, for no more work than the check pays, one
// request per peer at a time at a bounded rate; and a check nobody waits
// for any more is stopped. Real protocol messages, a fake ledger, a
// renderer and fetcher that count what they are asked to do.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { suiAddressOf } from '../../../../../node/identity/keys.ts'
import { LedgerError, LedgerUnavailableError } from '../../../../../node/ledger/errors.ts'
import type { ChainJob, ChainTask } from '../../../../../node/ledger/types.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { createBuiltinRenderer } from '../../../../../node/renderers/builtin/index.ts'
import type { Renderer } from '../../../../../node/renderers/types.ts'
import type { AssignmentLedger } from '../../../../../node/roles/checker/assignment.ts'
import type { FrameFetcher } from '../../../../../node/roles/checker/check-task.ts'
import { type CheckerOptions, CheckerService } from '../../../../../node/roles/checker/checker-service.ts'
import { CHECK_CODES, CheckReply, encode, type JobAnnouncement, openEnvelope, type ResultCommitment, ReplayGuard, selectCheckers, toHex } from '../../../../../protocol/index.ts'
import { beaconOf, checkerSeed, creatorSeed, ed, Files, jobFor, madeUpCommitment, requestBytes, workerRenders, workerSeed } from './fixtures.ts'

const peerOf = (seed: Uint8Array): PeerId => peerIdFromPublicKey(publicKeyFromRaw(ed.publicKey(seed)))
const addressOf = (seed: Uint8Array) => suiAddressOf(ed.publicKey(seed))
const keyOf = (seed: Uint8Array) => toHex(ed.publicKey(seed))
const creatorPeer = peerOf(creatorSeed)
const attackerSeed = new Uint8Array(32).fill(66)

let renderer: Renderer
let root: string
beforeAll(async () => {
  renderer = createBuiltinRenderer({ threads: 2 })
  root = await mkdtemp(join(tmpdir(), 'pictor-checker-admission-'))
})
afterAll(async () => {
  await renderer.close()
  await rm(root, { recursive: true, force: true })
})

/** The ledger reads a checker makes, over maps a test fills. */
class FakeLedger implements AssignmentLedger {
  readonly address: string
  readonly jobs = new Map<string, ChainJob>()
  readonly tasks = new Map<string, ChainTask>()
  down = false

  constructor(seed: Uint8Array = checkerSeed) {
    this.address = addressOf(seed)
  }

  async job(jobId: string): Promise<ChainJob | undefined> {
    if (this.down) throw new LedgerUnavailableError('connection refused')
    return this.jobs.get(jobId)
  }

  async task(jobId: string, taskIndex: number): Promise<ChainTask> {
    if (this.down) throw new LedgerUnavailableError('connection refused')
    const task = this.tasks.get(`${jobId}/${taskIndex}`)
    if (task === undefined) throw new LedgerError('EUnknownJob', `no job ${jobId}`)
    return task
  }

  /** The job as a creator put it on chain, and a task committed there with the ledger's draw. */
  put(a: JobAnnouncement, c: ResultCommitment, over: { creator?: Uint8Array; worker?: Uint8Array; checker?: string; beacon?: Uint8Array; root?: string; state?: 'committed' | 'verified' | 'assigned'; checkerFee?: bigint } = {}): void {
    const jobId = toHex(a.jobId)
    this.jobs.set(jobId, {
      jobId,
      creator: addressOf(over.creator ?? creatorSeed),
      registry: '0x01',
      taskCount: Math.ceil((a.frameEnd - a.frameStart + 1) / a.framesPerTask),
      frameCount: a.frameEnd - a.frameStart + 1,
      maxFrameCost: 10n,
      checkerFee: over.checkerFee ?? 100n,
      escrow: 10_000n,
      reserved: 0n,
      status: 'open',
      verifiedTasks: 0,
      pendingTasks: 1,
      appealFees: 0n
    })
    const terms = { attempts: 1, worker: addressOf(over.worker ?? workerSeed), frames: c.frames.length, frameCost: 10n, deadline: 0 }
    const state = over.state ?? 'committed'
    const task: ChainTask =
      state === 'assigned'
        ? { state, ...terms }
        : { state, ...terms, merkleRoot: over.root ?? toHex(c.merkleRoot), checker: over.checker ?? this.address, beacon: toHex(over.beacon ?? beaconOf(0)), redraws: 0 }
    this.tasks.set(`${jobId}/${c.taskIndex}`, task)
  }
}

/** The built-in renderer, counting crops and recording whether one saw its signal abort. */
class SpyRenderer implements Renderer {
  crops = 0
  sawAbort = false
  hang = false

  capabilities = () => renderer.capabilities()
  benchmark = (signal?: AbortSignal) => renderer.benchmark(signal)
  renderFrames: Renderer['renderFrames'] = (request) => renderer.renderFrames(request)
  close = async () => {}

  renderCrop: Renderer['renderCrop'] = async (request) => {
    this.crops++
    if (!this.hang) return renderer.renderCrop(request)
    return new Promise((_resolve, reject) => {
      request.signal?.addEventListener('abort', () => {
        this.sawAbort = true
        reject(request.signal!.reason)
      })
    })
  }
}

interface Setup {
  ledger?: FakeLedger
  spy?: SpyRenderer
  fetcher?: FrameFetcher
  now?: () => number
  knownCheckers?: string[]
}

function service(files: Files, setup: Setup = {}, options: Partial<CheckerOptions> = {}): CheckerService {
  const s = new CheckerService(
    {
      identity: { seed: checkerSeed, publicKey: ed.publicKey(checkerSeed) },
      ed,
      replay: new ReplayGuard(),
      fetcher: () => setup.fetcher ?? files.fetcher(),
      peerIdOf: (key) => peerIdFromPublicKey(publicKeyFromRaw(key)),
      rendererFor: (name) => (name === 'builtin' ? (setup.spy ?? renderer) : undefined),
      workDir: root,
      now: setup.now ?? Date.now,
      logger: silentLogger,
      ledger: setup.ledger,
      knownCheckers: async () => setup.knownCheckers ?? []
    },
    { price: 1000, trustedCreators: [creatorPeer.toString()], ...options }
  )
  s.start()
  return s
}

async function honest() {
  const files = new Files()
  const job = await jobFor(files, { seed: 21 })
  const committed = await workerRenders(renderer, files, job.announcement, 0, join(root, `w-${Math.random()}`))
  return { files, job, committed }
}

const answer = async (s: CheckerService, bytes: Uint8Array, peer = creatorPeer, signal?: AbortSignal) => CheckReply.decode(await s.handle(bytes, peer, signal))

describe('on a ledger, a checker works only for checks the ledger assigned it', () => {
  it('refuses an attacker that signs as creator and worker with a beacon of its own, fetching and rendering nothing', async () => {
    const files = new Files()
    const job = await jobFor(files, { seed: 22, creator: attackerSeed })
    const committed = madeUpCommitment(job.announcement, 0, attackerSeed)
    const spy = new SpyRenderer()
    const ledger = new FakeLedger()
    const s = service(files, { ledger, spy })
    const bytes = () => requestBytes(job, committed, { beacon: beaconOf(99), seed: attackerSeed })
    // Not on the ledger at all.
    expect(await answer(s, bytes(), peerOf(attackerSeed))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/^NOT_ON_LEDGER: job [0-9a-f]{12} is not on the ledger/) })
    // On the ledger (it paid for a job and committed), but the beacon is its own.
    ledger.put(job.announcement, committed.commitment, { creator: attackerSeed, worker: attackerSeed })
    expect(await answer(s, bytes(), peerOf(attackerSeed))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/^NOT_DRAWN: the beacon is not the one the ledger drew/) })
    expect(files.fetched).toBe(0)
    expect(spy.crops).toBe(0)
  })

  it('refuses a wrong creator, worker, root, state or beacon, and a check drawn for another checker', async () => {
    const { files, job, committed } = await honest()
    const ledger = new FakeLedger()
    const s = service(files, { ledger })
    const c = committed.commitment
    const refused = async (over: Parameters<FakeLedger['put']>[2], pattern: RegExp, opts: Parameters<typeof requestBytes>[2] = {}) => {
      ledger.put(job.announcement, c, over)
      expect(await answer(s, requestBytes(job, committed, opts))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(pattern) })
    }
    await refused({ creator: attackerSeed }, /^NOT_ON_LEDGER: the job's creator on the ledger is 0x[0-9a-f]{64}, not the request's signer/)
    await refused({ worker: attackerSeed }, /^NOT_ON_LEDGER: task 0's worker on the ledger is not the commitment's signer/)
    await refused({ root: 'ab'.repeat(32) }, /^NOT_ON_LEDGER: the ledger holds another commitment for task 0/)
    await refused({ beacon: beaconOf(5) }, /^NOT_DRAWN: the beacon is not the one the ledger drew/)
    await refused({ checker: addressOf(attackerSeed) }, /^NOT_DRAWN: the ledger drew checker 0x[0-9a-f]{64} for task 0, not this one/)
    await refused({}, /^NOT_DRAWN: the ledger drew this checker for task 0: its redundancy index is 0, not 1/, { redundancyIndex: 1 })
    expect(files.fetched).toBe(0)
  })

  it('waits a moment for a commitment its ledger has not shown yet, then refuses a task still assigned', async () => {
    const { files, job, committed } = await honest()
    const ledger = new FakeLedger()
    ledger.put(job.announcement, committed.commitment, { state: 'assigned' })
    const s = service(files, { ledger }, { ledgerCatchUpMs: 1000 })
    const reply = await answer(s, requestBytes(job, committed))
    expect(reply).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/^NOT_ON_LEDGER: task 0 is assigned on the ledger, not committed/) })
    expect(files.fetched).toBe(0)
    // The commitment shows up while the checker re-reads: the check goes ahead.
    const pending = answer(s, requestBytes(job, committed))
    setTimeout(() => ledger.put(job.announcement, committed.commitment), 100)
    expect((await pending).code).toBe(CHECK_CODES.ok)
  })

  it('checks an honest request it was drawn for, and answers unavailable when the ledger cannot be read', async () => {
    const { files, job, committed } = await honest()
    const ledger = new FakeLedger()
    ledger.put(job.announcement, committed.commitment)
    const spy = new SpyRenderer()
    const s = service(files, { ledger, spy })
    const reply = await answer(s, requestBytes(job, committed, { level: 'full' }))
    expect(reply.code).toBe(CHECK_CODES.ok)
    expect(openEnvelope(ed, encode('Envelope', reply.verdict!), 'Verdict').payload.accepted).toBe(true)
    expect(spy.crops).toBeGreaterThan(0)
    // A late check of a task the ledger already verified, with the ledger's beacon, is still its own.
    ledger.put(job.announcement, committed.commitment, { state: 'verified' })
    expect((await answer(s, requestBytes(job, committed, { level: 'standard' }))).code).toBe(CHECK_CODES.ok)
    ledger.down = true
    expect(await answer(s, requestBytes(job, committed, { level: 'full' }))).toMatchObject({ code: CHECK_CODES.unavailable, reason: expect.stringMatching(/cannot read the ledger/) })
  })

  it('at redundancy index 1, works only when no checker it knows ranks before it (R102 with the ledger beacon)', async () => {
    const { files, job, committed } = await honest()
    const c = committed.commitment
    const ledger = new FakeLedger()
    // The ledger drew some other checker for index 0.
    const drawnSeed = new Uint8Array(32).fill(70)
    ledger.put(job.announcement, c, { checker: addressOf(drawnSeed) })
    const self = keyOf(checkerSeed)
    const rankedWith = (other: Uint8Array) => selectCheckers({ beacon: beaconOf(0), ...c, checkers: [self, keyOf(other)], exclude: [keyOf(workerSeed), keyOf(creatorSeed)], redundancy: 2 })
    const candidates = Array.from({ length: 40 }, (_, i) => new Uint8Array(32).fill(100 + i))
    const before = candidates.find((seed) => rankedWith(seed)[0] !== self)!
    const after = candidates.find((seed) => rankedWith(seed)[0] === self)!
    const ask = async (known: Uint8Array[], redundancyIndex: number) => answer(service(files, { ledger, knownCheckers: known.map(keyOf) }), requestBytes(job, committed, { redundancyIndex }))
    expect(await ask([before], 1)).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/^NOT_DRAWN: not selected for redundancy index 1: 1 of the checkers known here rank before it/) })
    expect((await ask([after], 1)).code).toBe(CHECK_CODES.ok)
    // The creator may know more checkers than this one does: index 2 with one known before it is plausible.
    expect((await ask([before], 2)).code).toBe(CHECK_CODES.ok)
    // The checker that ranks before it is the ledger's drawn one: it holds index 0, not a place in the R102 order.
    ledger.put(job.announcement, c, { checker: addressOf(before) })
    expect((await ask([before], 1)).code).toBe(CHECK_CODES.ok)
  })

  it("re-checks a task the ledger settled with the creator's beacon once (a dispute), never with a second beacon", async () => {
    const { files, job, committed } = await honest()
    const ledger = new FakeLedger()
    ledger.put(job.announcement, committed.commitment, { state: 'verified', checker: addressOf(attackerSeed) })
    const s = service(files, { ledger })
    expect((await answer(s, requestBytes(job, committed, { beacon: beaconOf(7), level: 'full' }))).code).toBe(CHECK_CODES.ok)
    // A retry re-signed with the same beacon gets the same verdict.
    expect((await answer(s, requestBytes(job, committed, { beacon: beaconOf(7), level: 'full' }))).code).toBe(CHECK_CODES.ok)
    expect(await answer(s, requestBytes(job, committed, { beacon: beaconOf(8), level: 'full' }))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/^ALREADY_RECHECKED/) })
  })
})

describe('a check asks for no more work than it pays for', () => {
  // The attack: one 1/16 tile of an 8K frame at 65,536 samples is 512 reference frames of rendering.
  async function eightK(files: Files) {
    const job = await jobFor(files, { seed: 23, width: 7680, height: 4320, samples: 65_536, frames: 1, framesPerTask: 1 })
    return { job, committed: madeUpCommitment(job.announcement, 0) }
  }

  it('without a ledger, refuses a creator it was not told to trust before fetching anything, and works for a trusted one uncapped', async () => {
    const files = new Files()
    const { job, committed } = await eightK(files)
    const spy = new SpyRenderer()
    const untrusted = await answer(service(files, { spy }, { trustedCreators: [peerOf(attackerSeed).toString()] }), requestBytes(job, committed, { level: 'full' }))
    expect(untrusted).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/^NOT_TRUSTED: this checker has no ledger and checks only for the creators it was told to trust/) })
    expect(files.fetched).toBe(0)
    expect(spy.crops).toBe(0)
    // The creator's own checker: no fee to cap the work, so it goes on to fetch the (made-up) frame, which nobody serves.
    const trusted = await answer(service(files, { spy }), requestBytes(job, committed, { level: 'full' }))
    expect(trusted).toMatchObject({ code: CHECK_CODES.unavailable, reason: expect.stringMatching(/cannot fetch/) })
    expect(files.fetched).toBeGreaterThan(0)
  })

  it("on a ledger, refuses work over what the job's checker fee pays at this checker's price, and takes it when the fee pays", async () => {
    const files = new Files()
    const { job, committed } = await eightK(files)
    const ledger = new FakeLedger()
    const s = service(files, { ledger }, { price: 1000 })
    ledger.put(job.announcement, committed.commitment, { checkerFee: 1_000_000n })
    expect(await answer(s, requestBytes(job, committed, { level: 'full' }))).toMatchObject({ code: CHECK_CODES.invalid, reason: expect.stringMatching(/^WORK_CAP: .* more than the 1000\.00 it pays for/) })
    expect(files.fetched).toBe(0)
    // 10,000 reference frames at 1,000 µPIC: its 16 tiles (8,192) and the integrity pass fit; a full-frame escalation would not, and is left out.
    ledger.put(job.announcement, committed.commitment, { checkerFee: 10_000_000n })
    const paid = await answer(s, requestBytes(job, committed, { level: 'full' }))
    // Admitted: it went on to fetch the (made-up) frame, which nobody serves.
    expect(paid).toMatchObject({ code: CHECK_CODES.unavailable, reason: expect.stringMatching(/cannot fetch/) })
    expect(files.fetched).toBeGreaterThan(0)
  })
})

describe('a check nobody waits for stops', () => {
  it('aborts the render when the requester goes away', async () => {
    const { files, job, committed } = await honest()
    const spy = new SpyRenderer()
    spy.hang = true
    const s = service(files, { spy })
    const gone = new AbortController()
    const running = answer(s, requestBytes(job, committed, { level: 'full' }), creatorPeer, gone.signal)
    await until(() => spy.crops > 0)
    gone.abort()
    expect(await running).toMatchObject({ code: CHECK_CODES.unavailable, reason: expect.stringMatching(/went away/) })
    await until(() => spy.sawAbort)
    // The slot is free again: the next request is not busy.
    spy.hang = false
    expect((await answer(s, requestBytes(job, committed, { level: 'full' }))).code).toBe(CHECK_CODES.ok)
  })

  it('keeps working while another request waits on the same verdict', async () => {
    const { files, job, committed } = await honest()
    const spy = new SpyRenderer()
    spy.hang = true
    const s = service(files, { spy }, { maxInFlightPerPeer: 2 })
    const first = new AbortController()
    const a = answer(s, requestBytes(job, committed, { level: 'full', timestampMs: Date.now() - 1 }), creatorPeer, first.signal)
    await until(() => spy.crops > 0)
    const second = new AbortController()
    const b = answer(s, requestBytes(job, committed, { level: 'full' }), creatorPeer, second.signal)
    // Its admission is synchronous work and microtasks: by the next turn it waits on the shared verdict.
    await new Promise((resolve) => setImmediate(resolve))
    first.abort()
    expect((await a).code).toBe(CHECK_CODES.unavailable)
    expect(spy.sawAbort).toBe(false)
    second.abort()
    expect((await b).code).toBe(CHECK_CODES.unavailable)
    await until(() => spy.sawAbort)
  })
})

describe('per-peer limits', () => {
  it('answers busy to a second request of a peer while its first is in flight, not to another peer', async () => {
    const { files, job, committed } = await honest()
    const spy = new SpyRenderer()
    spy.hang = true
    const s = service(files, { spy }, { maxConcurrent: 4 })
    const gone = new AbortController()
    const running = answer(s, requestBytes(job, committed, { level: 'full' }), creatorPeer, gone.signal)
    await until(() => spy.crops > 0)
    expect(await answer(s, requestBytes(job, committed))).toMatchObject({ code: CHECK_CODES.busy, reason: expect.stringMatching(/in flight/) })
    // Another creator's request gets past the per-peer limit (and is judged on its own merits).
    const otherCreator = new Uint8Array(32).fill(44)
    const otherJob = await jobFor(files, { seed: 24, creator: otherCreator })
    const reply = await answer(s, requestBytes(otherJob, madeUpCommitment(otherJob.announcement, 0), { seed: otherCreator }), peerOf(otherCreator))
    expect(reply.code).not.toBe(CHECK_CODES.busy)
    gone.abort()
    await running
  })

  it('answers busy past the per-peer rate, and takes requests again as tokens come back', async () => {
    const { files, job, committed } = await honest()
    let now = Date.now()
    const s = service(files, { now: () => now }, { peerBurst: 2, peerRefillPerSecond: 1 })
    // Cheap requests (refused before any work) still spend tokens: the limit bounds signature checks and ledger reads too.
    const stale = () => requestBytes(job, committed, { timestampMs: now - 600_000 })
    expect((await answer(s, stale())).code).toBe(CHECK_CODES.invalid)
    expect((await answer(s, stale())).code).toBe(CHECK_CODES.invalid)
    expect(await answer(s, stale())).toMatchObject({ code: CHECK_CODES.busy, reason: expect.stringMatching(/too many requests/) })
    now += 1000
    expect((await answer(s, requestBytes(job, committed, { timestampMs: now }))).code).toBe(CHECK_CODES.ok)
    expect((await answer(s, stale())).code).toBe(CHECK_CODES.busy)
  })
})

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}
