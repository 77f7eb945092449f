// The checker's side of /pictor/check/1.0.0 (SPEC R103-R104): one signed
// CheckRequest in, one CheckReply out carrying a signed Verdict. The
// request runs through the common pipeline (fresh, not replayed, signed by
// the connected peer), then openCheckRequest (creator-signed job,
// worker-signed commitment, the beacon's sample), then checkTask.
import { randomUUID } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import { bytesEqual, CHECK_CODES, type CheckCodeName, CheckReply, type Ed25519, Envelope, LIMITS, openCheckRequest, type OpenedCheckRequest, type ReplayGuard, signEnvelope, toHex, validateSigned, VerificationError } from '../../../protocol/index.ts'
import type { Logger } from '../../log.ts'
import type { Renderer } from '../../renderers/types.ts'
import type { Thresholds } from '../../verify/compare.ts'
import { type CheckOutcome, type CheckTaskDeps, checkTask, type FrameFetcher } from './check-task.ts'
import { CheckerError } from './errors.ts'

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
}

export const DEFAULT_CHECKER_OPTIONS: CheckerOptions = {
  colludes: false,
  rejectsAll: false,
  // Each check already uses every render thread; two lets fetching overlap rendering.
  maxConcurrent: 2,
  checkTimeoutMs: 10 * 60_000,
  thresholds: {},
  maxEscalations: 2
}

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
}

/** Repeats of a request (a creator retrying after a timeout) get the verdict already made. */
const MAX_REMEMBERED = 256

export class CheckerService {
  private readonly c: CheckerComponents
  private readonly options: CheckerOptions
  private readonly done = new Map<string, Promise<Uint8Array>>()
  private inFlight = 0
  private lifetime = new AbortController()

  constructor(components: CheckerComponents, options: Partial<CheckerOptions> = {}) {
    this.c = components
    this.options = { ...DEFAULT_CHECKER_OPTIONS, ...options }
  }

  start(): void {
    this.lifetime = new AbortController()
  }

  /** Aborts checks in flight; their callers get `unavailable`. */
  stop(): void {
    this.lifetime.abort(new CheckerError('TIMEOUT', 'checker stopping'))
  }

  /** The RPC handler: never throws, always a CheckReply. */
  async handle(request: Uint8Array, remote: PeerId): Promise<Uint8Array> {
    // Before the replay guard records the request: a busy answer must leave the creator free to resend the same bytes.
    if (this.inFlight >= this.options.maxConcurrent) return reply('busy', `${this.inFlight} checks running`)
    const result = validateSigned(request, ['CheckRequest'], { nowMs: this.c.now(), ed: this.c.ed, replay: this.c.replay })
    if (result.action !== 'ACCEPT') return reply('invalid', `${result.code}: ${result.reason}`)
    const signer = result.message.publicKey
    if (!this.c.peerIdOf(signer).equals(remote)) return reply('invalid', 'the request is not signed by the connected peer')
    let req: OpenedCheckRequest
    try {
      req = openCheckRequest(this.c.ed, result.message.payload, signer)
    } catch (err) {
      if (err instanceof VerificationError) return reply('invalid', `${err.code}: ${err.message}`)
      throw err
    }
    // R102: nobody checks their own work or their own job.
    if (bytesEqual(req.worker, this.c.identity.publicKey)) return reply('invalid', 'this checker is the worker')
    if (bytesEqual(req.creator, this.c.identity.publicKey)) return reply('invalid', 'this checker is the job creator')
    const key = requestKey(req)
    let verdict = this.done.get(key)
    if (verdict === undefined) {
      verdict = this.verdictFor(req, remote)
      this.remember(key, verdict)
    }
    try {
      return reply('ok', '', await verdict)
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      if (!(err instanceof CheckerError)) this.c.logger.warn('check failed', { err })
      return reply('unavailable', reason)
    }
  }

  private async verdictFor(req: OpenedCheckRequest, creatorPeer: PeerId): Promise<Uint8Array> {
    const outcome = this.options.colludes ? collude(req) : this.options.rejectsAll ? rejectAll(req) : await this.run(req, creatorPeer)
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

  private async run(req: OpenedCheckRequest, creatorPeer: PeerId): Promise<CheckOutcome> {
    this.inFlight++
    const signal = AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.options.checkTimeoutMs)])
    const deps: CheckTaskDeps = {
      fetcher: this.c.fetcher([creatorPeer, this.c.peerIdOf(req.worker)]),
      rendererFor: this.c.rendererFor,
      workDir: `${this.c.workDir}/${toHex(req.commitment.jobId).slice(0, 12)}-${req.commitment.taskIndex}-${randomUUID().slice(0, 8)}`,
      thresholds: this.options.thresholds,
      maxEscalations: this.options.maxEscalations,
      logger: this.c.logger
    }
    try {
      return await checkTask(deps, req, signal)
    } catch (err) {
      if (signal.aborted && !(err instanceof CheckerError)) throw new CheckerError('TIMEOUT', 'check did not finish in time', { cause: err })
      throw err
    } finally {
      this.inFlight--
    }
  }

  private remember(key: string, verdict: Promise<Uint8Array>): void {
    this.done.set(key, verdict)
    // A failed check is not remembered: the next request tries again.
    verdict.catch(() => this.done.delete(key))
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
