// Which verdicts count (SPEC R105). A verdict settles a task only if it is
// a valid Verdict signed by a checker the beacon selected for exactly this
// commitment, about the sample the beacon gave that checker, and made after
// the commitment. Anything else (an unselected checker, a verdict about
// another commitment or attempt, a replay of an older verdict) is refused
// with a reason and never counts.
import { bytesEqual, toHex } from '../bytes.ts'
import type { Ed25519 } from '../crypto.ts'
import { openEnvelope } from '../envelope.ts'
import type { ResultCommitment, Verdict } from '../pb/messages.js'
import { verdictRules } from '../validation/verdict.ts'
import { VerificationError, type VerificationCode } from './errors.ts'
import { sampleOfSize } from './sample.ts'
import { checkerIndex } from './select.ts'

export interface VerdictContext {
  ed: Ed25519
  beacon: Uint8Array
  /** The commitment judged, and the worker that signed it. */
  commitment: ResultCommitment
  worker: Uint8Array
  /** The job's frame size (to recompute the checker's sample). */
  width: number
  height: number
  /** The checker registry and exclusions the selection was made with (selectCheckers). */
  checkers: readonly string[]
  exclude: readonly string[]
  redundancy: number
  /** On a ledger, the checker it drew (R102a). */
  drawn?: string
}

export type VerdictCheck =
  | { ok: true; checker: string; redundancyIndex: number; verdict: Verdict }
  | { ok: false; code: VerificationCode; reason: string }

/** Never throws: a verdict that does not count says why. */
export function verifyVerdict(envelope: Uint8Array, ctx: VerdictContext): VerdictCheck {
  try {
    return checkVerdict(envelope, ctx)
  } catch (err) {
    if (err instanceof VerificationError) return { ok: false, code: err.code, reason: err.message }
    return { ok: false, code: 'BAD_VERDICT', reason: err instanceof Error ? err.message : String(err) }
  }
}

function checkVerdict(envelope: Uint8Array, ctx: VerdictContext): VerdictCheck {
  const c = ctx.commitment
  let opened: ReturnType<typeof openEnvelope<'Verdict'>>
  try {
    // R105a: a well-formed Verdict (R45) with a valid signature.
    opened = openEnvelope(ctx.ed, envelope, 'Verdict')
    verdictRules.fields(opened.payload, opened.publicKey)
  } catch (err) {
    return fail('BAD_VERDICT', `not a valid verdict: ${err instanceof Error ? err.message : String(err)}`)
  }
  const v = opened.payload
  // R105b: about this commitment: same job, task, worker and Merkle root.
  if (!bytesEqual(v.jobId, c.jobId) || v.taskIndex !== c.taskIndex) return fail('WRONG_TASK', 'verdict is about another task')
  if (!bytesEqual(v.worker, ctx.worker)) return fail('WRONG_TASK', 'verdict is about another worker')
  if (!bytesEqual(v.merkleRoot, c.merkleRoot)) return fail('WRONG_TASK', 'verdict is about another commitment')
  // R105c: from a checker the beacon selected for this commitment.
  const selection = { beacon: ctx.beacon, jobId: c.jobId, taskIndex: c.taskIndex, merkleRoot: c.merkleRoot, checkers: ctx.checkers, exclude: ctx.exclude, redundancy: ctx.redundancy, drawn: ctx.drawn }
  const index = checkerIndex(selection, opened.publicKey)
  if (index < 0) return fail('NOT_SELECTED', 'verdict signed by a checker the beacon did not select')
  // R105d: about the sample the beacon gave that checker (any size: R101).
  const frames = c.frames.map((f) => f.frame)
  if (v.sampledFrames.length > frames.length) return fail('BAD_SAMPLE', 'verdict samples more frames than the task has')
  const expected = sampleOfSize(
    { beacon: ctx.beacon, jobId: c.jobId, taskIndex: c.taskIndex, merkleRoot: c.merkleRoot, frames, width: ctx.width, height: ctx.height, redundancyIndex: index },
    v.sampledFrames.length,
    1
  ).frames
  if (!expected.every((f, i) => v.sampledFrames[i] === f)) return fail('BAD_SAMPLE', 'verdict sampled frames are not the beacon sample')
  // R105e: a verdict cannot predate what it judges; this stops an old
  // verdict about an identical earlier commitment being replayed.
  if (v.timestampMs < c.timestampMs) return fail('PREDATES_COMMITMENT', 'verdict is older than the commitment')
  return { ok: true, checker: toHex(opened.publicKey), redundancyIndex: index, verdict: v }
}

const fail = (code: VerificationCode, reason: string): VerdictCheck => ({ ok: false, code, reason })

export interface TallyInput {
  /** selectCheckers' answer for the commitment. */
  selected: readonly string[]
  /** Verdicts that passed verifyVerdict, in the order they arrived. */
  verdicts: readonly { checker: string; accepted: boolean }[]
}

export interface Tally {
  /** rejected as soon as one selected checker rejects; accepted when all selected checkers accepted. */
  status: 'pending' | 'accepted' | 'rejected'
  accepted: string[]
  rejected: string[]
  missing: string[]
  /** Accepted a task another selected checker rejected: one of them is wrong, the dispute decides which. */
  contradicted: string[]
  /** Sent both an accepting and a rejecting verdict for the same commitment. */
  equivocated: string[]
}

/**
 * R105f: one verdict per selected checker counts (the first); any rejection
 * rejects the task, so one honest checker outweighs a colluding one, and a
 * checker that accepted what another rejected is flagged for the dispute.
 */
export function tallyVerdicts(input: TallyInput): Tally {
  const selected = new Set(input.selected)
  const first = new Map<string, boolean>()
  const equivocated = new Set<string>()
  for (const v of input.verdicts) {
    if (!selected.has(v.checker)) continue
    const seen = first.get(v.checker)
    if (seen === undefined) first.set(v.checker, v.accepted)
    else if (seen !== v.accepted) equivocated.add(v.checker)
  }
  const accepted = input.selected.filter((k) => first.get(k) === true)
  const rejected = input.selected.filter((k) => first.get(k) === false)
  const missing = input.selected.filter((k) => !first.has(k))
  const status = rejected.length > 0 ? 'rejected' : missing.length === 0 && accepted.length > 0 ? 'accepted' : 'pending'
  return { status, accepted, rejected, missing, contradicted: rejected.length > 0 ? accepted : [], equivocated: [...equivocated] }
}
