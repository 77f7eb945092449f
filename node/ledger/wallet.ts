// What `pictor wallet` shows, computed from any Ledger (dev or Sui): the
// account's balance and node record, and its earnings and history folded
// from the event stream.
import type { ChainNode, Ledger, LedgerEvent } from './types.ts'
import { MAX_EVENTS_PER_QUERY } from './types.ts'

export interface WalletSummary {
  address: string
  balance: bigint
  node?: ChainNode
  earnings: {
    /** WorkerPaid to this address. */
    worker: bigint
    /** CheckerPaid to this address. */
    checker: bigint
    /** Shares of other workers' slashed stake (as their checker or their job's creator). */
    slashShares: bigint
  }
  /** This node's own stake lost to rejected results. */
  slashed: bigint
  /** As a creator: escrow locked in jobs and refunded from them. */
  escrowLocked: bigint
  refunded: bigint
  /** The events that involve this address, oldest first. */
  history: LedgerEvent[]
}

/** Every address field an event can name. */
const PARTY_FIELDS = ['node', 'creator', 'worker', 'checker', 'address'] as const

export function involves(event: LedgerEvent, address: string): boolean {
  return PARTY_FIELDS.some((f) => (event as unknown as Record<string, unknown>)[f] === address)
}

export function summarise(address: string, balance: bigint, node: ChainNode | undefined, events: LedgerEvent[]): WalletSummary {
  const s: WalletSummary = { address, balance, node, earnings: { worker: 0n, checker: 0n, slashShares: 0n }, slashed: 0n, escrowLocked: 0n, refunded: 0n, history: [] }
  const creatorOf = new Map<string, string>()
  // WorkerSlashed does not name the checker; the VerdictSubmitted of the same transaction does.
  const checkerOfTx = new Map<string, string>()
  for (const e of events) {
    if (e.type === 'JobCreated') creatorOf.set(e.jobId, e.creator)
    if (e.type === 'VerdictSubmitted') checkerOfTx.set(e.txDigest, e.checker)
    if (e.type === 'WorkerPaid' && e.worker === address) s.earnings.worker += e.amount
    if (e.type === 'CheckerPaid' && e.checker === address) s.earnings.checker += e.amount
    if (e.type === 'WorkerSlashed') {
      if (e.worker === address) s.slashed += e.amount
      if (checkerOfTx.get(e.txDigest) === address) s.earnings.slashShares += e.toChecker
      if (creatorOf.get(e.jobId) === address) s.earnings.slashShares += e.toCreator
    }
    if (e.type === 'JobCreated' && e.creator === address) s.escrowLocked += e.escrow
    if (e.type === 'Refunded' && e.creator === address) s.refunded += e.amount
    if (involves(e, address) || (e.type === 'WorkerSlashed' && (checkerOfTx.get(e.txDigest) === address || creatorOf.get(e.jobId) === address))) s.history.push(e)
  }
  return s
}

/** Reads every event (paged) and folds it for `address`. */
export async function walletSummary(ledger: Ledger, address: string = ledger.address): Promise<WalletSummary> {
  const [balance, node] = await Promise.all([ledger.balance(address), ledger.node(address)])
  const events: LedgerEvent[] = []
  for (let fromSeq = 0; ; ) {
    const page = await ledger.events({ fromSeq, limit: MAX_EVENTS_PER_QUERY })
    events.push(...page)
    if (page.length < MAX_EVENTS_PER_QUERY) break
    fromSeq = page[page.length - 1].seq + 1
  }
  return summarise(address, balance, node, events)
}

/** micro-PIC as PIC with six decimals: 1234567n -> "1.234567". */
export function formatPic(amount: bigint): string {
  const whole = amount / 1_000_000n
  const frac = (amount % 1_000_000n).toString().padStart(6, '0')
  return `${whole}.${frac}`
}

/** PIC with at most six decimals as micro-PIC: "1.5" -> 1500000n; undefined for anything else. */
export function parsePic(text: string): bigint | undefined {
  const m = /^(\d{1,15})(?:\.(\d{1,6}))?$/.exec(text)
  if (m === null) return undefined
  return BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'))
}
