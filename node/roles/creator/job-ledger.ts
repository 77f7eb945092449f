// The creator's side of the ledger (contracts/LEDGER-API.md): lock the
// escrow before a job is announced, assign a task on chain when its worker
// commits, read the beacon and checker the chain drew, close the job for the
// refund. All amounts in µPIC.
import { type Clock, systemClock } from '../../clock.ts'
import { frameCost, type JobSpec } from '../../../protocol/index.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import { LedgerError, LedgerUnavailableError } from '../../ledger/errors.ts'
import { jobPayouts } from '../../ledger/job-payouts.ts'
import { type ChainTask, DEFAULT_LEDGER_PARAMS, type Ledger, ROLE, ROLE_NAMES, type TxReceipt } from '../../ledger/types.ts'
import type { LedgerSettlement } from './job-record.ts'

export interface JobLedgerTerms {
  maxFrameCost: string
  checkerFee: string
  escrow: string
}

/** A checker earns a tenth of a task's maximum cost (at least 1 µPIC) per check. */
export function checkerFeeOf(spec: JobSpec): bigint {
  const taskMax = frameCost(spec.maxPrice, spec.width, spec.height, spec.samples) * BigInt(spec.framesPerTask)
  const fee = taskMax / 10n
  return fee > 0n ? fee : 1n
}

/**
 * Escrow = every frame at the price cap + two checker fees per task: the
 * second pays for a re-check after a rejected result (the ledger charges a
 * fee per verdict, and create_job requires this much).
 */
export function termsOf(spec: JobSpec, taskCount: number): { maxFrameCost: bigint; checkerFee: bigint; escrow: bigint } {
  const maxFrameCost = frameCost(spec.maxPrice, spec.width, spec.height, spec.samples)
  const checkerFee = checkerFeeOf(spec)
  const frames = BigInt(spec.frameEnd - spec.frameStart + 1)
  return { maxFrameCost, checkerFee, escrow: frames * maxFrameCost + 2n * BigInt(taskCount) * checkerFee }
}

export async function lockEscrow(ledger: Ledger, jobId: string, spec: JobSpec, taskCount: number): Promise<JobLedgerTerms> {
  const t = termsOf(spec, taskCount)
  await ledger.createJob({ jobId, taskCount, frameCount: spec.frameEnd - spec.frameStart + 1, maxFrameCost: t.maxFrameCost, checkerFee: t.checkerFee, escrow: t.escrow })
  return { maxFrameCost: String(t.maxFrameCost), checkerFee: String(t.checkerFee), escrow: String(t.escrow) }
}

export async function assignOnChain(ledger: Ledger, jobId: string, spec: JobSpec, task: { index: number; frameStart: number; frameEnd: number }, workerKey: Uint8Array, price: number): Promise<void> {
  await ledger.assignTask({
    jobId,
    taskIndex: task.index,
    worker: suiAddressOf(workerKey),
    frames: task.frameEnd - task.frameStart + 1,
    frameCost: frameCost(price, spec.width, spec.height, spec.samples)
  })
}

/** The worker commits on chain right after our acknowledgement: the first reads come soon, later ones at most every CHAIN_POLL_MAX_MS. */
const CHAIN_POLL_FIRST_MS = 25
const CHAIN_POLL_MAX_MS = 250

/** Waits for the worker's on-chain commitment; returns the beacon and checker address the chain drew. */
export async function chainDraw(ledger: Ledger, jobId: string, taskIndex: number, merkleRoot: string, timeoutMs: number, clock: Clock = systemClock): Promise<{ beacon: string; checker: string } | undefined> {
  const deadline = clock.now() + timeoutMs
  for (let waitMs = CHAIN_POLL_FIRST_MS; clock.now() < deadline; waitMs = Math.min(2 * waitMs, CHAIN_POLL_MAX_MS)) {
    const task = await ledger.task(jobId, taskIndex)
    if ((task.state === 'committed' || task.state === 'verified') && task.merkleRoot === merkleRoot) return { beacon: task.beacon, checker: task.checker }
    await clock.sleep(waitMs)
  }
  return undefined
}

/**
 * Why the ledger could not assign this worker a task (assign_task's
 * ENotWorker rule), so that its work on a ledger job could never be paid;
 * undefined when it can. A ledger that does not answer counts as a no: the
 * worker bids again.
 */
export async function unassignableWorker(ledger: Pick<Ledger, 'node'>, workerKey: Uint8Array): Promise<string | undefined> {
  const address = suiAddressOf(workerKey)
  let node: Awaited<ReturnType<Ledger['node']>>
  try {
    node = await ledger.node(address)
  } catch (err) {
    return `the ledger did not answer: ${(err as Error).message}`
  }
  if (node === undefined) return `${address} is not registered on the ledger`
  if (node.role !== ROLE.worker) return `${address} is registered on the ledger as a ${ROLE_NAMES[node.role]}`
  if (node.withdrawAt !== 0) return `${address} is withdrawing its stake`
  if (node.stake < DEFAULT_LEDGER_PARAMS.minStake) return `${address} has a stake of ${node.stake}, below the minimum ${DEFAULT_LEDGER_PARAMS.minStake}`
  return undefined
}

/** A settlement lists this many task indexes at most; unsettledCount has them all. */
export const MAX_LISTED_UNSETTLED = 50
const NAMED_IN_REASON = 8

function tasksText(indexes: number[]): string {
  const named = indexes.slice(0, NAMED_IN_REASON).join(', ')
  const more = indexes.length > NAMED_IN_REASON ? ` and ${indexes.length - NAMED_IN_REASON} more` : ''
  return `${indexes.length === 1 ? 'task' : 'tasks'} ${named}${more}`
}

/**
 * What the ledger still holds back, from the states of the tasks it has not
 * verified. Committed tasks wait for their checker's verdict (another is
 * drawn past the deadline) and assigned ones, whose worker's on-chain
 * commitment failed, are reclaimed at theirs, so closing is worth retrying;
 * an open task of a completed job will not move on its own (its assignment
 * failed).
 */
export function settlementOf(unverified: { index: number; task: ChainTask }[], nowMs: number): LedgerSettlement {
  const sorted = [...unverified].sort((a, b) => a.index - b.index)
  const of = (state: ChainTask['state']) => sorted.filter((u) => u.task.state === state).map((u) => u.index)
  const committed = of('committed')
  const assigned = of('assigned')
  const open = of('open')
  const reasons = [
    committed.length > 0 ? `${tasksText(committed)} committed on the ledger, waiting for the checker's verdict` : '',
    assigned.length > 0 ? `${tasksText(assigned)} assigned on the ledger but never committed there (the worker's on-chain commitment failed, e.g. no registered checker), reclaimed at the deadline` : '',
    open.length > 0 ? `${tasksText(open)} never assigned on the ledger (the worker was not an active worker there)` : ''
  ].filter((r) => r !== '')
  const unsettledTasks = sorted.slice(0, MAX_LISTED_UNSETTLED).map((u) => u.index)
  if (sorted.length === 0) return { state: 'settled', unsettledTasks, unsettledCount: 0, reason: '', checkedMs: nowMs }
  return { state: committed.length > 0 || assigned.length > 0 ? 'pending' : 'failed', unsettledTasks, unsettledCount: sorted.length, reason: `${reasons.join('; ')}: unpaid on the ledger`, checkedMs: nowMs }
}

/** Reads concurrently, but not so many at once that a large job floods the ledger. */
const TASK_READS_AT_ONCE = 8

/** The job's tasks the ledger has not verified; `verified` remembers the rest between calls (verified is final on chain). */
async function unverifiedTasks(ledger: Pick<Ledger, 'job' | 'task'>, jobId: string, verified: Set<number>): Promise<{ index: number; task: ChainTask }[]> {
  const job = await ledger.job(jobId)
  if (job === undefined) throw new LedgerError('EUnknownJob', `job ${jobId} is not on the ledger`)
  const todo = Array.from({ length: job.taskCount }, (_, i) => i).filter((i) => !verified.has(i))
  const out: { index: number; task: ChainTask }[] = []
  for (let i = 0; i < todo.length; i += TASK_READS_AT_ONCE) {
    const batch = todo.slice(i, i + TASK_READS_AT_ONCE)
    const tasks = await Promise.all(batch.map((index) => ledger.task(jobId, index)))
    for (const [k, task] of tasks.entries()) {
      if (task.state === 'verified') verified.add(batch[k])
      else out.push({ index: batch[k], task })
    }
  }
  return out
}

/**
 * Past its ledger deadline an Assigned task is reclaimed (its worker never
 * committed) and a Committed one gets another checker (or its worker is
 * paid unchecked); returns how many moved.
 */
async function unstick(ledger: Pick<Ledger, 'reclaimTask' | 'redrawChecker'>, jobId: string, unverified: { index: number; task: ChainTask }[], nowMs: number): Promise<number> {
  let moved = 0
  for (const { index, task } of unverified) {
    if ((task.state !== 'assigned' && task.state !== 'committed') || !(nowMs >= task.deadline)) continue
    try {
      if (task.state === 'assigned') await ledger.reclaimTask({ jobId, taskIndex: index })
      else await ledger.redrawChecker({ jobId, taskIndex: index })
      moved++
    } catch (err) {
      // Raced by the commitment or the verdict, or the ledger's clock is behind ours: read again next time.
      if (!(err instanceof LedgerError && (err.code === 'ETaskState' || err.code === 'ETooEarly'))) throw err
    }
  }
  return moved
}

/** The earliest ledger deadline of a task still assigned or committed: when the creator can act next. */
function nextDeadline(unverified: { task: ChainTask }[]): number | undefined {
  const due = unverified.flatMap(({ task }) => ((task.state === 'assigned' || task.state === 'committed') && task.deadline > 0 ? [task.deadline] : []))
  return due.length === 0 ? undefined : Math.min(...due)
}

/**
 * Only tasks the ledger never assigned (or took back) remain, and nothing
 * will assign them: cancel the job, then close it, so the escrow they hold
 * goes back to the creator instead of staying locked. Their workers stay
 * unpaid there, which the settlement says.
 */
async function cancelAndClose(ledger: Ledger, jobId: string, unverified: { index: number; task: ChainTask }[], nowMs: number): Promise<{ settlement: LedgerSettlement; refunded: bigint }> {
  const refundOf = (receipt: TxReceipt) => receipt.events.reduce((sum, e) => (e.type === 'Refunded' ? sum + e.amount : sum), 0n)
  const refunded = refundOf(await ledger.cancelJob(jobId)) + refundOf(await ledger.closeJob(jobId))
  const s = settlementOf(unverified, nowMs)
  return { settlement: { ...s, reason: `${s.reason}; the job was cancelled there and its unspent escrow (${refunded} µPIC) refunded` }, refunded }
}

export interface CloseOptions {
  /** How long to keep trying without a verdict arriving (any progress restarts it); past it the closer waits for the next ledger deadline of a task. */
  patienceMs: number
  /** Between attempts. */
  retryMs?: number
  /** Aborted when the node stops: the wait ends, nothing is recorded. */
  signal?: AbortSignal
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  /** Each time the ledger still holds tasks back and closing will be tried again. */
  onPending?(settlement: LedgerSettlement): Promise<void> | void
}

/**
 * Closes the job once the ledger has verified every task; the unspent
 * escrow goes back to the creator. Retried while checkers' verdicts arrive;
 * tasks past their ledger deadline are moved on (reclaimed, or another
 * checker drawn), and when only tasks the ledger never had remain the job
 * is cancelled and closed, so no escrow stays locked. The settlement it ends
 * with says what the ledger still holds back, or left unpaid.
 */
export async function closeOnChain(ledger: Ledger, jobId: string, opts: CloseOptions): Promise<{ settlement: LedgerSettlement; refunded?: bigint }> {
  const verified = new Set<number>()
  let deadline = opts.now() + opts.patienceMs
  let last: LedgerSettlement | undefined
  let due: number | undefined
  for (;;) {
    let settlement: LedgerSettlement
    let moved = 0
    try {
      const receipt = await ledger.closeJob(jobId)
      const closed = receipt.events.find((e) => e.type === 'JobClosed')
      return { settlement: settlementOf([], opts.now()), refunded: closed?.type === 'JobClosed' ? closed.refunded : 0n }
    } catch (err) {
      try {
        if (err instanceof LedgerError && err.code === 'EJobClosed' && (await ledger.job(jobId))?.status === 'closed') {
          // Closed by an earlier run whose record of the refund was lost (a restart): read it back.
          return { settlement: settlementOf([], opts.now()), refunded: (await jobPayouts(ledger, jobId)).refunded }
        }
        if (!(err instanceof LedgerError && err.code === 'ETasksPending')) throw err
        const unverified = await unverifiedTasks(ledger, jobId, verified)
        moved = await unstick(ledger, jobId, unverified, opts.now())
        if (moved === 0 && unverified.every((u) => u.task.state === 'open')) return await cancelAndClose(ledger, jobId, unverified, opts.now())
        settlement = settlementOf(unverified, opts.now())
        due = nextDeadline(unverified)
      } catch (readErr) {
        // A ledger that does not answer may answer later; anything else it refused is final.
        if (!(readErr instanceof LedgerUnavailableError)) throw readErr
        settlement = { state: 'pending', unsettledTasks: last?.unsettledTasks ?? [], unsettledCount: last?.unsettledCount ?? 0, reason: `the ledger did not answer: ${readErr.message}`, checkedMs: opts.now() }
      }
    }
    if (moved > 0) {
      // Tasks moved on the ledger: read them again at once.
      deadline = opts.now() + opts.patienceMs
      continue
    }
    if (last === undefined || settlement.unsettledCount < last.unsettledCount) deadline = opts.now() + opts.patienceMs
    last = settlement
    if (settlement.state === 'failed') return { settlement }
    // Out of patience: wait for the next ledger deadline, when a task can be moved on; without one, give up.
    const waitForDeadline = opts.now() > deadline
    if (waitForDeadline && due === undefined) return { settlement: { ...settlement, state: 'failed', reason: `${settlement.reason} (nothing settled for ${Math.round(opts.patienceMs / 1000)} s)` } }
    if (settlement.state === 'pending') await opts.onPending?.(settlement)
    const retryMs = opts.retryMs ?? 1_000
    // Looking again at least once per patience meanwhile: a verdict may still come first.
    const waitMs = waitForDeadline && due !== undefined ? Math.max(retryMs, Math.min(due - opts.now(), opts.patienceMs)) : retryMs
    await (opts.clock ?? systemClock).sleep(waitMs, opts.signal)
  }
}
