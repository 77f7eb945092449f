// One handler per Move function (contracts/sources/), with the same checks
// in the same order, the same aborts and the same events in the same order,
// so both ledgers refuse the same transactions with the same code. A handler
// reads and writes only through the Draft: throwing anywhere leaves the
// ledger as it was.
//
// Differences that are the platform's, not the rules':
// - Stake, escrow and appeal fees come out of the sender's balance
//   (EInsufficientBalance); on Sui they are a Coin<T> argument and the split
//   fails before the call.
// - The registry a task call names is the chain's one registry (`0x` + chain
//   id); on Sui it is the Registry object the transaction passes.
// - An unknown job id is EUnknownJob; on Sui the Job object does not resolve.
// - u64 overflow is EOverflow everywhere; Move aborts with an arithmetic error
//   where it does not assert it explicitly.
import { LedgerError } from '../errors.ts'
import { type ChainNode, ROLE } from '../types.ts'
import type { Call, CallName } from './calls.ts'
import type { Draft } from './state.ts'
import { add, addCount, minU64, mul, sub } from './u64.ts'

type CallOf<N extends CallName> = Extract<Call, { call: N }>
type Handler<N extends CallName> = (d: Draft, sender: string, call: CallOf<N>) => void

function registered(d: Draft, sender: string) {
  const node = d.node(sender)
  if (node === undefined) throw new LedgerError('ENotRegistered', `${sender} is not a registered node`)
  return node
}

/** The job, if `registry` is the one it was created in (Move: `job::check_registry`). */
function boundJob(d: Draft, jobId: string, registry: string) {
  const job = d.job(jobId)
  if (job.registry !== registry) throw new LedgerError('ERegistryMismatch', `job ${jobId} belongs to registry ${job.registry}, not ${registry}`)
  return job
}

/**
 * `registry::has_capacity`: open tasks + 1 <= floor(stake / minStake) x
 * tasksPerMinStake, so what a worker can leave unfinished scales with what it
 * can lose.
 */
function hasCapacity(d: Draft, worker: ChainNode): boolean {
  if (d.params.minStake === 0n) return true
  return BigInt(worker.openTasks) + 1n <= (worker.stake / d.params.minStake) * BigInt(d.params.tasksPerMinStake)
}

/** One more (or one less) task or verdict `address` has open. */
function openWork(d: Draft, address: string, delta: 1 | -1): void {
  const node = d.node(address)!
  d.setNode({ ...node, openTasks: node.openTasks + delta })
}

function creatorsJob(d: Draft, sender: string, jobId: string, registry?: string) {
  const job = registry === undefined ? d.job(jobId) : boundJob(d, jobId, registry)
  if (job.creator !== sender) throw new LedgerError('ENotCreator', `only the job's creator may do this`)
  return job
}

/**
 * `registry::draw_checker`: eligible = the active checkers in order without
 * `excluded`; the beacon picks eligible[pickIndex]. Undefined when none is.
 */
function drawChecker(d: Draft, excluded: readonly string[]): string | undefined {
  const eligible = d.checkers().filter((a) => !excluded.includes(a) && d.node(a)!.withdrawAt === 0)
  return eligible.length === 0 ? undefined : eligible[pickIndex(d.ctx.beacon, eligible.length)]
}

/**
 * verify::MAX_REDRAWS: after this many redraws for one commitment, a missed
 * verdict pays the worker unchecked, so offline or colluding checkers cannot
 * hold a task forever.
 */
export const MAX_REDRAWS = 3

/** Move's @0x0: "nobody", where an event names no address. */
const NO_ADDRESS = `0x${'0'.repeat(64)}`

/** verify::pick: the beacon's first 8 bytes as a big-endian u64, modulo `count`. */
export function pickIndex(beacon: Uint8Array, count: number): number {
  const r = new DataView(beacon.buffer, beacon.byteOffset, 8).getBigUint64(0, false)
  return Number(r % BigInt(count))
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

export const HANDLERS: { [N in CallName]: Handler<N> } = {
  register(d, sender, { role, stake }) {
    if (d.node(sender) !== undefined) throw new LedgerError('EAlreadyRegistered', `${sender} is already registered`)
    if (role !== ROLE.creator && role !== ROLE.worker && role !== ROLE.checker) throw new LedgerError('EBadRole', `role ${role} is not 1, 2 or 3`)
    if (role !== ROLE.creator && stake < d.params.minStake) throw new LedgerError('EStakeTooLow', `stake ${stake} is below the minimum ${d.params.minStake}`)
    if (role === ROLE.checker && d.checkers().length >= d.params.maxCheckers) throw new LedgerError('ERegistryFull', `the registry has its ${d.params.maxCheckers} active checkers`)
    d.debit(sender, stake, 'stake')
    d.setNode({ address: sender, role, stake, verified: 0, rejected: 0, withdrawAt: 0, openTasks: 0 })
    if (role === ROLE.checker) d.addChecker(sender)
    d.emit({ type: 'NodeRegistered', node: sender, role, stake })
  },

  add_stake(d, sender, { amount }) {
    const node = registered(d, sender)
    const stake = add(node.stake, amount, 'stake')
    d.debit(sender, amount, 'stake')
    d.setNode({ ...node, stake })
    d.emit({ type: 'StakeAdded', node: sender, amount, stake })
    // A checker slashed below the minimum left the draw; back at it, it re-enters at the end (if there is room).
    const rejoins = node.role === ROLE.checker && node.withdrawAt === 0 && stake >= d.params.minStake
    if (rejoins && !d.checkers().includes(sender) && d.checkers().length < d.params.maxCheckers) d.addChecker(sender)
  },

  request_withdraw(d, sender) {
    const node = registered(d, sender)
    const withdrawAt = addCount(d.ctx.now, d.params.withdrawDelayMs, 'withdraw time')
    d.removeChecker(sender)
    d.setNode({ ...node, withdrawAt })
    d.emit({ type: 'WithdrawRequested', node: sender, withdrawAt })
  },

  withdraw(d, sender) {
    const node = registered(d, sender)
    if (node.withdrawAt === 0) throw new LedgerError('ENotRequested', 'request_withdraw first')
    if (d.ctx.now < node.withdrawAt) throw new LedgerError('ETooEarly', `stake is locked until ${new Date(node.withdrawAt).toISOString()}`)
    if (node.openTasks > 0) throw new LedgerError('EOpenWork', `${node.openTasks} tasks or verdicts still open`)
    // withdraw_at stays set: a node that left is never active again.
    d.emit({ type: 'Withdrawn', node: sender, amount: node.stake })
    d.credit(sender, node.stake, 'balance')
    d.setNode({ ...node, stake: 0n })
  },

  create_job(d, sender, c) {
    if (c.taskCount < 1 || c.frameCount < c.taskCount) throw new LedgerError('EBadArgs', 'a job needs 1 <= task_count <= frame_count')
    // Two checker fees per task: one re-check after a rejected result.
    const need = add(mul(BigInt(c.frameCount), c.maxFrameCost, 'frames x price cap'), mul(2n * BigInt(c.taskCount), c.checkerFee, 'checker fees'), 'escrow needed')
    if (d.hasJob(c.jobId)) throw new LedgerError('EJobExists', `job ${c.jobId} exists`)
    if (c.escrow < need) throw new LedgerError('EEscrowTooLow', `escrow ${c.escrow} is below ${need}`)
    d.debit(sender, c.escrow, 'escrow')
    const { jobId, taskCount, frameCount, maxFrameCost, checkerFee, escrow } = c
    d.emit({ type: 'JobCreated', jobId, creator: sender, taskCount, frameCount, maxFrameCost, checkerFee, escrow })
    d.setJob({ jobId, creator: sender, registry: d.base.registry, taskCount, frameCount, maxFrameCost, checkerFee, escrow, reserved: 0n, status: 'open', verifiedTasks: 0, pendingTasks: 0, appealFees: 0n })
  },

  assign_task(d, sender, c) {
    const job = creatorsJob(d, sender, c.jobId, c.registry)
    if (job.status !== 'open') throw new LedgerError('EJobClosed', `job is ${job.status}: no new assignments`)
    if (c.taskIndex >= job.taskCount || c.frames < 1) throw new LedgerError('EBadArgs', `task ${c.taskIndex} of ${job.taskCount} with ${c.frames} frames`)
    const task = d.task(job.jobId, c.taskIndex) ?? { state: 'open', attempts: 0 }
    if (task.state !== 'open') throw new LedgerError('ETaskState', `task ${c.taskIndex} is ${task.state}`)
    if (c.frameCost > job.maxFrameCost) throw new LedgerError('EPriceAboveCap', `frame cost ${c.frameCost} is above the cap ${job.maxFrameCost}`)
    const worker = d.node(c.worker)
    if (worker === undefined || worker.role !== ROLE.worker || worker.withdrawAt !== 0 || worker.stake < d.params.minStake) {
      throw new LedgerError('ENotWorker', `${c.worker} is not an active worker`)
    }
    if (!hasCapacity(d, worker)) throw new LedgerError('EStakeTooLow', `${c.worker} holds ${worker.openTasks} open tasks, all its stake of ${worker.stake} covers`)
    // Exact arithmetic (Move: u256) so a huge price is EEscrowTooLow, not an overflow.
    const hold = BigInt(c.frames) * c.frameCost + job.checkerFee
    const free = sub(job.escrow, job.reserved, 'unreserved escrow')
    if (hold > free) throw new LedgerError('EEscrowTooLow', `task needs ${hold}; the job has ${free} unreserved`)
    d.setJob({ ...job, reserved: job.reserved + hold, pendingTasks: job.pendingTasks + 1 })
    const deadline = addCount(d.ctx.now, d.params.commitTimeoutMs, 'deadline')
    d.setTask(job.jobId, c.taskIndex, { state: 'assigned', attempts: task.attempts + 1, worker: c.worker, frames: c.frames, frameCost: c.frameCost, deadline })
    d.setNode({ ...worker, openTasks: worker.openTasks + 1 })
    d.emit({ type: 'TaskAssigned', jobId: job.jobId, taskIndex: c.taskIndex, worker: c.worker, frames: c.frames, frameCost: c.frameCost })
  },

  commit_result(d, sender, c) {
    const job = boundJob(d, c.jobId, c.registry)
    const task = d.task(job.jobId, c.taskIndex)
    if (task === undefined || task.state === 'open' || task.worker !== sender) throw new LedgerError('ENotAssignedWorker', `task ${c.taskIndex} is not assigned to ${sender}`)
    if (task.state !== 'assigned') throw new LedgerError('ETaskState', `task ${c.taskIndex} is ${task.state}`)
    const checker = drawChecker(d, [sender, job.creator])
    if (checker === undefined) throw new LedgerError('ENoChecker', 'no registered checker can check this task')
    const beacon = hex(d.ctx.beacon)
    d.emit({ type: 'ResultCommitted', jobId: job.jobId, taskIndex: c.taskIndex, worker: sender, merkleRoot: c.merkleRoot })
    d.emit({ type: 'CheckerAssigned', jobId: job.jobId, taskIndex: c.taskIndex, checker, beacon })
    const deadline = addCount(d.ctx.now, d.params.verdictTimeoutMs, 'deadline')
    d.setTask(job.jobId, c.taskIndex, { ...task, state: 'committed', merkleRoot: c.merkleRoot, checker, beacon, deadline, redraws: 0 })
    openWork(d, checker, 1)
  },

  submit_verdict(d, sender, c) {
    const job = boundJob(d, c.jobId, c.registry)
    const task = d.task(job.jobId, c.taskIndex)
    if (task === undefined || (task.state !== 'committed' && task.state !== 'verified') || task.checker !== sender) {
      throw new LedgerError('ENotAssignedChecker', `${sender} is not the checker of task ${c.taskIndex}`)
    }
    if (task.state !== 'committed') throw new LedgerError('ETaskState', `task ${c.taskIndex} is ${task.state}`)
    const { jobId, taskIndex } = c
    // assign_task reserved this and more, so it fits in a u64.
    const payout = BigInt(task.frames) * task.frameCost
    const fee = job.checkerFee
    const worker = d.node(task.worker)!
    const reserved = sub(job.reserved, payout + fee, 'reserved escrow')
    let escrow = sub(job.escrow, fee, 'escrow')
    // Kept for an appeal: a rejected task forgets its worker, checker and root below.
    d.setVerdict(jobId, taskIndex, { worker: task.worker, checker: sender, merkleRoot: task.merkleRoot, accepted: c.accepted, atMs: d.ctx.now, appealed: false })
    d.emit({ type: 'VerdictSubmitted', jobId, taskIndex, checker: sender, accepted: c.accepted })
    if (c.accepted) {
      escrow = sub(escrow, payout, 'escrow')
      d.credit(task.worker, payout, 'balance')
      d.setNode({ ...worker, verified: worker.verified + 1, openTasks: worker.openTasks - 1 })
      d.setTask(jobId, taskIndex, { ...task, state: 'verified', deadline: 0 })
      d.emit({ type: 'WorkerPaid', jobId, taskIndex, worker: task.worker, amount: payout })
    } else {
      // The payout returns to the unreserved escrow; the task reopens for another worker.
      // The whole slash goes to the creator: the checker earns its fee and nothing more for rejecting.
      const amount = minU64(worker.stake, d.params.slashAmount)
      d.setNode({ ...worker, stake: worker.stake - amount, rejected: worker.rejected + 1, openTasks: worker.openTasks - 1 })
      d.credit(job.creator, amount, 'balance')
      d.setTask(jobId, taskIndex, { state: 'open', attempts: task.attempts })
      d.emit({ type: 'WorkerSlashed', jobId, taskIndex, worker: task.worker, amount })
    }
    openWork(d, sender, -1)
    d.credit(sender, fee, 'balance')
    const verifiedTasks = job.verifiedTasks + (c.accepted ? 1 : 0)
    d.setJob({ ...job, escrow, reserved, verifiedTasks, pendingTasks: job.pendingTasks - 1 })
    d.emit({ type: 'CheckerPaid', jobId, taskIndex, checker: sender, amount: fee })
  },

  cancel_job(d, sender, { jobId }) {
    const job = creatorsJob(d, sender, jobId)
    if (job.status !== 'open') throw new LedgerError('EJobClosed', `job is already ${job.status}`)
    // Assigned and Committed tasks keep their reservation: they may still settle.
    const refunded = sub(job.escrow, job.reserved, 'unreserved escrow')
    d.setJob({ ...job, status: 'cancelled', escrow: job.reserved })
    d.emit({ type: 'Refunded', jobId, creator: job.creator, amount: refunded })
    d.credit(job.creator, refunded, 'balance')
    d.emit({ type: 'JobCancelled', jobId, refunded })
  },

  close_job(d, sender, { jobId }) {
    const job = creatorsJob(d, sender, jobId)
    if (job.status === 'closed') throw new LedgerError('EJobClosed', 'job is already closed')
    const settled = job.status === 'open' ? job.verifiedTasks === job.taskCount : job.pendingTasks === 0
    if (!settled) throw new LedgerError('ETasksPending', job.status === 'open' ? `${job.taskCount - job.verifiedTasks} tasks are not verified` : `${job.pendingTasks} tasks are still assigned or committed`)
    const refunded = job.escrow
    d.setJob({ ...job, status: 'closed', escrow: 0n })
    d.emit({ type: 'Refunded', jobId, creator: job.creator, amount: refunded })
    d.credit(job.creator, refunded, 'balance')
    d.emit({ type: 'JobClosed', jobId, refunded })
  },

  reclaim_task(d, sender, c) {
    const job = creatorsJob(d, sender, c.jobId, c.registry)
    const { jobId, taskIndex } = c
    const task = d.task(jobId, taskIndex)
    if (task?.state !== 'assigned') throw new LedgerError('ETaskState', `task ${taskIndex} is ${task?.state ?? 'open'}, not assigned`)
    if (d.ctx.now < task.deadline) throw new LedgerError('ETooEarly', `task ${taskIndex}'s commitment is due until ${new Date(task.deadline).toISOString()}`)
    // No slash: silence is not cheating. The reservation returns to the unreserved escrow.
    const hold = BigInt(task.frames) * task.frameCost + job.checkerFee
    d.setJob({ ...job, reserved: sub(job.reserved, hold, 'reserved escrow'), pendingTasks: job.pendingTasks - 1 })
    d.setTask(jobId, taskIndex, { state: 'open', attempts: task.attempts })
    openWork(d, task.worker, -1)
    d.emit({ type: 'TaskReclaimed', jobId, taskIndex, worker: task.worker })
  },

  redraw_checker(d, _sender, c) {
    const job = boundJob(d, c.jobId, c.registry)
    const { jobId, taskIndex } = c
    const task = d.task(jobId, taskIndex)
    if (task?.state !== 'committed') throw new LedgerError('ETaskState', `task ${taskIndex} is ${task?.state ?? 'open'}, not committed`)
    if (d.ctx.now < task.deadline) throw new LedgerError('ETooEarly', `task ${taskIndex}'s verdict is due until ${new Date(task.deadline).toISOString()}`)
    const late = task.checker
    openWork(d, late, -1)
    d.emit({ type: 'CheckerTimedOut', jobId, taskIndex, checker: late })
    const checker = task.redraws < MAX_REDRAWS ? drawChecker(d, [late, task.worker, job.creator]) : undefined
    if (checker !== undefined) {
      const beacon = hex(d.ctx.beacon)
      d.emit({ type: 'CheckerAssigned', jobId, taskIndex, checker, beacon })
      const deadline = addCount(d.ctx.now, d.params.verdictTimeoutMs, 'deadline')
      d.setTask(jobId, taskIndex, { ...task, checker, beacon, deadline, redraws: task.redraws + 1 })
      openWork(d, checker, 1)
      return
    }
    // No one else may check it: the worker is paid as if accepted; the checker fee stays in the escrow.
    const payout = BigInt(task.frames) * task.frameCost
    const reserved = sub(job.reserved, payout + job.checkerFee, 'reserved escrow')
    d.setJob({ ...job, escrow: sub(job.escrow, payout, 'escrow'), reserved, verifiedTasks: job.verifiedTasks + 1, pendingTasks: job.pendingTasks - 1 })
    d.credit(task.worker, payout, 'balance')
    d.setTask(jobId, taskIndex, { ...task, state: 'verified', deadline: 0 })
    openWork(d, task.worker, -1)
    d.emit({ type: 'WorkerPaid', jobId, taskIndex, worker: task.worker, amount: payout })
  },

  top_up_job(d, sender, { jobId, amount }) {
    const job = creatorsJob(d, sender, jobId)
    if (job.status === 'closed') throw new LedgerError('EJobClosed', 'job is closed')
    d.debit(sender, amount, 'escrow')
    const escrow = add(job.escrow, amount, 'escrow')
    d.setJob({ ...job, escrow })
    d.emit({ type: 'JobToppedUp', jobId, creator: job.creator, amount, escrow })
  },

  appeal(d, sender, c) {
    const job = boundJob(d, c.jobId, c.registry)
    const { jobId, taskIndex } = c
    const verdict = d.verdict(jobId, taskIndex)
    if (verdict === undefined) throw new LedgerError('ENoVerdict', `task ${taskIndex} has no verdict to appeal`)
    if (sender !== job.creator && sender !== verdict.worker) throw new LedgerError('ENotAppellant', `only the job's creator or the verdict's worker may appeal it`)
    const age = d.ctx.now - verdict.atMs
    if (age > d.params.appealWindowMs) throw new LedgerError('EAppealWindow', `the verdict is ${age} ms old; appeals close ${d.params.appealWindowMs} ms after it`)
    const last = d.appeal(jobId, taskIndex)
    if (verdict.appealed || (last !== undefined && !last.judged)) throw new LedgerError('EAppealExists', verdict.appealed ? 'this verdict was appealed already' : `task ${taskIndex} has an appeal not judged yet`)
    // Drawn with this transaction's beacon (beacon.ts): unknown to the appellant until the appeal is final.
    const checker = drawChecker(d, [verdict.checker, verdict.worker, job.creator])
    if (checker === undefined) throw new LedgerError('ENoChecker', 'no registered checker other than the verdict\'s checker, the worker and the creator')
    const fee = job.checkerFee
    d.debit(sender, fee, 'appeal fee')
    const beacon = hex(d.ctx.beacon)
    const { worker, merkleRoot } = verdict
    d.emit({ type: 'AppealOpened', jobId, taskIndex, appellant: sender, worker, verdictChecker: verdict.checker, merkleRoot, checker, beacon, fee })
    d.setVerdict(jobId, taskIndex, { ...verdict, appealed: true })
    const deadlineMs = addCount(d.ctx.now, d.params.verdictTimeoutMs, 'appeal deadline')
    d.setAppeal(jobId, taskIndex, { appellant: sender, worker, verdictChecker: verdict.checker, merkleRoot, verdictAccepted: verdict.accepted, checker, beacon, judged: false, deadlineMs, cancelled: false })
    d.setJob({ ...job, appealFees: add(job.appealFees, fee, 'appeal fees') })
    openWork(d, checker, 1)
  },

  judge_appeal(d, sender, c) {
    const job = boundJob(d, c.jobId, c.registry)
    const { jobId, taskIndex, accepted } = c
    const open = d.appeal(jobId, taskIndex)
    if (open === undefined || open.judged || open.checker !== sender) throw new LedgerError('ENotAppealChecker', `${sender} is not the checker of an open appeal on task ${taskIndex}`)
    const overturned = accepted !== open.verdictAccepted
    let slashed = 0n
    let slashedTo = NO_ADDRESS
    if (overturned) {
      // The wronged party: the creator paid for work a lenient checker accepted; the worker lost its stake to a wrong rejection.
      const first = d.node(open.verdictChecker)!
      slashed = minU64(first.stake, d.params.slashAmount)
      slashedTo = open.verdictAccepted ? job.creator : open.worker
      d.setNode({ ...first, stake: first.stake - slashed })
      // Below the minimum it is drawn no more (Move: registry::slash_checker); add_stake brings it back.
      if (first.stake - slashed < d.params.minStake) d.removeChecker(open.verdictChecker)
      d.credit(slashedTo, slashed, 'balance')
    }
    const fee = job.checkerFee
    d.setJob({ ...job, appealFees: sub(job.appealFees, fee, 'appeal fees') })
    d.credit(sender, fee, 'balance')
    d.setAppeal(jobId, taskIndex, { ...open, judged: true })
    openWork(d, sender, -1)
    d.emit({ type: 'AppealJudged', jobId, taskIndex, checker: sender, accepted, overturned, verdictChecker: open.verdictChecker, slashed, slashedTo, fee })
  },

  cancel_appeal(d, sender, c) {
    const job = boundJob(d, c.jobId, c.registry)
    const { jobId, taskIndex } = c
    const open = d.appeal(jobId, taskIndex)
    if (open === undefined || open.judged || open.appellant !== sender) throw new LedgerError('ENotAppellant', `${sender} is not the appellant of an open appeal on task ${taskIndex}`)
    if (d.ctx.now < open.deadlineMs) throw new LedgerError('ETooEarly', `the appeal's checker has until ${open.deadlineMs} to judge it`)
    const fee = job.checkerFee
    d.setJob({ ...job, appealFees: sub(job.appealFees, fee, 'appeal fees') })
    d.credit(sender, fee, 'balance')
    // An open appeal blocks newer appeals, so the last verdict is the appealed one or an unappealed newer one.
    const verdict = d.verdict(jobId, taskIndex)!
    d.setVerdict(jobId, taskIndex, { ...verdict, appealed: false })
    d.setAppeal(jobId, taskIndex, { ...open, judged: true, cancelled: true })
    openWork(d, open.checker, -1)
    d.emit({ type: 'AppealCancelled', jobId, taskIndex, appellant: sender, checker: open.checker, fee })
  }
}
