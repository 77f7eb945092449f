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
    /** CheckerPaid to this address, and appeal fees for the appeals it judged. */
    checker: bigint
    /** Others' slashed stake paid to this address: a rejected worker's (as its job's creator), an overturned checker's (as the party its verdict wronged). */
    slashShares: bigint
  }
  /** This node's own stake lost to rejected results, and as a checker to overturned verdicts. */
  slashed: bigint
  /** Appeal fees this node paid as an appellant. */
  appealFees: bigint
  /** As a creator: escrow locked in jobs and refunded from them. */
  escrowLocked: bigint
  refunded: bigint
  /** The events that involve this address, oldest first. */
  history: LedgerEvent[]
}

/** Every address field an event can name. */
const PARTY_FIELDS = ['node', 'creator', 'worker', 'checker', 'address', 'appellant', 'verdictChecker', 'slashedTo'] as const

export function involves(event: LedgerEvent, address: string): boolean {
  return PARTY_FIELDS.some((f) => (event as unknown as Record<string, unknown>)[f] === address)
}

export function summarise(address: string, balance: bigint, node: ChainNode | undefined, events: LedgerEvent[]): WalletSummary {
  const s: WalletSummary = { address, balance, node, earnings: { worker: 0n, checker: 0n, slashShares: 0n }, slashed: 0n, appealFees: 0n, escrowLocked: 0n, refunded: 0n, history: [] }
  // WorkerSlashed does not name the creator it pays; the job's JobCreated does.
  const creatorOf = new Map<string, string>()
  for (const e of events) {
    if (e.type === 'JobCreated') creatorOf.set(e.jobId, e.creator)
    if (e.type === 'WorkerPaid' && e.worker === address) s.earnings.worker += e.amount
    if (e.type === 'CheckerPaid' && e.checker === address) s.earnings.checker += e.amount
    if (e.type === 'WorkerSlashed') {
      if (e.worker === address) s.slashed += e.amount
      if (creatorOf.get(e.jobId) === address) s.earnings.slashShares += e.amount
    }
    if (e.type === 'AppealOpened' && e.appellant === address) s.appealFees += e.fee
    // A cancelled appeal's fee came back: appealFees counts fees spent.
    if (e.type === 'AppealCancelled' && e.appellant === address) s.appealFees -= e.fee
    if (e.type === 'AppealJudged') {
      if (e.checker === address) s.earnings.checker += e.fee
      if (e.verdictChecker === address) s.slashed += e.slashed
      if (e.slashedTo === address) s.earnings.slashShares += e.slashed
    }
    if (e.type === 'JobCreated' && e.creator === address) s.escrowLocked += e.escrow
    if (e.type === 'JobToppedUp' && e.creator === address) s.escrowLocked += e.amount
    if (e.type === 'Refunded' && e.creator === address) s.refunded += e.amount
    if (involves(e, address) || (e.type === 'WorkerSlashed' && creatorOf.get(e.jobId) === address)) s.history.push(e)
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
