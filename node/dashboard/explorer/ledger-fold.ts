// The explorer's reading of the ledger's event stream, folded one event at a
// time (pure, no I/O): the money events (escrow locked, payments, slashes,
// refunds), each job's totals and state, and each address's record as a
// worker (tasks paid, slashes). Each is bounded: the newest events, the most
// recently active jobs and addresses.
import { RecentMap } from '../../net/recent-map.ts'
import { type ChainJobStatus, type LedgerEvent, type LedgerEventType, type LedgerRoleName, ROLE_NAMES } from '../../ledger/index.ts'

export interface LedgerFoldLimits {
  /** Money events kept, newest first. */
  maxEvents: number
  maxJobs: number
  maxParties: number
}

export const LEDGER_FOLD_LIMITS: LedgerFoldLimits = { maxEvents: 500, maxJobs: 1_000, maxParties: 2_000 }

export type MoneyKind = 'escrow' | 'pay' | 'slash' | 'refund'

export interface MoneyEvent {
  seq: number
  type: LedgerEventType
  kind: MoneyKind
  /** What happened, in the dashboard's words: "escrow locked", "worker paid"... */
  label: string
  jobId: string
  taskIndex?: number
  /** The address the money came from (escrow, slash) or went to (pay, refund). */
  party: string
  amount: bigint
  timestampMs: number
  txDigest: string
}

export interface JobTotals {
  jobId: string
  creator: string
  taskCount: number
  frameCount: number
  maxFrameCost: bigint
  /** Locked at creation plus top-ups. */
  escrow: bigint
  workersPaid: bigint
  checkersPaid: bigint
  tasksPaid: number
  refunded: bigint
  /** Workers' stake slashed for this job's rejected results. */
  slashed: bigint
  status: ChainJobStatus
  createdMs: number
  lastEventMs: number
}

export interface PartyRecord {
  address: string
  role?: LedgerRoleName
  tasksPaid: number
  earned: bigint
  slashes: number
  slashed: bigint
  lastEventMs: number
}

/** The money an event moved, or undefined for events that move none. */
export function moneyEventOf(e: LedgerEvent): MoneyEvent | undefined {
  const at = { seq: e.seq, type: e.type, timestampMs: e.timestampMs, txDigest: e.txDigest }
  switch (e.type) {
    case 'JobCreated':
      return { ...at, kind: 'escrow', label: 'escrow locked', jobId: e.jobId, party: e.creator, amount: e.escrow }
    case 'JobToppedUp':
      return { ...at, kind: 'escrow', label: 'escrow topped up', jobId: e.jobId, party: e.creator, amount: e.amount }
    case 'WorkerPaid':
      return { ...at, kind: 'pay', label: 'worker paid', jobId: e.jobId, taskIndex: e.taskIndex, party: e.worker, amount: e.amount }
    case 'CheckerPaid':
      return { ...at, kind: 'pay', label: 'checker paid', jobId: e.jobId, taskIndex: e.taskIndex, party: e.checker, amount: e.amount }
    case 'WorkerSlashed':
      return { ...at, kind: 'slash', label: 'worker slashed', jobId: e.jobId, taskIndex: e.taskIndex, party: e.worker, amount: e.amount }
    case 'AppealJudged':
      return e.slashed > 0n ? { ...at, kind: 'slash', label: 'checker slashed', jobId: e.jobId, taskIndex: e.taskIndex, party: e.verdictChecker, amount: e.slashed } : undefined
    case 'Refunded':
      return { ...at, kind: 'refund', label: 'refund', jobId: e.jobId, party: e.creator, amount: e.amount }
    default:
      return undefined
  }
}

export class LedgerFold {
  readonly events: RecentMap<number, MoneyEvent>
  readonly jobs: RecentMap<string, JobTotals>
  readonly parties: RecentMap<string, PartyRecord>

  constructor(limits: Partial<LedgerFoldLimits> = {}) {
    const l = { ...LEDGER_FOLD_LIMITS, ...limits }
    this.events = new RecentMap(l.maxEvents)
    this.jobs = new RecentMap(l.maxJobs)
    this.parties = new RecentMap(l.maxParties)
  }

  /** Folds in the next event of the stream (in seq order). */
  add(e: LedgerEvent): void {
    const money = moneyEventOf(e)
    if (money !== undefined) this.events.update(e.seq, () => money)
    const t = e.timestampMs
    switch (e.type) {
      case 'NodeRegistered':
        this.party(e.node, t, (p) => ({ ...p, role: ROLE_NAMES[e.role] }))
        break
      case 'JobCreated':
        this.jobs.update(e.jobId, () => ({
          jobId: e.jobId,
          creator: e.creator,
          taskCount: e.taskCount,
          frameCount: e.frameCount,
          maxFrameCost: e.maxFrameCost,
          escrow: e.escrow,
          workersPaid: 0n,
          checkersPaid: 0n,
          tasksPaid: 0,
          refunded: 0n,
          slashed: 0n,
          status: 'open',
          createdMs: t,
          lastEventMs: t
        }))
        break
      case 'JobToppedUp':
        this.job(e.jobId, t, (j) => ({ ...j, escrow: j.escrow + e.amount }))
        break
      case 'WorkerPaid':
        this.job(e.jobId, t, (j) => ({ ...j, workersPaid: j.workersPaid + e.amount, tasksPaid: j.tasksPaid + 1 }))
        this.party(e.worker, t, (p) => ({ ...p, tasksPaid: p.tasksPaid + 1, earned: p.earned + e.amount }))
        break
      case 'CheckerPaid':
        this.job(e.jobId, t, (j) => ({ ...j, checkersPaid: j.checkersPaid + e.amount }))
        break
      case 'WorkerSlashed':
        this.job(e.jobId, t, (j) => ({ ...j, slashed: j.slashed + e.amount }))
        this.party(e.worker, t, (p) => ({ ...p, slashes: p.slashes + 1, slashed: p.slashed + e.amount }))
        break
      case 'AppealJudged':
        if (e.slashed > 0n) this.party(e.verdictChecker, t, (p) => ({ ...p, slashes: p.slashes + 1, slashed: p.slashed + e.slashed }))
        break
      case 'Refunded':
        this.job(e.jobId, t, (j) => ({ ...j, refunded: j.refunded + e.amount }))
        break
      case 'JobClosed':
        this.job(e.jobId, t, (j) => ({ ...j, status: 'closed' }))
        break
      case 'JobCancelled':
        this.job(e.jobId, t, (j) => ({ ...j, status: 'cancelled' }))
        break
    }
  }

  /** A job's later events change it only while its JobCreated is still held (totals without it would be partial). */
  private job(jobId: string, t: number, change: (j: JobTotals) => JobTotals): void {
    if (this.jobs.get(jobId) !== undefined) this.jobs.update(jobId, (j) => ({ ...change(j!), lastEventMs: t }))
  }

  private party(address: string, t: number, change: (p: PartyRecord) => PartyRecord): void {
    this.parties.update(address, (p) => ({ ...change(p ?? { address, tasksPaid: 0, earned: 0n, slashes: 0, slashed: 0n, lastEventMs: t }), lastEventMs: t }))
  }
}
