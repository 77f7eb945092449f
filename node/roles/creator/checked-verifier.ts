// Verification of a committed result before it counts (SPEC R53 step 5):
// integrity of every frame first (the IntegrityVerifier), then a beacon
// drawn only now, after the commitment, picks checkers among the peers that
// serve /pictor/check/1.0.0 and the frames and tiles they re-render. Their
// signed verdicts are checked against the beacon's selection and tallied:
// one rejection rejects the task.
import { randomBytes } from 'node:crypto'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import {
  CHECK_CODES,
  CHECK_PROTOCOL,
  CheckReply,
  decode,
  Envelope,
  fromHex,
  type JobSpec,
  LIMITS,
  type LevelName,
  levelOf,
  type ResultCommitment,
  type Sample,
  sampleFor,
  sampleOfSize,
  selectCheckers,
  signEnvelope,
  tallyVerdicts,
  toHex,
  VERIFICATION,
  verifyVerdict
} from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import { KeyedQueue } from '../../keyed-queue.ts'
import { callRpc } from '../../net/rpc.ts'
import type { Logger } from '../../log.ts'
import type { CommittedResult } from './committed-result.ts'
import type { CreatorComponents } from './components.ts'
import type { CheckContext, IntegrityVerifier, ResultOutcome, Verifier } from './verifier.ts'

/** A busy checker is retried for up to BUSY_RETRIES x BUSY_BACKOFF_MS before the result goes unchecked. */
const BUSY_RETRIES = 120
const BUSY_BACKOFF_MS = 1000

interface CheckRequestParts {
  announcement: () => Uint8Array
  commitment: Envelope
  beacon: Uint8Array
  sample: Sample
  redundancyIndex: number
}

export interface CheckedVerifierInit {
  integrity: IntegrityVerifier
  level: LevelName
  checkTimeoutMs?: number
}

export interface CheckedVerifierComponents extends Pick<CreatorComponents, 'identity' | 'libp2p' | 'gossip' | 'now'> {
  logger: Logger
}

/**
 * An acceptance no checker stood behind: its frames say so (`unchecked`),
 * and every surface (job status, watch, review, the demo) shows them apart.
 * A sample the beacon left empty is not this: checkers were there.
 */
function uncheckedOf(integrity: Extract<ResultOutcome, { accepted: true }>): ResultOutcome {
  for (const f of Object.values(integrity.frames)) Object.assign(f, { checkedBy: [], unchecked: true })
  return { ...integrity, checkedBy: [] }
}

export class CheckedVerifier implements Verifier {
  private readonly ctx: CheckedVerifierComponents
  private readonly init: CheckedVerifierInit
  /** A checker takes one request per peer at a time (R103h): ours to one checker go one after another, not into busy retries. */
  private readonly perChecker = new KeyedQueue()

  constructor(components: CheckedVerifierComponents, init: CheckedVerifierInit) {
    this.ctx = components
    this.init = init
  }

  /** Public keys (hex) of connected peers that serve the check protocol. */
  async knownCheckers(): Promise<string[]> {
    const keys: string[] = []
    for (const peer of await this.ctx.libp2p.peerStore.all()) {
      if (peer.protocols.includes(CHECK_PROTOCOL) && peer.id.publicKey !== undefined) keys.push(toHex(peer.id.publicKey.raw))
    }
    return keys.sort()
  }

  async verify(spec: JobSpec, result: CommittedResult, check: CheckContext): Promise<ResultOutcome> {
    const integrity = await this.init.integrity.verify(spec, result)
    if (!integrity.accepted) return integrity
    const own = new Set(result.frames.map((f) => f.frame))
    const seen = new Map(Object.entries(check.jobFrames).filter(([frame]) => !own.has(Number(frame))).map(([frame, f]) => [f.pixelHash, Number(frame)]))
    const flat = new Set(integrity.flat ?? [])
    // Repeated or blank frames are how the cheapest fakes look; honest ones (a
    // static shot, a fade to black) survive a full check, fakes do not.
    const suspicious = result.frames.filter((f) => {
      const twin = seen.get(toHex(f.pixelHash))
      seen.set(toHex(f.pixelHash), f.frame)
      return twin !== undefined || flat.has(f.frame)
    })
    const known = await this.knownCheckers()
    // On a ledger the chain drew the beacon and the checker that attests there
    // (position 0; a level that wants more adds others drawn with the same
    // beacon). Otherwise the beacon is drawn here, now, after the commitment:
    // the worker could not aim its fakes.
    const drawn = check.chain === undefined ? undefined : known.find((key) => suiAddressOf(fromHex(key)) === check.chain!.checker)
    const checkers = check.chain !== undefined && drawn === undefined ? [] : known
    const exclude = [result.worker, toHex(this.ctx.identity.publicKey), ...(check.dispute?.excludeCheckers ?? [])]
    const beacon = check.chain === undefined ? randomBytes(VERIFICATION.beaconBytes) : fromHex(check.chain.beacon)
    const commitment = Envelope.decode(result.envelope)
    // The task server validated this envelope already; only its payload is needed here.
    const c: ResultCommitment = decode('ResultCommitment', commitment.payload)
    const ref = { beacon, jobId: c.jobId, taskIndex: c.taskIndex, merkleRoot: c.merkleRoot }
    // A dispute checks everything; a job's tier fixes its own level; otherwise the node's setting.
    const level = levelOf(check.dispute === undefined ? (check.level ?? this.init.level) : 'full')
    const selected = checkers.length === 0 ? [] : selectCheckers({ ...ref, checkers, exclude, redundancy: level.redundancy, drawn })
    if (selected.length === 0) {
      // Without checkers, repeated or blank pixels cannot be told from a static shot: refuse them.
      if (suspicious.length > 0) return { accepted: false, reason: `frame ${suspicious[0].frame} is blank or repeats another frame of the job, and no checker is available` }
      this.ctx.logger.warn('no checker available: result accepted on integrity alone', { job: result.jobId, task: result.taskIndex, known: known.length, chainChecker: check.chain?.checker })
      return uncheckedOf(integrity)
    }
    const frames = result.frames.map((f) => f.frame)
    const base = { ...ref, frames, width: spec.width, height: spec.height }
    const verdicts: { checker: string; accepted: boolean; reason: string }[] = []
    const asked: string[] = []
    await Promise.all(
      selected.map(async (checker, redundancyIndex) => {
        // Suspicious frames get every frame checked: a reused frame cannot hide in an unsampled slot.
        const sample: Sample = suspicious.length > 0 ? sampleOfSize({ ...base, redundancyIndex }, frames.length, 1) : sampleFor({ ...base, redundancyIndex, level, reputation: check.reputation })
        // On a ledger every task needs its verdict on chain to settle, so the drawn
        // checker is asked even with an empty sample (it still runs its integrity checks).
        if (sample.frames.length === 0 && checker !== drawn) return
        asked.push(checker)
        const verdict = await this.ask(checker, { announcement: check.announcement, commitment, beacon, sample, redundancyIndex })
        if (verdict === undefined) return
        const counted = verifyVerdict(verdict, { ed: nodeEd25519, beacon, commitment: c, worker: fromHex(result.worker), width: spec.width, height: spec.height, checkers, exclude, redundancy: level.redundancy, drawn })
        if (!counted.ok) {
          this.ctx.logger.warn('verdict does not count', { checker, code: counted.code, reason: counted.reason })
          return
        }
        verdicts.push({ checker: counted.checker, accepted: counted.verdict.accepted, reason: counted.verdict.reason })
        await this.ctx.gossip.publish('verdicts', verdict).catch(() => {})
      })
    )
    const tally = tallyVerdicts({ selected: asked, verdicts })
    if (tally.status === 'rejected') {
      const why = verdicts.find((v) => !v.accepted)?.reason ?? 'rejected by a checker'
      return { accepted: false, reason: `checker ${tally.rejected[0].slice(0, 12)}: ${why}` }
    }
    if (asked.length > 0 && tally.accepted.length === 0) {
      this.ctx.logger.warn('no checker answered: result accepted on integrity alone', { job: result.jobId, task: result.taskIndex })
      return uncheckedOf(integrity)
    }
    for (const f of Object.values(integrity.frames)) f.checkedBy = tally.accepted
    return { ...integrity, checkedBy: tally.accepted }
  }

  /**
   * Asks one checker once our earlier requests to it are answered, retrying
   * while it is busy with others' work (each retry signed anew: a resent
   * request is a replay). Undefined when it could not answer, or when our
   * turn did not come within the time a busy checker is retried for (one
   * stuck check must not hold every later result for its whole timeout).
   */
  private async ask(checker: string, req: CheckRequestParts): Promise<Uint8Array | undefined> {
    const turnWait = AbortSignal.timeout(BUSY_RETRIES * BUSY_BACKOFF_MS)
    try {
      return await this.perChecker.run(checker, () => this.askUntilFree(checker, req), turnWait)
    } catch (err) {
      if (err !== turnWait.reason) throw err
      this.ctx.logger.warn('checker stayed busy with our earlier requests', { checker })
      return undefined
    }
  }

  private async askUntilFree(checker: string, req: CheckRequestParts): Promise<Uint8Array | undefined> {
    for (let attempt = 1; attempt <= BUSY_RETRIES; attempt++) {
      const answer = await this.askOnce(checker, req)
      if (answer !== 'busy') return answer
      await new Promise((resolve) => setTimeout(resolve, BUSY_BACKOFF_MS))
    }
    this.ctx.logger.warn('checker stayed busy', { checker })
    return undefined
  }

  private async askOnce(checker: string, req: CheckRequestParts): Promise<Uint8Array | undefined | 'busy'> {
    const request = signEnvelope(nodeEd25519, this.ctx.identity.seed, 'CheckRequest', {
      jobAnnouncement: req.announcement() as Uint8Array<ArrayBuffer>,
      beacon: req.beacon as Uint8Array<ArrayBuffer>,
      commitment: req.commitment,
      frames: req.sample.frames,
      tiles: req.sample.tiles,
      redundancyIndex: req.redundancyIndex,
      timestampMs: this.ctx.now()
    })
    try {
      const peer = peerIdFromPublicKey(publicKeyFromRaw(fromHex(checker)))
      const bytes = await callRpc(this.ctx.libp2p, peer, CHECK_PROTOCOL, request, {
        maxRequestBytes: LIMITS.maxEnvelopeBytes,
        maxReplyBytes: VERIFICATION.maxCheckReplyBytes,
        timeoutMs: this.init.checkTimeoutMs ?? 10 * 60_000
      })
      const reply = CheckReply.decode(bytes)
      if (reply.code === CHECK_CODES.busy) return 'busy'
      if (reply.code !== CHECK_CODES.ok || reply.verdict === undefined) {
        this.ctx.logger.warn('checker did not give a verdict', { checker, code: reply.code, reason: reply.reason })
        return undefined
      }
      return Envelope.encode(reply.verdict)
    } catch (err) {
      this.ctx.logger.warn('checker unreachable', { checker, err })
      return undefined
    }
  }
}
