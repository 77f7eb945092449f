// The explorer's reading of the ledger: the money events and the totals
// per job and per worker it folds from the event stream, read a bounded
// number of pages at a time, no more often than its interval, one read at a
// time, and a failing ledger reported in one line with the last reading kept.
import { describe, expect, it } from 'vitest'
import { LedgerFold, moneyEventOf } from '../../../../../node/dashboard/explorer/ledger-fold.ts'
import { LedgerTail, oneLine } from '../../../../../node/dashboard/explorer/ledger-tail.ts'
import { LedgerError } from '../../../../../node/ledger/index.ts'
import { addr, FakeLedger, jobIdOf, settledJob } from './fake-ledger.ts'

const [CREATOR, WORKER, CHEAT, CHECKER] = [addr(1), addr(2), addr(3), addr(4)]

function settled(): FakeLedger {
  const ledger = new FakeLedger()
  ledger.register(CREATOR, 'creator', 0n)
  ledger.register(WORKER, 'worker', 2_000_000n, 2, 0)
  ledger.register(CHEAT, 'worker', 2_000_000n, 0, 1)
  ledger.register(CHECKER, 'checker', 2_000_000n)
  settledJob(ledger, jobIdOf(1), CREATOR, WORKER, CHEAT, CHECKER)
  return ledger
}

describe('LedgerFold', () => {
  it('names the money each event moved and skips the rest', () => {
    const ledger = settled()
    const money = ledger.log.map(moneyEventOf).filter((m) => m !== undefined)
    expect(money.map((m) => [m.label, m.party, m.amount])).toEqual([
      ['escrow locked', CREATOR, 4_400n],
      ['worker paid', WORKER, 1_800n],
      ['checker paid', CHECKER, 100n],
      ['worker slashed', CHEAT, 1_000_000n],
      ['checker paid', CHECKER, 100n],
      ['worker paid', WORKER, 1_800n],
      ['checker paid', CHECKER, 100n],
      ['refund', CREATOR, 500n]
    ])
    const judged = { type: 'AppealJudged', jobId: jobIdOf(1), taskIndex: 0, checker: CHECKER, accepted: true, overturned: true, verdictChecker: addr(9), slashed: 7n, slashedTo: WORKER, fee: 100n, seq: 0, txDigest: 'x', timestampMs: 0 } as const
    expect(moneyEventOf(judged)).toMatchObject({ kind: 'slash', label: 'checker slashed', party: addr(9), amount: 7n })
    expect(moneyEventOf({ ...judged, slashed: 0n })).toBeUndefined()
  })

  it("adds up each job's escrow, payouts, refund and state, and each worker's paid tasks and slashes", () => {
    const fold = new LedgerFold()
    for (const e of settled().log) fold.add(e)
    expect(fold.jobs.get(jobIdOf(1))).toMatchObject({ creator: CREATOR, taskCount: 2, escrow: 4_400n, workersPaid: 3_600n, checkersPaid: 300n, tasksPaid: 2, refunded: 500n, slashed: 1_000_000n, status: 'closed' })
    expect(fold.parties.get(WORKER)).toMatchObject({ role: 'worker', tasksPaid: 2, earned: 3_600n, slashes: 0 })
    expect(fold.parties.get(CHEAT)).toMatchObject({ role: 'worker', tasksPaid: 0, slashes: 1, slashed: 1_000_000n })
    expect(fold.events.newest().map((e) => e.seq)).toEqual([12, 11, 10, 9, 8, 7, 6, 4])
  })

  it('keeps only the newest events, and no partial totals for a job whose creation it dropped', () => {
    const fold = new LedgerFold({ maxEvents: 3, maxJobs: 1 })
    const ledger = new FakeLedger()
    settledJob(ledger, jobIdOf(1), CREATOR, WORKER, CHEAT, CHECKER)
    ledger.emit({ type: 'JobCreated', jobId: jobIdOf(2), creator: CREATOR, taskCount: 1, frameCount: 1, maxFrameCost: 1n, checkerFee: 1n, escrow: 3n })
    ledger.emit({ type: 'Refunded', jobId: jobIdOf(1), creator: CREATOR, amount: 1n })
    for (const e of ledger.log) fold.add(e)
    expect(fold.events.newest().map((e) => e.label)).toEqual(['refund', 'escrow locked', 'refund'])
    expect(fold.jobs.size).toBe(1)
    expect(fold.jobs.get(jobIdOf(1))).toBeUndefined()
  })
})

describe('LedgerTail', () => {
  it('reads only what is new, a bounded number of pages per refresh, until it is caught up', async () => {
    let now = 0
    const ledger = new FakeLedger()
    for (let i = 0; i < 2_500; i++) ledger.emit({ type: 'Minted', address: addr(i), amount: 1n })
    const tail = new LedgerTail({ ledger, now: () => now, limits: { pagesPerRefresh: 2, minIntervalMs: 500 } })
    await tail.refresh()
    expect(tail.status).toEqual({ scanned: 2_000, caughtUp: false })
    expect(ledger.eventCalls).toBe(2)
    // Within the interval: no read at all.
    await tail.refresh()
    expect(ledger.eventCalls).toBe(2)
    now += 500
    await tail.refresh()
    expect(tail.status).toEqual({ scanned: 2_500, caughtUp: true })
    settledJob(ledger, jobIdOf(1), CREATOR, WORKER, CHEAT, CHECKER)
    now += 500
    await tail.refresh()
    expect(tail.status).toEqual({ scanned: 2_510, caughtUp: true })
    expect(tail.fold.jobs.get(jobIdOf(1))?.status).toBe('closed')
  })

  it('makes one read for refreshes asked while one is on its way', async () => {
    const ledger = settled()
    const tail = new LedgerTail({ ledger, now: () => 0 })
    await Promise.all([tail.refresh(), tail.refresh(), tail.refresh()])
    expect(ledger.eventCalls).toBe(1)
    expect(tail.fold.events.size).toBe(8)
  })

  it('says in one line why the ledger did not answer, keeps what it read, and goes on when it answers again', async () => {
    let now = 0
    const ledger = settled()
    const tail = new LedgerTail({ ledger, now: () => now })
    await tail.refresh()
    ledger.failing = new LedgerError('EBadArgs', 'devchain at http://127.0.0.1:1 does not answer\n    at somewhere (stack.ts:1)')
    ledger.emit({ type: 'Minted', address: CREATOR, amount: 1n })
    now += 1_000
    await expect(tail.refresh()).resolves.toBeUndefined()
    expect(tail.status).toEqual({ scanned: 14, caughtUp: true, error: 'devchain at http://127.0.0.1:1 does not answer' })
    expect(tail.fold.events.size).toBe(8)
    ledger.failing = undefined
    now += 1_000
    await tail.refresh()
    expect(tail.status).toEqual({ scanned: 15, caughtUp: true })
    expect(oneLine('x'.repeat(300))).toHaveLength(200)
  })

  it("reads nodes' records on demand, keeps them a while, and does not ask a failing ledger again before then", async () => {
    let now = 0
    const ledger = settled()
    const tail = new LedgerTail({ ledger, now: () => now, limits: { nodeTtlMs: 10_000 } })
    await tail.refreshNodes([WORKER, addr(77)])
    expect(tail.chainNode(WORKER)).toMatchObject({ stake: 2_000_000n, verified: 2, rejected: 0 })
    expect(tail.chainNode(addr(77))).toBeUndefined()
    expect(ledger.nodeCalls).toBe(2)
    now += 9_999
    await tail.refreshNodes([WORKER])
    expect(ledger.nodeCalls).toBe(2)
    now += 1
    ledger.nodes.set(WORKER, { ...ledger.nodes.get(WORKER)!, verified: 3 })
    await tail.refreshNodes([WORKER])
    expect(tail.chainNode(WORKER)?.verified).toBe(3)
    ledger.failing = new Error('gone')
    now += 10_000
    await expect(tail.refreshNodes([WORKER])).resolves.toBeUndefined()
    // The last record stands, the status says why it is not fresh, and the ledger is left alone for the TTL.
    expect(tail.chainNode(WORKER)?.verified).toBe(3)
    expect(tail.status.error).toBe('gone')
    const calls = ledger.nodeCalls
    await tail.refreshNodes([WORKER])
    expect(ledger.nodeCalls).toBe(calls)
  })

  it('reads many records a few at a time, and each address once while a read of it is on its way', async () => {
    const ledger = settled()
    let open = 0
    let most = 0
    const slow = {
      events: ledger.events.bind(ledger),
      node: async (address: string) => {
        open++
        most = Math.max(most, open)
        await new Promise((resolve) => setImmediate(resolve))
        open--
        return ledger.node(address)
      }
    }
    const tail = new LedgerTail({ ledger: slow, now: () => 0 })
    const addresses = Array.from({ length: 40 }, (_, i) => addr(100 + i))
    await Promise.all([tail.refreshNodes(addresses), tail.refreshNodes(addresses)])
    expect(ledger.nodeCalls).toBe(40)
    expect(most).toBeLessThanOrEqual(16)
  })
})
