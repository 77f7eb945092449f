// On-chain objects of the Move package, decoded from their BCS contents and
// mapped to the records of the Ledger interface. BCS is the concatenation of
// the fields, so nested framework structs are flattened: UID and ID are one
// address, Balance<T> one u64, Table<K, V> its `id` address and `size` u64
// (as `<field>_id`, `<field>_size`). A unit test checks these layouts
// against the structs in contracts/sources.

import type { ChainJob, ChainNode, ChainTask, LedgerRole } from '../types.ts'
import { type Layout, layoutParser } from './events.ts'

export const REGISTRY_LAYOUT = {
  id: 'address',
  nodes_id: 'address',
  nodes_size: 'count',
  checkers: 'addresses',
  jobs_id: 'address',
  jobs_size: 'count',
  min_stake: 'amount',
  slash_amount: 'amount',
  withdraw_delay_ms: 'count',
  checker_slots_id: 'address',
  checker_slots_size: 'count',
  commit_timeout_ms: 'count',
  verdict_timeout_ms: 'count',
  tasks_per_min_stake: 'count',
  max_checkers: 'count',
  appeal_window_ms: 'count'
} as const satisfies Layout

export const NODE_LAYOUT = {
  role: 'u8',
  stake: 'amount',
  verified: 'count',
  rejected: 'count',
  withdraw_at: 'count',
  open_tasks: 'count'
} as const satisfies Layout

export const JOB_LAYOUT = {
  id: 'address',
  registry: 'address',
  job_id: 'bytes',
  creator: 'address',
  escrow: 'amount',
  reserved: 'amount',
  task_count: 'count',
  frame_count: 'count',
  max_frame_cost: 'amount',
  checker_fee: 'amount',
  tasks_id: 'address',
  tasks_size: 'count',
  pending: 'count',
  verified: 'count',
  open: 'bool',
  closed: 'bool',
  verdicts_id: 'address',
  verdicts_size: 'count',
  appeals_id: 'address',
  appeals_size: 'count',
  appeal_fees: 'amount'
} as const satisfies Layout

export const TASK_LAYOUT = {
  state: 'u8',
  worker: 'address',
  frames: 'count',
  frame_cost: 'amount',
  root: 'bytes',
  checker: 'address',
  beacon: 'bytes',
  attempts: 'count',
  deadline: 'count',
  redraws: 'count'
} as const satisfies Layout

export interface RegistryFields {
  id: string
  nodesId: string
  nodesSize: number
  checkers: string[]
  jobsId: string
  jobsSize: number
  minStake: bigint
  slashAmount: bigint
  withdrawDelayMs: number
  checkerSlotsId: string
  checkerSlotsSize: number
  commitTimeoutMs: number
  verdictTimeoutMs: number
  tasksPerMinStake: number
  maxCheckers: number
  appealWindowMs: number
}

export interface NodeFields {
  role: number
  stake: bigint
  verified: number
  rejected: number
  withdrawAt: number
  openTasks: number
}

export interface JobFields {
  id: string
  registry: string
  jobId: string
  creator: string
  escrow: bigint
  reserved: bigint
  taskCount: number
  frameCount: number
  maxFrameCost: bigint
  checkerFee: bigint
  tasksId: string
  tasksSize: number
  pending: number
  verified: number
  open: boolean
  closed: boolean
  verdictsId: string
  verdictsSize: number
  appealsId: string
  appealsSize: number
  appealFees: bigint
}

export interface TaskFields {
  state: number
  worker: string
  frames: number
  frameCost: bigint
  merkleRoot: string
  checker: string
  beacon: string
  attempts: number
  deadline: number
  redraws: number
}

const registryParser = layoutParser('Registry', REGISTRY_LAYOUT)
const nodeParser = layoutParser('Node', NODE_LAYOUT)
const jobParser = layoutParser('Job', JOB_LAYOUT)
const taskParser = layoutParser('Task', TASK_LAYOUT)

// The layouts above and these interfaces name the same fields (camelCased).
export const parseRegistry = (bytes: Uint8Array) => registryParser(bytes) as unknown as RegistryFields
export const parseNode = (bytes: Uint8Array) => nodeParser(bytes) as unknown as NodeFields
export const parseJob = (bytes: Uint8Array) => jobParser(bytes) as unknown as JobFields
export const parseTask = (bytes: Uint8Array) => taskParser(bytes) as unknown as TaskFields

// === As the Ledger interface reports them (../types.ts) ===

export function toChainNode(address: string, node: NodeFields): ChainNode {
  const { role, stake, verified, rejected, withdrawAt, openTasks } = node
  return { address, role: role as LedgerRole, stake, verified, rejected, withdrawAt, openTasks }
}

export function toChainJob(job: JobFields): ChainJob {
  return {
    jobId: job.jobId,
    creator: job.creator,
    registry: job.registry,
    taskCount: job.taskCount,
    frameCount: job.frameCount,
    maxFrameCost: job.maxFrameCost,
    checkerFee: job.checkerFee,
    escrow: job.escrow,
    reserved: job.reserved,
    status: job.closed ? 'closed' : job.open ? 'open' : 'cancelled',
    verifiedTasks: job.verified,
    pendingTasks: job.pending,
    appealFees: job.appealFees
  }
}

/** task::state: 0 open, 1 assigned, 2 committed, 3 verified. A task with no record is Open. */
export function toChainTask(task: TaskFields | undefined): ChainTask {
  if (task === undefined) return { state: 'open', attempts: 0 }
  const { attempts, worker, frames, frameCost, merkleRoot, checker, beacon, deadline, redraws } = task
  switch (task.state) {
    case 1:
      return { state: 'assigned', attempts, worker, frames, frameCost, deadline }
    case 2:
      return { state: 'committed', attempts, worker, frames, frameCost, merkleRoot, checker, beacon, deadline, redraws }
    case 3:
      return { state: 'verified', attempts, worker, frames, frameCost, merkleRoot, checker, beacon, deadline, redraws }
    default:
      return { state: 'open', attempts }
  }
}
