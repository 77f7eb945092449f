import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { normalizeSuiAddress } from '@mysten/sui/utils'
import { Level } from 'level'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConfigError, DataDirError } from '../../../../../node/errors.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { EVENT_LAYOUTS } from '../../../../../node/ledger/sui/events.ts'
import { type FollowOptions, type FollowWrite, SuiEventFollower } from '../../../../../node/ledger/sui/follower.ts'
import { SuiLedger } from '../../../../../node/ledger/sui/sui-ledger.ts'
import type { LedgerEvent } from '../../../../../node/ledger/types.ts'
import { CONFIG, encode, FakeTransport } from './fake-transport.ts'
import { checkpointMs, FakeRpc, type LoggedEvent } from './fake-rpc.ts'
import { keypair, PACKAGE_ID } from './offline.ts'

const JOB = 'ab'.repeat(32)
const CHECKER = normalizeSuiAddress('0xcc')
/** Fast retries: the tests wait for outcomes, never for time. */
const FAST: Partial<FollowOptions> = { pageSize: 2, firstRetryMs: 1, maxRetryMs: 4, indexLagMs: 1, progressSaveMs: 0 }

/** The n-th payment: CheckerPaid of n µPIC, alone in checkpoint n, in transaction Tn. */
function paid(n: number): LoggedEvent {
  return {
    checkpoint: BigInt(n),
    digest: `T${n}`,
    eventIndex: 0,
    eventType: `${PACKAGE_ID}::verify::CheckerPaid`,
    bcs: encode(EVENT_LAYOUTS.verify.CheckerPaid, { job_id: Buffer.from(JOB, 'hex'), task_index: 0, checker: CHECKER, amount: n })
  }
}

let dir: string
let db: Level<string, unknown>
let rpc: FakeRpc
let followers: SuiEventFollower[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-follower-'))
  db = new Level(dir, { valueEncoding: 'json' })
  await db.open()
  rpc = new FakeRpc()
  followers = []
})

afterEach(async () => {
  for (const f of followers) await f.stop()
  await db.close()
  await rm(dir, { recursive: true, force: true })
})

/**
 * A follower whose one subscriber adds each payment to a total kept in the
 * `effects` sublevel, in the same batch as the cursor: a payment applied
 * twice shows in the total.
 */
function follower(options: Partial<FollowOptions> = FAST, cursors: { get(key: string): Promise<unknown>; batch(ops: FollowWrite[]): Promise<void> } = db.sublevel('sui-cursors', { valueEncoding: 'json' })) {
  const effects = db.sublevel<string, number>('effects', { valueEncoding: 'json' })
  const f = new SuiEventFollower({
    source: rpc.client(),
    cursors,
    eventTypes: [PACKAGE_ID],
    packageIds: [PACKAGE_ID],
    options,
    logger: silentLogger
  })
  followers.push(f)
  const seen: LedgerEvent[] = []
  f.subscribe(async (event, { writes }) => {
    seen.push(event)
    if (event.type !== 'CheckerPaid') return
    const total = (await effects.get('total')) ?? 0
    writes.push({ type: 'put', sublevel: effects, key: 'total', value: total + Number(event.amount) })
  })
  const total = async () => (await effects.get('total')) ?? 0
  return { f, seen, total }
}

const amounts = (events: LedgerEvent[]) => events.map((e) => (e.type === 'CheckerPaid' ? Number(e.amount) : -1))
const afters = () => rpc.requests.filter((r) => r.method === 'ListEvents').map((r) => (r.input.options as { after?: Uint8Array }).after)
const text = (cursor: Uint8Array | undefined) => (cursor === undefined ? undefined : new TextDecoder().decode(cursor))
/** Subscribers run before their batch is written, so totals are read with `eventually` too. */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 5_000, interval: 2 })

describe('SuiEventFollower', () => {
  it('catches up page by page from the start, then follows the live stream', async () => {
    rpc.emit(paid(1), paid(2), paid(3), paid(4), paid(5))
    const { f, seen, total } = follower()
    await f.start()
    await eventually(() => expect(seen).toHaveLength(5))
    expect(afters().map(text)).toEqual([undefined, 'at:2', 'at:4'])

    rpc.emit(paid(6), paid(7))
    await eventually(() => expect(seen).toHaveLength(7))
    expect(amounts(seen)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(seen.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(seen[6]).toEqual({
      type: 'CheckerPaid',
      jobId: JOB,
      taskIndex: 0,
      checker: CHECKER,
      amount: 7n,
      seq: 6,
      txDigest: 'T7',
      timestampMs: checkpointMs(7n)
    })
    await eventually(async () => expect(await total()).toBe(28))
    // The subscription opened before the replay, so nothing emitted between them is lost.
    expect(rpc.methods().indexOf('SubscribeEvents')).toBeLessThan(rpc.methods().indexOf('ListEvents'))
  })

  it('recovers a dropped stream: what it missed is replayed from the saved cursor, nothing twice', async () => {
    rpc.emit(paid(1), paid(2))
    const { f, seen, total } = follower()
    await f.start()
    rpc.emit(paid(3))
    await eventually(() => expect(seen).toHaveLength(3))

    rpc.drop()
    rpc.emit(paid(4), paid(5))
    await eventually(() => expect(seen).toHaveLength(5))
    await eventually(() => expect(rpc.open()).toHaveLength(1))
    rpc.emit(paid(6))
    await eventually(() => expect(seen).toHaveLength(6))

    expect(amounts(seen)).toEqual([1, 2, 3, 4, 5, 6])
    expect(f.reconnects).toBeGreaterThanOrEqual(1)
    await eventually(async () => expect(await total()).toBe(21))
    expect(f.state).toMatchObject({ seq: 6, checkpoint: '6', ids: ['T6:0'] })
  })

  it('an event frame whose cursor did not move, then a drop: the replay repeats it and it is recognised', async () => {
    rpc.staleCursors = true
    const { f, seen, total } = follower()
    await f.start()
    rpc.emit(paid(1))
    await eventually(() => expect(seen).toHaveLength(1))
    // Applied, but the cursor saved with it is the one from before it.
    rpc.drop()
    await eventually(() => expect(afters().length).toBeGreaterThanOrEqual(2))
    rpc.emit(paid(2))
    await eventually(() => expect(seen).toHaveLength(2))

    expect(text(afters().at(-1))).toBe('at:0')
    expect(amounts(seen)).toEqual([1, 2])
    await eventually(async () => expect(await total()).toBe(3))
  })

  it('a write that fails after the subscribers ran (a crash between apply and save) lands once, on the retry', async () => {
    const store = db.sublevel('sui-cursors', { valueEncoding: 'json' })
    let failNext = false
    const failing = {
      get: (key: string) => store.get(key),
      async batch(ops: FollowWrite[]) {
        // Only a batch carrying the subscriber's write fails, not a progress save.
        if (failNext && ops.length > 1) {
          failNext = false
          throw new Error('disk full')
        }
        await store.batch(ops as never)
      }
    }
    rpc.emit(paid(1))
    const { f, seen, total } = follower(FAST, failing)
    await f.start()
    await eventually(async () => expect(await total()).toBe(1))
    failNext = true
    rpc.emit(paid(2))
    // Delivered, not written; then delivered again after the reconnect, and written.
    await eventually(() => expect(seen).toHaveLength(3))
    rpc.emit(paid(3))
    await eventually(() => expect(seen).toHaveLength(4))

    expect(amounts(seen)).toEqual([1, 2, 2, 3])
    expect(seen.map((e) => e.seq)).toEqual([0, 1, 1, 2])
    await eventually(async () => expect(await total()).toBe(6))
    expect(f.reconnects).toBe(1)
    // The round that failed closed its stream: one subscription is open, not two.
    expect(rpc.open()).toHaveLength(1)
  })

  it('waits for a trailing index to reach the stream, and takes the overlap once', async () => {
    rpc.emit(paid(1), paid(2))
    rpc.indexed = { events: 1, checkpoint: 1n }
    const { f, seen } = follower()
    await f.start()
    await eventually(() => expect(seen).toHaveLength(1))
    // Reaches the stream (buffered while the replay runs) and, once indexed, the list too.
    rpc.emit(paid(3))
    await eventually(() => expect(afters().length).toBeGreaterThanOrEqual(3))
    expect(seen).toHaveLength(1)
    rpc.indexed = undefined
    await eventually(() => expect(seen).toHaveLength(3))
    rpc.emit(paid(4))
    await eventually(() => expect(seen).toHaveLength(4))
    expect(amounts(seen)).toEqual([1, 2, 3, 4])
  })

  it('keeps its cursor in LevelDB across a restart', async () => {
    rpc.emit(paid(1), paid(2), paid(3))
    const first = follower()
    await first.f.start()
    await eventually(() => expect(first.seen).toHaveLength(3))
    await first.f.stop()
    await db.close()

    db = new Level(dir, { valueEncoding: 'json' })
    await db.open()
    rpc.requests.length = 0
    const second = follower()
    await second.f.start()
    await eventually(() => expect(afters()).toHaveLength(1))
    rpc.emit(paid(4))
    await eventually(() => expect(second.seen).toHaveLength(1))

    expect(text(afters()[0])).toBe('at:3')
    expect(second.seen.map((e) => [e.seq, e.txDigest])).toEqual([[3, 'T4']])
    await eventually(async () => expect(await second.total()).toBe(10))
  })

  it('stops cleanly while waiting out a backoff or a trailing index', async () => {
    rpc.emit(paid(1))
    const slow = follower({ ...FAST, firstRetryMs: 3_600_000, maxRetryMs: 3_600_000 })
    await slow.f.start()
    await eventually(() => expect(slow.seen).toHaveLength(1))
    rpc.drop()
    await eventually(() => expect(slow.f.reconnects).toBe(1))
    await slow.f.stop()

    rpc.indexed = { events: 0, checkpoint: 0n }
    const lagging = follower({ ...FAST, indexLagMs: 3_600_000 })
    await lagging.f.start()
    await eventually(() => expect(rpc.open()).toHaveLength(1))
    await lagging.f.stop()
    expect(rpc.open()).toHaveLength(0)
  })

  it('refuses a damaged saved cursor in one line', async () => {
    const cursors = db.sublevel<string, unknown>('sui-cursors', { valueEncoding: 'json' })
    const { f } = follower()
    await cursors.put(f.stream, { cursor: 42, checkpoint: null, ids: [], seq: 0 })
    await expect(f.start()).rejects.toThrow(DataDirError)
    await expect(f.start()).rejects.toThrow(/saved Sui event cursor events:0x0+a11ce is damaged \(cursor\)/)
  })

  it('stops, rather than skip it, at an event of ours that does not decode', async () => {
    rpc.emit(paid(1), { ...paid(2), bcs: new Uint8Array([1, 2]) }, paid(3))
    const { f, seen } = follower()
    await f.start()
    await eventually(() => expect(seen).toHaveLength(1))
    await eventually(() => expect(rpc.open()).toHaveLength(0))
    expect(f.state).toMatchObject({ seq: 1, ids: ['T1:0'] })
    expect(f.reconnects).toBe(0)
  })
})

describe('SuiLedger following its package', () => {
  it('learns the Job object of a job another node created from the followed JobCreated', async () => {
    const jobObject = normalizeSuiAddress('0x0b1ec7')
    rpc.emit({
      checkpoint: 1n,
      digest: 'Tjob',
      eventIndex: 0,
      eventType: `${PACKAGE_ID}::job::JobCreated`,
      bcs: encode(EVENT_LAYOUTS.job.JobCreated, {
        job: jobObject,
        job_id: Buffer.from(JOB, 'hex'),
        creator: CHECKER,
        task_count: 1,
        frame_count: 1,
        max_frame_cost: 1,
        checker_fee: 1,
        escrow: 3
      })
    })
    const ledger = new SuiLedger(rpc.client(), keypair, CONFIG, {
      cursors: db.sublevel('sui-cursors', { valueEncoding: 'json' }),
      follow: FAST,
      logger: silentLogger
    })
    const seen: LedgerEvent[] = []
    ledger.follower!.subscribe((event) => {
      seen.push(event)
    })
    await ledger.start()
    try {
      await eventually(() => expect(seen).toHaveLength(1))
      expect(seen[0]).toMatchObject({ type: 'JobCreated', jobId: JOB, escrow: 3n, seq: 0 })
      // Resolved from the event: no registry read (the fake serves none).
      expect(await ledger.resolveJob(JOB)).toBe(jobObject)
      expect(rpc.methods()).not.toContain('GetDynamicField')
    } finally {
      await ledger.stop()
    }
    expect(rpc.open()).toHaveLength(0)
  })

  it('needs a gRPC client to follow', () => {
    const cursors = db.sublevel('sui-cursors', { valueEncoding: 'json' })
    expect(() => new SuiLedger(new FakeTransport(), keypair, CONFIG, { cursors })).toThrow(ConfigError)
    expect(new SuiLedger(new FakeTransport(), keypair, CONFIG).follower).toBeUndefined()
  })
})
