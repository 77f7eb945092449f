// On a ledger a checker works only for checks it was drawn for (SPEC
// R103f), read from the ledger before anything is fetched: the job is on
// chain with the request's signer as its creator, the task is committed
// there by the commitment's worker with the commitment's root, the beacon
// is the one the ledger drew, and this checker holds the redundancy index
// (index 0: the ledger drew it; 1..: R102 with that beacon). A creator's
// dispute of a settled task is the one check with a beacon of the
// creator's: once per task and checker.
import { setTimeout as sleep } from 'node:timers/promises'
import { fromHex, type OpenedCheckRequest, selectCheckers, toHex, VERIFICATION } from '../../../protocol/index.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import { LedgerError } from '../../ledger/errors.ts'
import type { ChainJob, ChainTask, Ledger } from '../../ledger/types.ts'
import { CheckerError, CheckRefusedError } from './errors.ts'

export type AssignmentLedger = Pick<Ledger, 'address' | 'job' | 'task'>

export interface Assignment {
  /** The job's checker fee on the ledger: what the check pays for (R103g). */
  checkerFee: bigint
  /**
   * drawn: index 0, the ledger's checker. redundant: index >= 1, selected
   * by R102 with the ledger's beacon. recheck: a task the ledger already
   * settled, checked again with the creator's beacon (a dispute).
   */
  kind: 'drawn' | 'redundant' | 'recheck'
}

export interface AssignmentContext {
  ledger: AssignmentLedger
  /** This checker's public key. */
  self: Uint8Array
  /** Public keys (hex) of the peers this checker knows serve the check protocol: its view for R102. */
  knownCheckers(): Promise<string[]>
  rechecks: RecheckMemory
  /** How long an assigned task is re-read for its commitment (default LEDGER_CATCH_UP_MS). */
  catchUpMs?: number
  signal: AbortSignal
}

/**
 * A commitment the creator has seen on chain may reach this checker's view
 * of the ledger (a Sui full node) a little later: an assigned task is
 * re-read for this long before the request is refused.
 */
export const LEDGER_CATCH_UP_MS = 10_000
const CATCH_UP_POLL_MS = 500

/** Settled tasks re-checked, remembered at most (oldest forgotten first). */
export const MAX_REMEMBERED_RECHECKS = 1024

/** Which settled tasks this checker re-checked, with which beacon: one dispute check per task. */
export class RecheckMemory {
  private readonly beacons = new Map<string, string>()

  /** True when the task was not re-checked yet, or with this same beacon (a retry); records it. */
  claim(task: string, beacon: string): boolean {
    const seen = this.beacons.get(task)
    if (seen !== undefined) return seen === beacon
    this.beacons.set(task, beacon)
    if (this.beacons.size > MAX_REMEMBERED_RECHECKS) this.beacons.delete(this.beacons.keys().next().value!)
    return true
  }
}

/** Throws CheckRefusedError when the ledger did not assign this check; CheckerError when it cannot be read. */
export async function ledgerAssignment(req: OpenedCheckRequest, ctx: AssignmentContext): Promise<Assignment> {
  const c = req.commitment
  const jobId = toHex(c.jobId)
  const refuse = (code: 'NOT_ON_LEDGER' | 'NOT_DRAWN' | 'ALREADY_RECHECKED', message: string): never => {
    throw new CheckRefusedError(code, message)
  }
  const job = await read(() => ctx.ledger.job(jobId))
  if (job === undefined) return refuse('NOT_ON_LEDGER', `job ${jobId.slice(0, 12)} is not on the ledger`)
  if (job.creator !== suiAddressOf(req.creator)) refuse('NOT_ON_LEDGER', `the job's creator on the ledger is ${job.creator}, not the request's signer`)
  const task = await committedTask(ctx, job, c.taskIndex)
  if (task.state !== 'committed' && task.state !== 'verified') return refuse('NOT_ON_LEDGER', `task ${c.taskIndex} is ${task.state} on the ledger, not committed`)
  if (task.merkleRoot !== toHex(c.merkleRoot)) refuse('NOT_ON_LEDGER', `the ledger holds another commitment for task ${c.taskIndex}`)
  if (task.worker !== suiAddressOf(req.worker)) refuse('NOT_ON_LEDGER', `task ${c.taskIndex}'s worker on the ledger is not the commitment's signer`)
  const beacon = toHex(req.beacon)
  if (beacon !== task.beacon) {
    // Only a settled task may be checked with a beacon the ledger did not draw: a creator's dispute, paid for by the second checker fee the job escrows per task.
    if (task.state !== 'verified') refuse('NOT_DRAWN', `the beacon is not the one the ledger drew for task ${c.taskIndex}`)
    if (!ctx.rechecks.claim(`${jobId}/${c.taskIndex}/${task.merkleRoot}`, beacon)) refuse('ALREADY_RECHECKED', `this checker already re-checked task ${c.taskIndex} with another beacon`)
    return { checkerFee: job.checkerFee, kind: 'recheck' }
  }
  const drawnHere = task.checker === ctx.ledger.address
  if (req.redundancyIndex === 0) {
    if (!drawnHere) refuse('NOT_DRAWN', `the ledger drew checker ${task.checker} for task ${c.taskIndex}, not this one`)
    return { checkerFee: job.checkerFee, kind: 'drawn' }
  }
  if (drawnHere) refuse('NOT_DRAWN', `the ledger drew this checker for task ${c.taskIndex}: its redundancy index is 0, not ${req.redundancyIndex}`)
  const rank = await rankAmongOthers(req, task.checker, ctx)
  // The creator may know checkers this one does not (their index for it is then higher), never fewer that beat it and are known here.
  if (rank < 0 || rank >= req.redundancyIndex) {
    refuse('NOT_DRAWN', `not selected for redundancy index ${req.redundancyIndex}: ${rank < 0 ? 'not among' : `${rank} of`} the checkers known here rank before it`)
  }
  return { checkerFee: job.checkerFee, kind: 'redundant' }
}

/**
 * This checker's place (0-based) among the checkers it knows, the ledger's
 * drawn one, the worker and the creator left out (R102a): the R102 order
 * with the ledger's beacon. -1 when it is not in the first maxRedundancy.
 */
async function rankAmongOthers(req: OpenedCheckRequest, drawnAddress: string, ctx: AssignmentContext): Promise<number> {
  const self = toHex(ctx.self)
  const view = [...new Set([...(await ctx.knownCheckers()).map((k) => k.toLowerCase()), self])]
  const drawn = view.find((key) => suiAddressOf(fromHex(key)) === drawnAddress)
  const c = req.commitment
  const ranked = selectCheckers({
    beacon: req.beacon,
    jobId: c.jobId,
    taskIndex: c.taskIndex,
    merkleRoot: c.merkleRoot,
    checkers: view,
    exclude: [toHex(req.worker), toHex(req.creator), ...(drawn === undefined ? [] : [drawn])],
    redundancy: VERIFICATION.maxRedundancy
  })
  return ranked.indexOf(self)
}

/** The task, re-read for a while when the ledger here has not seen its commitment yet. */
async function committedTask(ctx: AssignmentContext, job: ChainJob, taskIndex: number): Promise<ChainTask> {
  if (taskIndex >= job.taskCount) throw new CheckRefusedError('NOT_ON_LEDGER', `the job has ${job.taskCount} task(s) on the ledger, no task ${taskIndex}`)
  for (let poll = 1; ; poll++) {
    const task = await read(() => ctx.ledger.task(job.jobId, taskIndex))
    if (task.state !== 'assigned' || poll * CATCH_UP_POLL_MS >= (ctx.catchUpMs ?? LEDGER_CATCH_UP_MS)) return task
    await sleep(CATCH_UP_POLL_MS, undefined, { signal: ctx.signal })
  }
}

/** A ledger refusal of the read (unknown job, bad index) is the request's fault; anything else is the ledger's. */
async function read<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    if (err instanceof LedgerError) throw new CheckRefusedError('NOT_ON_LEDGER', `the ledger refused the read: ${err.message}`, { cause: err })
    throw new CheckerError('LEDGER_UNAVAILABLE', `cannot read the ledger: ${(err as Error).message}`, { cause: err })
  }
}
