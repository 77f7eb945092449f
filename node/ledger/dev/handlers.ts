// One handler per Move function (contracts/sources/), with the same checks
// in the same order, the same aborts and the same events in the same order,
// so both ledgers refuse the same transactions with the same code. A handler
// reads and writes only through the Draft: throwing anywhere leaves the
// ledger as it was.
//
// Differences that are the platform's, not the rules':
// - Stake and escrow come out of the sender's balance (EInsufficientBalance);
//   on Sui they are a Coin<T> argument and the split fails before the call.
// - An unknown job id is EUnknownJob; on Sui the Job object does not resolve.
// - u64 overflow is EOverflow everywhere; Move aborts with an arithmetic error
//   where it does not assert it explicitly.
import { LedgerError } from '../errors.ts'
import { ROLE } from '../types.ts'
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

function creatorsJob(d: Draft, sender: string, jobId: string) {
  const job = d.job(jobId)
  if (job.creator !== sender) throw new LedgerError('ENotCreator', `only the job's creator may do this`)
  return job
}

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
    d.debit(sender, stake, 'stake')
    d.setNode({ address: sender, role, stake, verified: 0, rejected: 0, withdrawAt: 0 })
    if (role === ROLE.checker) d.addChecker(sender)
    d.emit({ type: 'NodeRegistered', node: sender, role, stake })
  },

  add_stake(d, sender, { amount }) {
    const node = registered(d, sender)
    const stake = add(node.stake, amount, 'stake')
    d.debit(sender, amount, 'stake')
    d.setNode({ ...node, stake })
    d.emit({ type: 'StakeAdded', node: sender, amount, stake })
  },

  request_withdraw(d, sender) {
    const node = registered(d, sender)
    const withdrawAt = addCount(d.ctx.now, d.params.withdrawDelayMs, 'withdraw time')
    d.setNode({ ...node, withdrawAt })
    d.emit({ type: 'WithdrawRequested', node: sender, withdrawAt })
  },

  withdraw(d, sender) {
    const node = registered(d, sender)
    if (node.withdrawAt === 0) throw new LedgerError('ENotRequested', 'request_withdraw first')
    if (d.ctx.now < node.withdrawAt) throw new LedgerError('ETooEarly', `stake is locked until ${new Date(node.withdrawAt).toISOString()}`)
    // withdraw_at stays set: a node that left is never active again.
    d.emit({ type: 'Withdrawn', node: sender, amount: node.stake })
    d.credit(sender, node.stake, 'balance')
    d.setNode({ ...node, stake: 0n })
  },

  create_job(d, sender, c) {
    if (c.taskCount < 1 || c.frameCount < c.taskCount) throw new LedgerError('EBadArgs', 'a job needs 1 <= task_count <= frame_count')
    const need = add(mul(BigInt(c.frameCount), c.maxFrameCost, 'frames x price cap'), mul(BigInt(c.taskCount), c.checkerFee, 'checker fees'), 'escrow needed')
    if (d.hasJob(c.jobId)) throw new LedgerError('EJobExists', `job ${c.jobId} exists`)
    if (c.escrow < need) throw new LedgerError('EEscrowTooLow', `escrow ${c.escrow} is below ${need}`)
    d.debit(sender, c.escrow, 'escrow')
    const { jobId, taskCount, frameCount, maxFrameCost, checkerFee, escrow } = c
    d.emit({ type: 'JobCreated', jobId, creator: sender, taskCount, frameCount, maxFrameCost, checkerFee, escrow })
    d.setJob({ jobId, creator: sender, taskCount, frameCount, maxFrameCost, checkerFee, escrow, reserved: 0n, status: 'open', verifiedTasks: 0, pendingTasks: 0 })
  },

  assign_task(d, sender, c) {
    const job = creatorsJob(d, sender, c.jobId)
    if (job.status !== 'open') throw new LedgerError('EJobClosed', `job is ${job.status}: no new assignments`)
    if (c.taskIndex >= job.taskCount || c.frames < 1) throw new LedgerError('EBadArgs', `task ${c.taskIndex} of ${job.taskCount} with ${c.frames} frames`)
    const task = d.task(job.jobId, c.taskIndex) ?? { state: 'open', attempts: 0 }
    if (task.state !== 'open') throw new LedgerError('ETaskState', `task ${c.taskIndex} is ${task.state}`)
    if (c.frameCost > job.maxFrameCost) throw new LedgerError('EPriceAboveCap', `frame cost ${c.frameCost} is above the cap ${job.maxFrameCost}`)
    const worker = d.node(c.worker)
    if (worker === undefined || worker.role !== ROLE.worker || worker.withdrawAt !== 0 || worker.stake < d.params.minStake) {
      throw new LedgerError('ENotWorker', `${c.worker} is not an active worker`)
    }
    // Exact arithmetic (Move: u256) so a huge price is EEscrowTooLow, not an overflow.
    const hold = BigInt(c.frames) * c.frameCost + job.checkerFee
    const free = sub(job.escrow, job.reserved, 'unreserved escrow')
    if (hold > free) throw new LedgerError('EEscrowTooLow', `task needs ${hold}; the job has ${free} unreserved`)
    d.setJob({ ...job, reserved: job.reserved + hold, pendingTasks: job.pendingTasks + 1 })
    d.setTask(job.jobId, c.taskIndex, { state: 'assigned', attempts: task.attempts + 1, worker: c.worker, frames: c.frames, frameCost: c.frameCost })
    d.emit({ type: 'TaskAssigned', jobId: job.jobId, taskIndex: c.taskIndex, worker: c.worker, frames: c.frames, frameCost: c.frameCost })
  },

  commit_result(d, sender, c) {
    const job = d.job(c.jobId)
    const task = d.task(job.jobId, c.taskIndex)
    if (task === undefined || task.state === 'open' || task.worker !== sender) throw new LedgerError('ENotAssignedWorker', `task ${c.taskIndex} is not assigned to ${sender}`)
    if (task.state !== 'assigned') throw new LedgerError('ETaskState', `task ${c.taskIndex} is ${task.state}`)
    const eligible = d.checkers().filter((a) => a !== sender && a !== job.creator && d.node(a)!.withdrawAt === 0)
    if (eligible.length === 0) throw new LedgerError('ENoChecker', 'no registered checker can check this task')
    const checker = eligible[pickIndex(d.ctx.beacon, eligible.length)]
    const beacon = hex(d.ctx.beacon)
    d.emit({ type: 'ResultCommitted', jobId: job.jobId, taskIndex: c.taskIndex, worker: sender, merkleRoot: c.merkleRoot })
    d.emit({ type: 'CheckerAssigned', jobId: job.jobId, taskIndex: c.taskIndex, checker, beacon })
    d.setTask(job.jobId, c.taskIndex, { ...task, state: 'committed', merkleRoot: c.merkleRoot, checker, beacon })
  },

  submit_verdict(d, sender, c) {
    const job = d.job(c.jobId)
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
    d.emit({ type: 'VerdictSubmitted', jobId, taskIndex, checker: sender, accepted: c.accepted })
    if (c.accepted) {
      escrow = sub(escrow, payout, 'escrow')
      d.credit(task.worker, payout, 'balance')
      d.setNode({ ...worker, verified: worker.verified + 1 })
      d.setTask(jobId, taskIndex, { ...task, state: 'verified' })
      d.emit({ type: 'WorkerPaid', jobId, taskIndex, worker: task.worker, amount: payout })
    } else {
      // The payout returns to the unreserved escrow; the task reopens for another worker.
      const amount = minU64(worker.stake, d.params.slashAmount)
      const toChecker = amount / 2n
      d.setNode({ ...worker, stake: worker.stake - amount, rejected: worker.rejected + 1 })
      d.credit(sender, toChecker, 'balance')
      d.credit(job.creator, amount - toChecker, 'balance')
      d.setTask(jobId, taskIndex, { state: 'open', attempts: task.attempts })
      d.emit({ type: 'WorkerSlashed', jobId, taskIndex, worker: task.worker, amount, toChecker, toCreator: amount - toChecker })
    }
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
  }
}
