// What the explorer's routes answer, built from what gossip showed this node
// (GossipSeen) and what the ledger says (LedgerFold, node records). Pure:
// the routes gather the inputs. Amounts go out as decimal micro-PIC strings
// with the PIC reading beside them, so the page formats nothing itself.
import type { ChainNode } from '../../ledger/index.ts'
import { formatPic } from '../../ledger/wallet.ts'
import type { SeenJob, SeenWorker } from '../../net/gossip-seen.ts'
import type { JobTotals, LedgerFold, MoneyEvent, PartyRecord } from './ledger-fold.ts'
import type { LedgerTailStatus } from './ledger-tail.ts'

export interface Amount {
  micro: string
  pic: string
}

export const amountOf = (micro: bigint): Amount => ({ micro: micro.toString(), pic: formatPic(micro) })

/** null: this node runs without a ledger. */
export type LedgerState = LedgerTailStatus | null

export interface ExplorerJob {
  jobId: string
  /** When this node first heard of it, on gossip or on the ledger. */
  firstSeenMs: number
  gossip: SeenJob | null
  ledger: {
    creator: string
    taskCount: number
    frameCount: number
    status: JobTotals['status']
    escrow: Amount
    workersPaid: Amount
    checkersPaid: Amount
    tasksPaid: number
    refunded: Amount
    slashed: Amount
    createdMs: number
  } | null
}

export interface ExplorerWorker {
  /** null for a worker known only from the ledger (its offers were not heard). */
  peerId: string | null
  address: string
  /** Its latest offer. */
  gossip: SeenWorker | null
  /** Its reputation: the ledger's node record and what the events paid and slashed. */
  ledger: {
    registered: boolean
    stake: Amount | null
    verified: number | null
    rejected: number | null
    tasksPaid: number
    earned: Amount
    slashes: number
    slashed: Amount
  } | null
}

export interface ExplorerLedgerEvent {
  seq: number
  type: MoneyEvent['type']
  kind: MoneyEvent['kind']
  label: string
  jobId: string
  taskIndex: number | null
  party: string
  amount: Amount
  timestampMs: number
  txDigest: string
}

function ledgerJob(t: JobTotals): NonNullable<ExplorerJob['ledger']> {
  return {
    creator: t.creator,
    taskCount: t.taskCount,
    frameCount: t.frameCount,
    status: t.status,
    escrow: amountOf(t.escrow),
    workersPaid: amountOf(t.workersPaid),
    checkersPaid: amountOf(t.checkersPaid),
    tasksPaid: t.tasksPaid,
    refunded: amountOf(t.refunded),
    slashed: amountOf(t.slashed),
    createdMs: t.createdMs
  }
}

/** Jobs from both sources, one row per job id, the most recently first seen first. */
export function explorerJobs(seen: SeenJob[], chain: JobTotals[], limit: number): ExplorerJob[] {
  const rows = new Map<string, ExplorerJob>()
  for (const job of seen) rows.set(job.jobId, { jobId: job.jobId, firstSeenMs: job.firstSeenMs, gossip: job, ledger: null })
  for (const totals of chain) {
    const row = rows.get(totals.jobId)
    if (row === undefined) rows.set(totals.jobId, { jobId: totals.jobId, firstSeenMs: totals.createdMs, gossip: null, ledger: ledgerJob(totals) })
    else rows.set(totals.jobId, { ...row, firstSeenMs: Math.min(row.firstSeenMs, totals.createdMs), ledger: ledgerJob(totals) })
  }
  return [...rows.values()].sort((a, b) => b.firstSeenMs - a.firstSeenMs || a.jobId.localeCompare(b.jobId)).slice(0, limit)
}

function reputation(record: PartyRecord | undefined, node: ChainNode | undefined): NonNullable<ExplorerWorker['ledger']> {
  return {
    registered: node !== undefined,
    stake: node === undefined ? null : amountOf(node.stake),
    verified: node?.verified ?? null,
    rejected: node?.rejected ?? null,
    tasksPaid: record?.tasksPaid ?? 0,
    earned: amountOf(record?.earned ?? 0n),
    slashes: record?.slashes ?? 0,
    slashed: amountOf(record?.slashed ?? 0n)
  }
}

/**
 * The addresses to list: workers heard on gossip (most recently heard
 * first), then workers the ledger knows that gossip did not show.
 */
export function workerAddresses(seen: SeenWorker[], fold: LedgerFold | undefined, limit: number): string[] {
  const out = new Set(seen.slice(0, limit).map((w) => w.address))
  for (const party of fold?.parties.newest() ?? []) {
    if (out.size >= limit) break
    if (party.role === 'worker' || party.tasksPaid > 0) out.add(party.address)
  }
  return [...out]
}

export function explorerWorkers(addresses: string[], seen: SeenWorker[], fold: LedgerFold | undefined, nodes: Map<string, ChainNode | undefined>): ExplorerWorker[] {
  const byAddress = new Map(seen.map((w) => [w.address, w]))
  return addresses.map((address) => {
    const offer = byAddress.get(address)
    return {
      peerId: offer?.peerId ?? null,
      address,
      gossip: offer ?? null,
      ledger: fold === undefined ? null : reputation(fold.parties.get(address), nodes.get(address))
    }
  })
}

/** Money events, newest first, optionally of one job. */
export function explorerLedgerEvents(fold: LedgerFold, limit: number, jobId?: string): ExplorerLedgerEvent[] {
  const events = fold.events.newest().filter((e) => jobId === undefined || e.jobId === jobId)
  return events.slice(0, limit).map((e) => ({
    seq: e.seq,
    type: e.type,
    kind: e.kind,
    label: e.label,
    jobId: e.jobId,
    taskIndex: e.taskIndex ?? null,
    party: e.party,
    amount: amountOf(e.amount),
    timestampMs: e.timestampMs,
    txDigest: e.txDigest
  }))
}
