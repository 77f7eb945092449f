// The checker's side of /pictor/check/1.0.0 (SPEC R103-R104): one signed
// CheckRequest in, one CheckReply out carrying a signed Verdict. Busy
// answers first (per-peer and global limits, R103h), then the common
// pipeline (fresh, not replayed, signed by the connected peer), then
// openCheckRequest (creator-signed job, worker-signed commitment, the
// beacon's sample), then whether this checker was drawn for it (the
// ledger's assignment, R103f) and whether the check pays for its work
// (R103g), and only then checkTask. A check nobody waits for any more is
// aborted.
import { randomUUID } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import { bytesEqual, CHECK_CODES, type CheckCodeName, CheckReply, type Ed25519, Envelope, LIMITS, openCheckRequest, type OpenedCheckRequest, type ReplayGuard, signEnvelope, toHex, validateSigned, VerificationError } from '../../../protocol/index.ts'
import { raceAbort } from '../../abort.ts'
import { DEFAULT_CONFIG } from '../../config/config.ts'
import type { Logger } from '../../log.ts'
import type { Renderer } from '../../renderers/types.ts'
import type { Thresholds } from '../../verify/compare.ts'
import { type AssignmentLedger, LEDGER_CATCH_UP_MS, ledgerAssignment, RecheckMemory } from './assignment.ts'
import { type CheckOutcome, type CheckTaskDeps, checkTask, type FrameFetcher } from './check-task.ts'
import { checkWork, fitWork, paidWork } from './check-work.ts'
import { CheckerError, CheckRefusedError } from './errors.ts'
import { PeerLimits } from './peer-limits.ts'

export interface CheckerOptions {
  /** Research seam, never set by production config (testnet/adversarial-node.ts): approve every well-formed request without fetching or rendering anything. */
  colludes: boolean
  /** Research seam, never set by production config (testnet/adversarial-node.ts): reject every well-formed request, honest work included, without fetching or rendering anything. */
  rejectsAll: boolean
  /** Checks run at once; more get `busy`. */
  maxConcurrent: number
  /** One check, fetching included, must finish within this. */
  checkTimeoutMs: number
  thresholds: Partial<Omit<Thresholds, 'exact'>>
  maxEscalations: number
  /** This checker's price, µPIC per reference frame (the node's `price`): on a ledger a check may ask for the work its fee pays at this price (R103g). 0 works for any fee. */
  price: number
  /** Requests one remote peer may have in flight; more get `busy` (R103h). */
  maxInFlightPerPeer: number
  /** Per-peer token bucket: requests at once after a quiet spell, and tokens back per second; past it, `busy`. */
  peerBurst: number
  peerRefillPerSecond: number
  /** On a ledger: how long a task still assigned there is re-read for the commitment the creator saw. */
  ledgerCatchUpMs: number
  /** Without a ledger: the creators (peer ids) this checker works for; every other request is refused (R103i). */
  trustedCreators: readonly string[]
}

export const DEFAULT_CHECKER_OPTIONS: CheckerOptions = {
  colludes: false,
  rejectsAll: false,
  // Each check already uses every render thread; two lets fetching overlap rendering.
  maxConcurrent: 2,
  checkTimeoutMs: 10 * 60_000,
  thresholds: {},
  maxEscalations: 2,
  price: DEFAULT_CONFIG.price,
  // One check per creator at a time: a creator sends its results one after another (checked-verifier.ts); another creator is not kept waiting.
  maxInFlightPerPeer: 1,
  // A creator's burst of results gets through; a peer that sends more than one request a second for long is answered busy.
  peerBurst: 20,
  peerRefillPerSecond: 1,
  ledgerCatchUpMs: LEDGER_CATCH_UP_MS,
  trustedCreators: []
}

/** Requests validated (signatures, ledger reads) at once, across peers; more get `busy`. */
export const MAX_ADMITTING = 16

export interface CheckerComponents {
  identity: { seed: Uint8Array; publicKey: Uint8Array }
  ed: Ed25519
  replay: ReplayGuard
  /** Fetches a blob, trying these peers (the creator, the worker) before the DHT. */
  fetcher(peers: PeerId[]): FrameFetcher
  peerIdOf(publicKey: Uint8Array): PeerId
  rendererFor(name: string): Renderer | undefined
  /** Scratch root: each check gets its own folder below it. */
  workDir: string
  now(): number
  logger: Logger
  /** The node's ledger: when set, only checks it assigned to this checker are done (R103f). */
  ledger?: AssignmentLedger
  /** Public keys (hex) of peers known to serve the check protocol: this checker's view for R102 at redundancy index >= 1. */
  knownCheckers?(): Promise<string[]>
}

/** One verdict in the making, shared by every request for the same check; aborted when none of them waits any more. */
interface SharedVerdict {
  verdict: Promise<Uint8Array>
  waiters: number
  settled: boolean
  controller: AbortController
}

/** Repeats of a request (a creator retrying after a timeout) get the verdict already made. */
const MAX_REMEMBERED = 256

export class CheckerService {
  private readonly c: CheckerComponents
  private readonly options: CheckerOptions
  private readonly done = new Map<string, SharedVerdict>()
  private readonly limits: PeerLimits
  private readonly rechecks = new RecheckMemory()
  private inFlight = 0
  private admitting = 0
  private lifetime = new AbortController()

  constructor(components: CheckerComponents, options: Partial<CheckerOptions> = {}) {
    this.c = components
    this.options = { ...DEFAULT_CHECKER_OPTIONS, ...options }
    this.limits = new PeerLimits({ maxInFlightPerPeer: this.options.maxInFlightPerPeer, burst: this.options.peerBurst, refillPerSecond: this.options.peerRefillPerSecond, now: components.now })
  }

  start(): void {
    this.lifetime = new AbortController()
  }

  /** Aborts checks in flight; their callers get `unavailable`. */
  stop(): void {
    this.lifetime.abort(new CheckerError('TIMEOUT', 'checker stopping'))
  }

  /**
   * The RPC handler: never throws, always a CheckReply. `signal` aborts when
   * the requester goes away; the check stops unless another request waits
   * on the same verdict.
   */
  async handle(request: Uint8Array, remote: PeerId, signal?: AbortSignal): Promise<Uint8Array> {
    const peer = remote.toString()
    // Busy answers come before the replay guard records the request and cost the peer no token.
    if (this.limits.full(peer)) return reply('busy', 'a request of this peer is in flight')
    if (this.inFlight >= this.options.maxConcurrent) return reply('busy', `${this.inFlight} checks running`)
    if (this.admitting >= MAX_ADMITTING) return reply('busy', `${this.admitting} requests being validated`)
    const wait = this.limits.enter(peer)
    if (wait !== undefined) return reply('busy', wait)
    try {
      return await this.answer(request, remote, signal)
    } catch (err) {
      this.c.logger.warn('check request failed', { err })
      return reply('unavailable', err instanceof Error ? err.message : String(err))
    } finally {
      this.limits.leave(peer)
    }
  }

  private async answer(request: Uint8Array, remote: PeerId, signal: AbortSignal | undefined): Promise<Uint8Array> {
    let req: OpenedCheckRequest
    let maxEscalations: number
    this.admitting++
    try {
      const result = validateSigned(request, ['CheckRequest'], { nowMs: this.c.now(), ed: this.c.ed, replay: this.c.replay })
      if (result.action !== 'ACCEPT') return reply('invalid', `${result.code}: ${result.reason}`)
      const signer = result.message.publicKey
      if (!this.c.peerIdOf(signer).equals(remote)) return reply('invalid', 'the request is not signed by the connected peer')
      req = openCheckRequest(this.c.ed, result.message.payload, signer)
      // R102: nobody checks their own work or their own job.
      if (bytesEqual(req.worker, this.c.identity.publicKey)) return reply('invalid', 'this checker is the worker')
      if (bytesEqual(req.creator, this.c.identity.publicKey)) return reply('invalid', 'this checker is the job creator')
      maxEscalations = await this.admit(req, signal)
    } catch (err) {
      if (err instanceof VerificationError || err instanceof CheckRefusedError) return reply('invalid', `${err.code}: ${err.message}`)
      if (err instanceof CheckerError) return reply('unavailable', err.message)
      if (signal?.aborted) return reply('unavailable', 'the requester went away')
      throw err
    } finally {
      this.admitting--
    }
    const key = requestKey(req)
    let shared = this.done.get(key)
    // One abandoned a moment ago is still winding down: start afresh.
    if (shared === undefined || shared.controller.signal.aborted) {
      // Admission awaited the ledger: others may have taken the slots meanwhile.
      if (this.inFlight >= this.options.maxConcurrent) return reply('busy', `${this.inFlight} checks running`)
      shared = this.startCheck(req, remote, maxEscalations)
      this.remember(key, shared)
    }
    return this.waitFor(shared, signal)
  }

  /**
   * R103f-i, before anything is fetched: on a ledger, the ledger assigned
   * this check to this checker and the work fits what the check pays for;
   * without one, the creator is one this checker trusts (no cap then).
   * Returns how many suspicious frames the budget leaves room to re-render
   * in full.
   */
  private async admit(req: OpenedCheckRequest, signal: AbortSignal | undefined): Promise<number> {
    let budget: bigint | undefined
    if (this.c.ledger === undefined) {
      const creator = this.c.peerIdOf(req.creator).toString()
      if (!this.options.trustedCreators.includes(creator)) {
        throw new CheckRefusedError('NOT_TRUSTED', `this checker has no ledger and checks only for the creators it was told to trust (--check-for), not ${creator}`)
      }
    } else {
      const assignment = await ledgerAssignment(req, {
        ledger: this.c.ledger,
        self: this.c.identity.publicKey,
        knownCheckers: this.c.knownCheckers ?? (async () => []),
        rechecks: this.rechecks,
        catchUpMs: this.options.ledgerCatchUpMs,
        signal: signal ?? this.lifetime.signal
      })
      budget = paidWork(assignment.checkerFee, this.options.price)
    }
    const fit = fitWork(checkWork(req), budget, this.options.maxEscalations, req.commitment.frames.length)
    if (!fit.ok) throw new CheckRefusedError('WORK_CAP', fit.reason)
    return fit.maxEscalations
  }

  private startCheck(req: OpenedCheckRequest, creatorPeer: PeerId, maxEscalations: number): SharedVerdict {
    const controller = new AbortController()
    const verdict = this.verdictFor(req, creatorPeer, maxEscalations, controller.signal).finally(() => {
      shared.settled = true
    })
    const shared: SharedVerdict = { verdict, waiters: 0, settled: false, controller }
    return shared
  }

  private async waitFor(shared: SharedVerdict, signal: AbortSignal | undefined): Promise<Uint8Array> {
    shared.waiters++
    try {
      return reply('ok', '', await raceAbort(shared.verdict, signal))
    } catch (err) {
      if (signal?.aborted) return reply('unavailable', 'the requester went away')
      const reason = err instanceof Error ? err.message : String(err)
      if (!(err instanceof CheckerError)) this.c.logger.warn('check failed', { err })
      return reply('unavailable', reason)
    } finally {
      shared.waiters--
      if (shared.waiters === 0 && !shared.settled) shared.controller.abort(new CheckerError('ABANDONED', 'the requester went away'))
    }
  }

  private async verdictFor(req: OpenedCheckRequest, creatorPeer: PeerId, maxEscalations: number, abandoned: AbortSignal): Promise<Uint8Array> {
    const outcome = this.options.colludes ? collude(req) : this.options.rejectsAll ? rejectAll(req) : await this.run(req, creatorPeer, maxEscalations, abandoned)
    this.c.logger[outcome.accepted ? 'info' : 'warn']('verdict', { job: toHex(req.commitment.jobId).slice(0, 16), task: req.commitment.taskIndex, worker: toHex(req.worker).slice(0, 16), accepted: outcome.accepted, reason: outcome.reason })
    return signEnvelope(this.c.ed, this.c.identity.seed, 'Verdict', {
      jobId: req.commitment.jobId,
      taskIndex: req.commitment.taskIndex,
      worker: req.worker as Uint8Array<ArrayBuffer>,
      merkleRoot: req.commitment.merkleRoot,
      accepted: outcome.accepted,
      reason: truncateUtf8(outcome.reason, LIMITS.maxStringBytes),
      sampledFrames: outcome.sampledFrames,
      scores: outcome.scores,
      timestampMs: this.c.now()
    })
  }

  private async run(req: OpenedCheckRequest, creatorPeer: PeerId, maxEscalations: number, abandoned: AbortSignal): Promise<CheckOutcome> {
    this.inFlight++
    const signal = AbortSignal.any([this.lifetime.signal, abandoned, AbortSignal.timeout(this.options.checkTimeoutMs)])
    if (maxEscalations < Math.min(this.options.maxEscalations, req.commitment.frames.length)) {
      this.c.logger.info('suspicious frames re-rendered in full limited by what the check pays', { job: toHex(req.commitment.jobId).slice(0, 16), task: req.commitment.taskIndex, maxEscalations })
    }
    const deps: CheckTaskDeps = {
      fetcher: this.c.fetcher([creatorPeer, this.c.peerIdOf(req.worker)]),
      rendererFor: this.c.rendererFor,
      workDir: `${this.c.workDir}/${toHex(req.commitment.jobId).slice(0, 12)}-${req.commitment.taskIndex}-${randomUUID().slice(0, 8)}`,
      thresholds: this.options.thresholds,
      maxEscalations,
      logger: this.c.logger
    }
    try {
      // Stopped, or abandoned, while the request was being admitted.
      signal.throwIfAborted()
      return await checkTask(deps, req, signal)
    } catch (err) {
      if (signal.aborted && !(err instanceof CheckerError)) throw signal.reason instanceof CheckerError ? signal.reason : new CheckerError('TIMEOUT', 'check did not finish in time', { cause: err })
      throw err
    } finally {
      this.inFlight--
    }
  }

  private remember(key: string, shared: SharedVerdict): void {
    this.done.set(key, shared)
    // A failed check is not remembered: the next request tries again.
    shared.verdict.catch(() => {
      if (this.done.get(key) === shared) this.done.delete(key)
    })
    if (this.done.size > MAX_REMEMBERED) this.done.delete(this.done.keys().next().value!)
  }
}

/** A colluding checker signs acceptance of exactly what it was asked about, having looked at nothing. */
function collude(req: OpenedCheckRequest): CheckOutcome {
  return { accepted: true, reason: 'ok', sampledFrames: req.sample.frames, scores: [], pixelsRendered: 0 }
}

/** A checker that rejects everything signs a rejection of exactly what it was asked about, having looked at nothing. */
function rejectAll(req: OpenedCheckRequest): CheckOutcome {
  return { accepted: false, reason: 'rejected without checking (research: --checker-rejects)', sampledFrames: req.sample.frames, scores: [], pixelsRendered: 0 }
}

function requestKey(req: OpenedCheckRequest): string {
  const c = req.commitment
  return `${toHex(c.jobId)}:${c.taskIndex}:${toHex(c.merkleRoot)}:${req.redundancyIndex}:${req.sample.frames.join(',')}:${req.sample.tiles.length}`
}

function reply(code: CheckCodeName, reason: string, verdict?: Uint8Array): Uint8Array {
  return CheckReply.encode({ code: CHECK_CODES[code], reason: truncateUtf8(reason, LIMITS.maxStringBytes), verdict: verdict === undefined ? undefined : Envelope.decode(verdict) })
}

/** R40: strings on the wire are at most maxStringBytes of UTF-8; cut on a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= maxBytes) return text
  let end = maxBytes - 3
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return `${new TextDecoder().decode(bytes.subarray(0, end))}...`
}
