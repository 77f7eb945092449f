// The explorer's routes on a real API server on 127.0.0.1: jobs from gossip
// and the ledger merged by id, workers with their offers and reputation,
// the ledger's money events newest first; bounded by ?limit, one-line
// errors for bad input, and `ledger: null` on a node without a ledger.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiServer } from '../../../../../node/api/server.ts'
import { MAX_LIMIT, registerExplorer } from '../../../../../node/dashboard/explorer/index.ts'
import { identityFromSeed } from '../../../../../node/identity/keys.ts'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { MetricsRegistry } from '../../../../../node/metrics/index.ts'
import { GossipSeen } from '../../../../../node/net/gossip-seen.ts'
import { announcementOf, signEnvelope, toHex, validateJobSpec } from '../../../../../protocol/index.ts'
import type { ExplorerJob, ExplorerLedgerEvent, ExplorerWorker, LedgerState } from '../../../../../node/dashboard/explorer/views.ts'
import { addr, FakeLedger, jobIdOf, settledJob } from './fake-ledger.ts'

const TOKEN = 'cd'.repeat(32)
const NOW = 1_700_000_000_000
const CREATOR_SEED = new Uint8Array(32).fill(1)
const WORKER_SEED = new Uint8Array(32).fill(2)
let server: ApiServer | undefined

/** Any explorer answer, or an error. */
interface Answer {
  ledger: LedgerState
  jobs: ExplorerJob[]
  workers: ExplorerWorker[]
  events: ExplorerLedgerEvent[]
  error?: string
}

afterEach(async () => {
  await server?.stop()
  server = undefined
})

async function explorer(ledger?: Pick<FakeLedger, 'events' | 'node'>, ledgerWaitMs?: number) {
  const seen = new GossipSeen({ now: () => NOW })
  server = new ApiServer({ token: TOKEN, port: 0, metrics: new MetricsRegistry(), logger: silentLogger })
  registerExplorer(server, { seen, ledger, now: () => NOW, ledgerWaitMs })
  await server.start()
  const get = async (path: string) => {
    const res = await fetch(server!.url + path, { headers: { authorization: `Bearer ${TOKEN}` } })
    return { status: res.status, body: (await res.json()) as Answer }
  }
  return { seen, get }
}

function announce(seen: GossipSeen) {
  const spec = validateJobSpec({ renderer: 'builtin', sceneBlob: '01'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 64, height: 36, samples: 4, maxPrice: 1000 })
  const payload = announcementOf(spec, { creatorPublicKey: nodeEd25519.publicKey(CREATOR_SEED), nonce: new Uint8Array(16).fill(5), addrs: [], timestampMs: NOW })
  seen.notePublished('jobs', signEnvelope(nodeEd25519, CREATOR_SEED, 'JobAnnouncement', payload))
  return toHex(payload.jobId)
}

function offer(seen: GossipSeen) {
  const payload = { renderers: [], hardware: { cpuModel: 'CPU', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 4096, gpuVendor: '', gpuVramMib: 0 }, benchScore: 321, price: 777, slots: 1, freeSlots: 1, region: 'eu', timestampMs: NOW, seq: NOW }
  seen.notePublished('offers', signEnvelope(nodeEd25519, WORKER_SEED, 'WorkerOffer', payload))
}

describe('explorer routes', () => {
  it('merge what gossip showed with what the ledger says', async () => {
    const worker = await identityFromSeed(WORKER_SEED)
    const creator = await identityFromSeed(CREATOR_SEED)
    const ledger = new FakeLedger()
    ledger.register(worker.suiAddress, 'worker', 2_000_000n, 2, 0)
    ledger.register(addr(3), 'worker', 1_000_000n, 0, 1)
    const { seen, get } = await explorer(ledger)
    const gossipJob = announce(seen)
    offer(seen)
    settledJob(ledger, gossipJob, creator.suiAddress, worker.suiAddress, addr(3), addr(4))
    settledJob(ledger, jobIdOf(2), creator.suiAddress, worker.suiAddress, addr(3), addr(4))

    const jobs = await get('/api/explorer/jobs')
    expect(jobs.status).toBe(200)
    expect(jobs.body.ledger).toEqual({ scanned: 22, caughtUp: true })
    // Newest first seen first: the ledger's clock (1,000 + seq here) is earlier than gossip's, so each job dates from its JobCreated.
    expect(jobs.body.jobs.map((j) => [j.jobId, j.firstSeenMs])).toEqual([
      [jobIdOf(2), 1_012],
      [gossipJob, 1_002]
    ])
    const [ledgerOnly, both] = jobs.body.jobs
    expect(both.gossip).toMatchObject({ creator: { peerId: creator.peerId, address: creator.suiAddress }, width: 64, height: 36, samples: 4, maxPrice: 1000, own: true })
    expect(both.ledger).toMatchObject({ status: 'closed', escrow: { micro: '4400', pic: '0.004400' }, refunded: { micro: '500', pic: '0.000500' }, tasksPaid: 2, taskCount: 2 })
    expect(ledgerOnly).toMatchObject({ gossip: null, ledger: { status: 'closed', creator: creator.suiAddress } })
    expect((await get('/api/explorer/jobs?limit=1')).body.jobs).toHaveLength(1)

    const workers = await get('/api/explorer/workers')
    expect(workers.body.workers).toEqual([
      {
        peerId: worker.peerId,
        address: worker.suiAddress,
        gossip: expect.objectContaining({ benchScore: 321, price: 777, region: 'eu', own: true }),
        ledger: { registered: true, stake: { micro: '2000000', pic: '2.000000' }, verified: 2, rejected: 0, tasksPaid: 4, earned: { micro: '7200', pic: '0.007200' }, slashes: 0, slashed: { micro: '0', pic: '0.000000' } }
      },
      { peerId: null, address: addr(3), gossip: null, ledger: expect.objectContaining({ registered: true, verified: 0, rejected: 1, slashes: 2, slashed: { micro: '2000000', pic: '2.000000' } }) }
    ])

    const events = await get(`/api/explorer/ledger?limit=3`)
    expect(events.body.events.map((e) => [e.seq, e.label, e.jobId, e.amount.micro])).toEqual([
      [20, 'refund', jobIdOf(2), '500'],
      [19, 'checker paid', jobIdOf(2), '100'],
      [18, 'worker paid', jobIdOf(2), '1800']
    ])
    const ofJob = await get(`/api/explorer/ledger?job=${gossipJob}`)
    expect(ofJob.body.events).toHaveLength(8)
    expect(ofJob.body.events.at(-1)).toMatchObject({ seq: 2, label: 'escrow locked', kind: 'escrow', taskIndex: null, party: creator.suiAddress, amount: { micro: '4400' } })
  })

  it('answer a node without a ledger with ledger: null and what gossip showed', async () => {
    const { seen, get } = await explorer()
    announce(seen)
    offer(seen)
    expect((await get('/api/explorer/ledger')).body).toEqual({ ledger: null, events: [] })
    expect((await get('/api/explorer/jobs')).body).toMatchObject({ ledger: null, jobs: [{ ledger: null }] })
    expect((await get('/api/explorer/workers')).body).toMatchObject({ ledger: null, workers: [{ ledger: null, gossip: { price: 777 } }] })
  })

  it('answer with what gossip showed when the ledger does not answer at all', async () => {
    const silent = new Promise<never>(() => {})
    const { seen, get } = await explorer({ events: () => silent, node: () => silent }, 20)
    offer(seen)
    expect((await get('/api/explorer/workers')).body).toMatchObject({ ledger: { scanned: 0, caughtUp: false }, workers: [{ gossip: { price: 777 }, ledger: { registered: false, stake: null } }] })
    expect((await get('/api/explorer/ledger')).body).toEqual({ ledger: { scanned: 0, caughtUp: false }, events: [] })
  })

  it('refuse a bad limit or job filter in one line', async () => {
    const { get } = await explorer(new FakeLedger())
    for (const bad of ['0', String(MAX_LIMIT + 1), '-1', '1.5', 'ten', '99999999999']) {
      const res = await get(`/api/explorer/jobs?limit=${bad}`)
      expect(res.status).toBe(400)
      expect(res.body.error).toMatch(new RegExp(`^limit must be an integer from 1 to ${MAX_LIMIT}, got "`))
    }
    expect((await get(`/api/explorer/workers?limit=${MAX_LIMIT}`)).status).toBe(200)
    const res = await get('/api/explorer/ledger?job=ABC')
    expect(res).toEqual({ status: 400, body: { error: 'job must be a job id (64 lowercase hex characters), got "ABC"' } })
  })
})
