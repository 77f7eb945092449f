// An in-memory stand-in for the two ledger reads the explorer makes
// (events, node), with the ledger's paging and counts of the calls.
import type { ChainNode, EventQuery, LedgerEvent, LedgerEventBody } from '../../../../../node/ledger/index.ts'
import { MAX_EVENTS_PER_QUERY, ROLE } from '../../../../../node/ledger/index.ts'

export const addr = (n: number) => `0x${n.toString(16).padStart(64, '0')}`
export const jobIdOf = (n: number) => n.toString(16).padStart(64, '0')

export class FakeLedger {
  readonly log: LedgerEvent[] = []
  readonly nodes = new Map<string, ChainNode>()
  eventCalls = 0
  nodeCalls = 0
  failing?: Error

  emit(...bodies: LedgerEventBody[]): void {
    for (const body of bodies) this.log.push({ ...body, seq: this.log.length, txDigest: `tx${this.log.length}`, timestampMs: 1_000 + this.log.length } as LedgerEvent)
  }

  async events(query: EventQuery = {}): Promise<LedgerEvent[]> {
    this.eventCalls++
    if (this.failing !== undefined) throw this.failing
    const from = query.fromSeq ?? 0
    return this.log.slice(from, from + Math.min(query.limit ?? MAX_EVENTS_PER_QUERY, MAX_EVENTS_PER_QUERY))
  }

  async node(address: string): Promise<ChainNode | undefined> {
    this.nodeCalls++
    if (this.failing !== undefined) throw this.failing
    return this.nodes.get(address)
  }

  register(address: string, role: keyof typeof ROLE, stake: bigint, verified = 0, rejected = 0): void {
    this.emit({ type: 'NodeRegistered', node: address, role: ROLE[role], stake })
    this.nodes.set(address, { address, role: ROLE[role], stake, verified, rejected, withdrawAt: 0, openTasks: 0 })
  }
}

/** One job's life on the ledger: escrow, two tasks (one worker paid twice, one slashed once), a checker paid, the rest refunded. */
export function settledJob(ledger: FakeLedger, job: string, creator: string, worker: string, slashed: string, checker: string): void {
  ledger.emit(
    { type: 'JobCreated', jobId: job, creator, taskCount: 2, frameCount: 4, maxFrameCost: 1_000n, checkerFee: 100n, escrow: 4_400n },
    { type: 'TaskAssigned', jobId: job, taskIndex: 0, worker, frames: 2, frameCost: 900n },
    { type: 'WorkerPaid', jobId: job, taskIndex: 0, worker, amount: 1_800n },
    { type: 'CheckerPaid', jobId: job, taskIndex: 0, checker, amount: 100n },
    { type: 'WorkerSlashed', jobId: job, taskIndex: 1, worker: slashed, amount: 1_000_000n },
    { type: 'CheckerPaid', jobId: job, taskIndex: 1, checker, amount: 100n },
    { type: 'WorkerPaid', jobId: job, taskIndex: 1, worker, amount: 1_800n },
    { type: 'CheckerPaid', jobId: job, taskIndex: 1, checker, amount: 100n },
    { type: 'Refunded', jobId: job, creator, amount: 500n },
    { type: 'JobClosed', jobId: job, refunded: 500n }
  )
}
