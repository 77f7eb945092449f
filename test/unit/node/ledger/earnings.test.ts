// The earnings fold behind GET /api/earnings: it reads each ledger event
// once, agrees with `pictor wallet` (summarise) on what this address was
// paid, lists recent payments, and reports earnings per hour over the
// node's uptime (an hour at most).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { registerEarningsApi } from '../../../../node/dashboard/earnings-api.ts'
import { HttpError, type RouteHandler } from '../../../../node/api/server.ts'
import { EarningsBook } from '../../../../node/ledger/earnings.ts'
import { type EventQuery, type LedgerEvent, type LedgerEventBody, MAX_EVENTS_PER_QUERY } from '../../../../node/ledger/index.ts'
import { summarise } from '../../../../node/ledger/wallet.ts'

const ME = `0x${'a'.repeat(64)}`
const OTHER = `0x${'b'.repeat(64)}`
const THIRD = `0x${'c'.repeat(64)}`
const JOB = (n: number) => n.toString(16).padStart(64, '0')

/** A ledger's event stream, paged like the real ones; counts the reads. */
class FakeEvents {
  events: LedgerEvent[] = []
  reads = 0
  push(body: LedgerEventBody, timestampMs: number): void {
    this.events.push({ ...body, seq: this.events.length, txDigest: `tx${this.events.length}`, timestampMs } as LedgerEvent)
  }
  async events_(query: EventQuery = {}): Promise<LedgerEvent[]> {
    this.reads++
    const from = query.fromSeq ?? 0
    return this.events.slice(from, from + Math.min(query.limit ?? MAX_EVENTS_PER_QUERY, MAX_EVENTS_PER_QUERY))
  }
  get ledger() {
    return { events: (q?: EventQuery) => this.events_(q), address: ME }
  }
}

const paid = (worker: string, amount: bigint, job = 1, taskIndex = 0): LedgerEventBody => ({ type: 'WorkerPaid', jobId: JOB(job), taskIndex, worker, amount })

describe('EarningsBook', () => {
  it('sums what the ledger paid this address, by kind, and lists the latest payments first', async () => {
    const f = new FakeEvents()
    let now = 1_000_000
    f.push({ type: 'JobCreated', jobId: JOB(9), creator: ME, taskCount: 1, frameCount: 2, maxFrameCost: 10n, checkerFee: 5n, escrow: 100n }, now)
    f.push(paid(ME, 300n, 1, 0), now)
    f.push(paid(OTHER, 999n, 1, 1), now)
    f.push({ type: 'CheckerPaid', jobId: JOB(1), taskIndex: 1, checker: ME, amount: 40n }, now)
    f.push({ type: 'WorkerSlashed', jobId: JOB(9), taskIndex: 0, worker: OTHER, amount: 1_000n }, now)
    f.push({ type: 'WorkerSlashed', jobId: JOB(1), taskIndex: 3, worker: ME, amount: 500n }, now)
    const book = new EarningsBook({ ledger: f.ledger, address: ME, startedAt: now, now: () => now })
    now += 120_000
    const r = await book.report()
    expect(r).toMatchObject({ ledger: true, address: ME, total: '1340', byKind: { worker: '300', checker: '40', slashShares: '1000' }, slashed: '500', payments: 3, eventsRead: 6, catchingUp: false })
    expect(r.recent.map((p) => [p.type, p.amount, p.taskIndex])).toEqual([
      ['WorkerSlashed', '1000', 0],
      ['CheckerPaid', '40', 1],
      ['WorkerPaid', '300', 0]
    ])
  })

  it('reads each event once: later reports fetch only what is new, and not more than once per refresh interval', async () => {
    const f = new FakeEvents()
    let now = 0
    f.push(paid(ME, 10n), now)
    const book = new EarningsBook({ ledger: f.ledger, address: ME, startedAt: 0, now: () => now, refreshMs: 1_000 })
    expect((await book.report()).total).toBe('10')
    const reads = f.reads
    f.push(paid(ME, 5n), now)
    expect((await book.report()).total).toBe('10')
    expect(f.reads).toBe(reads)
    now += 1_000
    const [a, b] = await Promise.all([book.report(), book.report()])
    expect([a.total, b.total]).toEqual(['15', '15'])
    expect(f.reads).toBe(reads + 1)
  })

  it('pages through a long chain a bounded number of pages per refresh, saying it is catching up', async () => {
    const f = new FakeEvents()
    for (let i = 0; i < MAX_EVENTS_PER_QUERY * 2 + 5; i++) f.push(paid(i % 2 === 0 ? ME : OTHER, 1n, i), 0)
    let now = 0
    const book = new EarningsBook({ ledger: f.ledger, address: ME, startedAt: 0, now: () => now, maxPagesPerRefresh: 1, refreshMs: 0 })
    const first = await book.report()
    expect(first).toMatchObject({ eventsRead: MAX_EVENTS_PER_QUERY, catchingUp: true, total: String(MAX_EVENTS_PER_QUERY / 2) })
    now++
    await book.report()
    now++
    const last = await book.report()
    expect(last).toMatchObject({ eventsRead: MAX_EVENTS_PER_QUERY * 2 + 5, catchingUp: false, total: String(MAX_EVENTS_PER_QUERY + 3) })
  })

  it('per hour: what was paid since the node started, over its uptime, at most the last hour, at least a minute', async () => {
    const f = new FakeEvents()
    const HOUR = 3_600_000
    const start = 10 * HOUR
    let now = start
    f.push(paid(ME, 7_000n), start - 1) // before this node started: earned, but not in the rate
    f.push(paid(ME, 600n), start + 1_000)
    const book = new EarningsBook({ ledger: f.ledger, address: ME, startedAt: start, now: () => now, refreshMs: 0 })
    now = start + 30_000 // up 30 s: counted over a minute
    expect(await book.report()).toMatchObject({ total: '7600', perHour: String(600 * 60), perHourWindowS: 60 })
    now = start + HOUR / 2
    expect(await book.report()).toMatchObject({ perHour: '1200', perHourWindowS: 1800 })
    f.push(paid(ME, 50n), start + 2 * HOUR)
    now = start + 2 * HOUR + 10_000 // the 600 is over an hour old now
    expect(await book.report()).toMatchObject({ perHour: '50', perHourWindowS: 3600 })
  })

  it('agrees with the wallet (summarise) on any event stream', async () => {
    const address = fc.constantFrom(ME, OTHER, THIRD)
    const amount = fc.bigInt({ min: 0n, max: 10n ** 12n })
    const job = fc.integer({ min: 0, max: 3 })
    // As on a ledger, each job is created once, before anything happens to it (its id is unique): creators first.
    const created = fc.tuple(address, address, address, address).map((creators) =>
      creators.map((creator, n) => ({ type: 'JobCreated', jobId: JOB(n), creator, taskCount: 1, frameCount: 1, maxFrameCost: 1n, checkerFee: 1n, escrow: 10n }) as LedgerEventBody)
    )
    const body: fc.Arbitrary<LedgerEventBody> = fc.oneof(
      fc.record({ jobId: job.map(JOB), taskIndex: fc.nat(5), worker: address, amount }).map((e) => ({ type: 'WorkerPaid', ...e }) as LedgerEventBody),
      fc.record({ jobId: job.map(JOB), taskIndex: fc.nat(5), checker: address, amount }).map((e) => ({ type: 'CheckerPaid', ...e }) as LedgerEventBody),
      fc.record({ jobId: job.map(JOB), taskIndex: fc.nat(5), worker: address, amount }).map((e) => ({ type: 'WorkerSlashed', ...e }) as LedgerEventBody),
      fc
        .record({ jobId: job.map(JOB), taskIndex: fc.nat(5), checker: address, verdictChecker: address, slashedTo: address, overturned: fc.boolean(), slashed: amount, fee: amount })
        .map((e) => ({ type: 'AppealJudged', ...e, accepted: true, slashed: e.overturned ? e.slashed : 0n }) as LedgerEventBody)
    )
    await fc.assert(
      fc.asyncProperty(created, fc.array(body, { maxLength: 60 }), async (jobs, bodies) => {
        const f = new FakeEvents()
        for (const b of [...jobs, ...bodies]) f.push(b, 5)
        const r = await new EarningsBook({ ledger: f.ledger, address: ME, startedAt: 0, now: () => 10 }).report()
        const s = summarise(ME, 0n, undefined, f.events)
        expect(r.byKind).toEqual({ worker: String(s.earnings.worker), checker: String(s.earnings.checker), slashShares: String(s.earnings.slashShares) })
        expect(r.slashed).toBe(String(s.slashed))
      })
    )
  })
})

describe('GET /api/earnings', () => {
  function routes(ledger?: { events: (q?: EventQuery) => Promise<LedgerEvent[]>; address: string }): Map<string, RouteHandler> {
    const table = new Map<string, RouteHandler>()
    registerEarningsApi({ api: { route: (method, path, handler) => void table.set(`${method} ${path}`, handler) }, ledger, startedAt: 0, now: () => 0 })
    return table
  }
  const get = (table: Map<string, RouteHandler>) => table.get('GET /api/earnings')!({} as never, {} as never)

  it('says so on a node without a ledger', async () => {
    expect(await get(routes())).toEqual({ ledger: false, reason: expect.stringMatching(/without a ledger/) })
  })

  it('answers 503 with one line when the ledger does not answer', async () => {
    const down = { address: ME, events: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1\n    at stack')) }
    const err = await Promise.resolve(get(routes(down))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect(err).toMatchObject({ status: 503, message: 'the ledger is not answering: connect ECONNREFUSED 127.0.0.1:1' })
  })
})
