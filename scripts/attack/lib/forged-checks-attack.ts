// The forged-checks scenario, on testnets of real processes (creator,
// worker, checker), one with a ledger (devchain) and one without (the
// default setting; its checker trusts the testnet's creator, and checks
// that creator's job). Forged check requests, on both: the attacker signs a job
// of its own as creator, a commitment as worker (a second key of its own),
// picks the beacon, asks the checker to re-render every tile of both frames,
// and hangs up soon after; it serves the scene and frames itself, so it sees
// whether the checker fetched anything. Forged verdicts, on the ledger
// testnet, while an honest job runs: rejections of every task published on
// the verdicts topic and submitted to the ledger by a key the ledger never
// drew, and a checker of the attacker's own that answers every request with
// a rejection. Bar: no work done (no verdict for a forged request, nothing
// fetched, no render's worth of CPU) and no verdict counted (the honest job
// completes, every task paid, none of the forged verdicts on the ledger).
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import sharp from 'sharp'
import { ApiClient } from '../../../node/api/client.ts'
import { BlobServer, type BlobStat, type BlobStore } from '../../../node/blobs/index.ts'
import { prepareJob, submitJob, waitForJob } from '../../../node/cli/job-client.ts'
import { suiAddressOf } from '../../../node/identity/keys.ts'
import { decodePng, pixelHash } from '../../../node/images/index.ts'
import { LedgerError } from '../../../node/ledger/errors.ts'
import type { Ledger } from '../../../node/ledger/types.ts'
import type { JobView } from '../../../node/roles/creator/index.ts'
import { CHECK_CODES, CHECK_PROTOCOL, CheckReply, decode, Envelope, type FrameResult, fromHex, merkleRoot, sampleOfSize, sha256, signEnvelope, toHex, TOPICS } from '../../../protocol/index.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { SCENARIO_JOB, SCENARIO_SCENE } from '../../../testnet/scenario.ts'
import { announcement, ed, verdict } from './forge.ts'
import { addrOf, keyFromSeed, pictorHost, sleep } from './hosts.ts'
import { processStats } from './proc.ts'
import { framed, probeStream, splitFrame, type StreamWriter } from './stream-probe.ts'

export const FORGED_CHECKS_BAR = 'forged check requests: no verdict, no blob fetched, checker CPU over its idle rate < 2 s; forged verdicts: none counted (the honest job completes, every task paid once, no forged verdict on the ledger, the attacker is never asked)'
/** CPU a checker may spend beyond its idle rate on the forged requests: signature checks cost milliseconds, one rendered request ~10 s. */
export const MAX_EXTRA_CHECKER_CPU_S = 2

export interface ForgedChecksOptions {
  /** Forged check requests sent (in pairs, at once). */
  forgedRequests: number
  /** Size and samples of the forged job: the render each request would cost if the checker did it. */
  width: number
  height: number
  samples: number
  /** How long the attacker waits for each reply before it hangs up (work should stop with it). */
  replyWaitMs: number
  /** After the last request: how long the checker's CPU is watched (work that goes on after the attacker left). */
  settleMs: number
  /** Frames of the honest job (2 per task) run under forged verdicts on the ledger testnet; 0 skips that part. */
  honestFrames: number
  /** Which testnets to attack: with a ledger (forged requests and verdicts), without one (forged requests). */
  ledger: boolean
  noLedger: boolean
  log(line: string): void
}

/** An in-memory blob store that counts what it was asked for: the attacker's side of the checker's fetches. */
class CountingStore implements BlobStore {
  readonly blobs = new Map<string, Uint8Array>()
  served = 0
  stats = 0

  add(bytes: Uint8Array): string {
    const id = toHex(sha256(bytes))
    this.blobs.set(id, bytes)
    return id
  }

  async has(id: string) {
    return this.blobs.has(id)
  }

  async stat(id: string): Promise<BlobStat | undefined> {
    this.stats++
    const bytes = this.blobs.get(id)
    return bytes === undefined ? undefined : { id, size: bytes.byteLength }
  }

  async *get(id: string) {
    this.served++
    const bytes = this.blobs.get(id)
    if (bytes !== undefined) yield bytes
  }

  async put(): Promise<BlobStat> {
    throw new Error('read-only')
  }

  async putFile(): Promise<BlobStat> {
    throw new Error('read-only')
  }

  async getFile(): Promise<void> {
    throw new Error('read-only')
  }
}

interface ForgedJob {
  announcement: Uint8Array
  commitment: Envelope
  jobId: Uint8Array
  merkleRoot: Uint8Array
}

/** A job and a commitment for it, both the attacker's, with noise frames it serves itself. */
async function forgeJob(creatorSeed: Uint8Array, workerSeed: Uint8Array, store: CountingStore, addrs: string[], o: ForgedChecksOptions): Promise<ForgedJob> {
  const scene = await readFile(SCENARIO_SCENE)
  const sceneBlob = store.add(scene)
  const job = announcement(creatorSeed, { renderer: 'builtin', sceneBlob, sceneSize: scene.byteLength, frameStart: 1, frameEnd: 2, framesPerTask: 2, width: o.width, height: o.height, samples: o.samples, seed: 1, maxPrice: 1, timeoutStopS: 3600 }, Date.now(), addrs)
  const frames: FrameResult[] = []
  for (const frame of [1, 2]) {
    const png = await sharp(randomBytes(o.width * o.height * 3), { raw: { width: o.width, height: o.height, channels: 3 } }).png().toBuffer()
    const id = store.add(png)
    frames.push({ frame, blobId: fromHex(id) as Uint8Array<ArrayBuffer>, pixelHash: pixelHash(await decodePng(png, o)) as Uint8Array<ArrayBuffer>, size: png.byteLength })
  }
  const root = merkleRoot(frames)
  const commitment = signEnvelope(ed, workerSeed, 'ResultCommitment', { jobId: job.payload.jobId, taskIndex: 0, leaseId: Uint8Array.from(randomBytes(16)), merkleRoot: Uint8Array.from(root), frames, timestampMs: Date.now() })
  return { announcement: job.envelope, commitment: decode('Envelope', commitment), jobId: job.payload.jobId, merkleRoot: root }
}

/** A check request for the forged job: every tile of both frames, with a beacon of the attacker's choosing. */
function forgedRequest(seed: Uint8Array, job: ForgedJob, o: ForgedChecksOptions, redundancyIndex: number): Uint8Array {
  const beacon = Uint8Array.from(randomBytes(32))
  const sample = sampleOfSize({ beacon, jobId: job.jobId, taskIndex: 0, merkleRoot: job.merkleRoot, frames: [1, 2], width: o.width, height: o.height, redundancyIndex }, 2, 16)
  return signEnvelope(ed, seed, 'CheckRequest', { jobAnnouncement: Uint8Array.from(job.announcement), commitment: job.commitment, beacon, frames: sample.frames, tiles: sample.tiles, redundancyIndex, timestampMs: Date.now() })
}

const CODE_NAMES = new Map<number, string>(Object.entries(CHECK_CODES).map(([name, code]) => [code, name]))

export async function forgedChecksAttack(o: ForgedChecksOptions) {
  const failures: string[] = []
  let onLedger: { requests: Awaited<ReturnType<typeof forgedRequests>>; verdicts?: Awaited<ReturnType<typeof forgedVerdicts>> } | undefined
  if (o.ledger) {
    o.log('testnet with a ledger')
    onLedger = await withTestnet(true, async (testnet) => {
      const requests = await forgedRequests(testnet, o, failures, 'with a ledger')
      const verdicts = o.honestFrames > 0 ? await forgedVerdicts(testnet, o, failures) : undefined
      return { requests, verdicts }
    })
  }
  let noLedger: { requests: Awaited<ReturnType<typeof forgedRequests>>; trustedJob?: Awaited<ReturnType<typeof trustedJob>> } | undefined
  // No ledger is the default setting: the checker has no chain draw to go by there, and works only for the creators it trusts (the testnet's).
  if (o.noLedger) {
    o.log('testnet without a ledger')
    noLedger = await withTestnet(false, async (testnet) => {
      const requests = await forgedRequests(testnet, o, failures, 'without a ledger')
      return { requests, trustedJob: o.honestFrames > 0 ? await trustedJob(testnet, o, failures) : undefined }
    })
  }
  return { failures, forgedRequests: { ledger: onLedger?.requests, noLedger: noLedger?.requests }, forgedVerdicts: onLedger?.verdicts, trustedJobWithoutLedger: noLedger?.trustedJob }
}

async function withTestnet<T>(ledger: boolean, run: (testnet: Testnet) => Promise<T>): Promise<T> {
  const testnet = new Testnet({ ledger, workers: 1, checkers: 1, blobs: 'p2p', logLevel: 'warn', extraArgs: { worker: ['--threads', '1'], checker: ['--threads', '1'] } })
  try {
    await testnet.start()
    await testnet.waitReady()
    const result = await run(testnet)
    const dead = testnet.nodes.filter((n) => n.process?.exitCode !== null).map((n) => n.name)
    if (dead.length > 0) throw new Error(`${dead.join(', ')} exited during the attack`)
    return result
  } finally {
    await testnet.stop()
  }
}

/** Forged check requests to the testnet's checker, two at a time; the attacker hangs up after `replyWaitMs`. */
async function forgedRequests(testnet: Testnet, o: ForgedChecksOptions, failures: string[], label: string) {
  const checker = testnet.node('checker-1')
  const checkerPid = checker.process!.pid!
  const creatorSeed = randomBytes(32)
  const attacker = await pictorHost(await keyFromSeed(creatorSeed))
  const store = new CountingStore()
  const blobServer = new BlobServer({ libp2p: attacker, store })
  try {
    await blobServer.start()
    const job = await forgeJob(creatorSeed, randomBytes(32), store, attacker.getMultiaddrs().map(String), o)
    await attacker.dial(addrOf(checker.addr), { signal: AbortSignal.timeout(10_000) })
    const idleStart = await processStats(checkerPid)
    await sleep(5_000)
    const idleEnd = await processStats(checkerPid)
    const idleRate = idleStart && idleEnd ? (idleEnd.cpuS - idleStart.cpuS) / 5 : 0
    o.log(`checker idles at ${Math.round(idleRate * 1000) / 10}% CPU; ${o.forgedRequests} forged check requests (${o.width}x${o.height}, ${o.samples} samples, every tile of 2 frames)`)
    const start = performance.now()
    const replies: Record<string, number> = {}
    for (let sent = 0; sent < o.forgedRequests; sent += 2) {
      const pair = [0, 1].slice(0, o.forgedRequests - sent).map(async (index) => {
        const outcome = await probeStream(attacker, addrOf(checker.addr), CHECK_PROTOCOL, sendAndWait(forgedRequest(creatorSeed, job, o, index)), { waitMs: o.replyWaitMs })
        const frame = outcome.kind === 'answered' ? splitFrame(outcome.bytes)?.frame : undefined
        let code = outcome.kind === 'held' ? 'no answer before the attacker hung up' : outcome.kind
        if (frame !== undefined) {
          const reply = CheckReply.decode(frame)
          code = CODE_NAMES.get(reply.code) ?? `code ${reply.code}`
          if (reply.code !== CHECK_CODES.ok) o.log(`forged request ${sent + index}: ${code}: ${reply.reason}`)
        }
        replies[code] = (replies[code] ?? 0) + 1
      })
      await Promise.all(pair)
    }
    // The attacker is gone; work it started may go on.
    await attacker.hangUp(peerIdFromString(checker.peerId)).catch(() => {})
    await sleep(o.settleMs)
    const windowS = (performance.now() - start) / 1000
    const end = await processStats(checkerPid)
    const extraCpuS = end && idleEnd ? Math.max(0, end.cpuS - idleEnd.cpuS - idleRate * windowS) : Number.NaN
    if ((replies.ok ?? 0) > 0) failures.push(`${label}: the checker gave ${replies.ok} verdict(s) on forged requests`)
    if (store.served > 0 || store.stats > 0) failures.push(`${label}: the checker fetched ${store.served} blob(s) (${store.stats} lookups) of the forged job from the attacker`)
    if (!(extraCpuS < MAX_EXTRA_CHECKER_CPU_S)) failures.push(`${label}: the checker spent ${round(extraCpuS)} s of CPU beyond its idle rate on forged requests (bar < ${MAX_EXTRA_CHECKER_CPU_S} s)`)
    return { sent: o.forgedRequests, replies, blobsFetchedFromAttacker: store.served, blobLookups: store.stats, checkerExtraCpuS: round(extraCpuS), windowS: round(windowS) }
  } finally {
    await blobServer.stop().catch(() => {})
    await attacker.stop()
  }
}

/** Without a ledger: the checker still checks the job of the creator it was told to trust (--check-for). */
async function trustedJob(testnet: Testnet, o: ForgedChecksOptions, failures: string[]) {
  const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
  // A creator checks with the checkers it is connected to; the job is short, so meet the checker first.
  const checkerPeer = testnet.node('checker-1').peerId
  for (let tries = 0; tries < 100; tries++) {
    if ((await client.request<{ peerId: string }[]>('GET', '/api/peers')).some((p) => p.peerId === checkerPeer)) break
    await sleep(100)
  }
  const spec = await prepareJob(SCENARIO_SCENE, { ...SCENARIO_JOB, frameEnd: o.honestFrames, framesPerTask: 2 })
  o.log(`the trusted creator's job of ${o.honestFrames} frames`)
  const view = await waitForJob(client, (await submitJob(client, SCENARIO_SCENE, spec)).id, () => {})
  const checkerKey = toHex(peerIdFromString(testnet.node('checker-1').peerId).publicKey!.raw)
  const checked = view.frames.filter((f) => f.checkedBy?.includes(checkerKey)).length
  if (view.status !== 'completed') failures.push(`without a ledger: the trusted creator's job ended ${view.status}`)
  if (checked === 0) failures.push("without a ledger: the checker checked none of the trusted creator's frames")
  return { job: view.status, frames: view.frames.length, checkedByTheChecker: checked }
}

/** Writes one framed request and keeps the stream open for the reply, as a creator does. */
function sendAndWait(request: Uint8Array): StreamWriter {
  return async (stream) => {
    stream.send(framed(request))
  }
}

const round = (x: number) => Math.round(x * 100) / 100

/** An honest job under forged verdicts: on gossip, on the ledger, and from a checker of the attacker's own. */
async function forgedVerdicts(testnet: Testnet, o: ForgedChecksOptions, failures: string[]) {
  const seed = randomBytes(32)
  const sybil = await pictorHost(await keyFromSeed(seed))
  let asked = 0
  try {
    const attackerLedger: Ledger = await testnet.ledger(seed)
    const faucet = await testnet.ledger()
    const address = suiAddressOf(ed.publicKey(seed))
    await faucet.faucet(address, 10_000_000n)
    // A checker of the attacker's own: serves the check protocol and rejects whatever it is asked.
    await sybil.handle(CHECK_PROTOCOL, async (stream: Stream) => {
      asked++
      const lp = lpStream(stream)
      try {
        const request = decode('Envelope', (await lp.read()).subarray())
        const req = decode('CheckRequest', request.payload)
        const c = decode('ResultCommitment', req.commitment!.payload)
        const v = verdict(seed, { jobId: c.jobId, taskIndex: c.taskIndex, worker: req.commitment!.publicKey, merkleRoot: c.merkleRoot, accepted: false, nowMs: Date.now() })
        await lp.write(CheckReply.encode({ code: CHECK_CODES.ok, reason: '', verdict: Envelope.decode(v) }))
        await stream.close()
      } catch (err) {
        stream.abort(err as Error)
      }
    })
    for (const n of testnet.nodes) await sybil.dial(addrOf(n.addr), { signal: AbortSignal.timeout(10_000) })
    const worker = testnet.node('worker-1')
    const workerKey = peerIdFromString(worker.peerId).publicKey!.raw
    const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
    const spec = await prepareJob(SCENARIO_SCENE, { ...SCENARIO_JOB, frameEnd: o.honestFrames, framesPerTask: 2 })
    o.log(`honest job of ${o.honestFrames} frames under forged verdicts`)
    const submitted = await submitJob(client, SCENARIO_SCENE, spec)
    const jobId = submitted.id
    const attacked = new Set<number>()
    const refusals: Record<string, number> = {}
    let submittedOk = 0
    let gossiped = 0
    let done: JobView | undefined
    const finished = waitForJob(client, jobId, () => {}).then((view) => {
      done = view
    })
    const tasks = Math.ceil(o.honestFrames / 2)
    /** Forges a rejection of every task the ledger holds a result for and that was not attacked yet. */
    const attackCommitted = async () => {
      for (let i = 0; i < tasks; i++) {
        if (attacked.has(i)) continue
        const task = await attackerLedger.task(jobId, i).catch(() => undefined)
        if (task?.state !== 'committed' && task?.state !== 'verified') continue
        attacked.add(i)
        // A rejection of the task, on the ledger and on gossip, from a key nobody drew.
        try {
          await attackerLedger.submitVerdict({ jobId, taskIndex: i, accepted: false })
          submittedOk++
        } catch (err) {
          const code = err instanceof LedgerError ? err.code : (err as Error).name
          refusals[code] = (refusals[code] ?? 0) + 1
        }
        const v = verdict(seed, { jobId: fromHex(jobId), taskIndex: i, worker: workerKey, merkleRoot: fromHex(task.merkleRoot), accepted: false, nowMs: Date.now() })
        if ((await sybil.services.pubsub.publish(TOPICS.verdicts, v).catch(() => undefined))?.recipients.length) gossiped++
      }
    }
    while (done === undefined) {
      await attackCommitted()
      await Promise.race([finished, sleep(200)])
    }
    // Tasks settled between two passes are attacked now: their verdicts too must not count.
    await attackCommitted()
    const view = done as JobView
    // The checker settles each task on the ledger after it answered the creator: wait for the payments.
    const jobEvents = async () => (await faucet.events()).filter((e) => 'jobId' in e && e.jobId === jobId)
    let events = await jobEvents()
    for (const deadline = Date.now() + 60_000; events.filter((e) => e.type === 'WorkerPaid').length < tasks && Date.now() < deadline; events = await jobEvents()) await sleep(500)
    const byAttacker = events.filter((e) => Object.values(e).includes(address))
    const paid = events.filter((e) => e.type === 'WorkerPaid').length
    const slashed = events.filter((e) => e.type === 'WorkerSlashed').length
    const checkedBy = [...new Set(view.frames.flatMap((f) => f.checkedBy ?? []))]
    const attackerKey = toHex(ed.publicKey(seed))
    if (view.status !== 'completed') failures.push(`the honest job ended ${view.status}`)
    if (view.workers.some((w) => w.banned)) failures.push('the honest worker was banned')
    if (submittedOk > 0) failures.push(`the ledger took ${submittedOk} forged verdict(s)`)
    if (byAttacker.length > 0) failures.push(`${byAttacker.length} ledger event(s) name the attacker`)
    if (paid !== tasks) failures.push(`${paid} of ${tasks} tasks paid`)
    if (slashed > 0) failures.push(`${slashed} honest task(s) slashed`)
    if (asked > 0) failures.push(`the creator asked the attacker's own checker ${asked} time(s)`)
    if (checkedBy.includes(attackerKey)) failures.push('a frame counts the attacker as its checker')
    return { job: view.status, tasks, tasksPaid: paid, slashed, ledgerVerdictsTried: attacked.size, ledgerRefusals: refusals, ledgerAccepted: submittedOk, gossipedRejections: gossiped, attackerCheckerAsked: asked }
  } finally {
    await sybil.stop()
  }
}
