import type { Connection } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { DEFAULT_LEDGER_PARAMS, type Ledger, ROLE } from '../../../../../node/ledger/types.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { admittingClaims, BidIntake } from '../../../../../node/roles/creator/bid-intake.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import type { GossipDelivery } from '../../../../../node/net/gossip.ts'
import { type Bid, Envelope, signEnvelope, toHex } from '../../../../../protocol/index.ts'
import { newJob } from './fixtures.ts'

const SEED = new Uint8Array(32).fill(0x42)
const KEY = nodeEd25519.publicKey(SEED)
const WORKER = toHex(KEY)
const PEER = '12D3KooWGRUVh7pexz3B8qKt5BxbyKzBSHnUMxKUq3PQHJZ5ZtsB'
const HW = { cpuModel: 'x', cpuCount: 8, gpuModel: '', gpuCount: 0, ramMib: 8192, gpuVendor: '', gpuVramMib: 0 }

function delivery(job: JobRecord, price: number): GossipDelivery<'bids'> {
  const payload = { jobId: Buffer.from(job.id, 'hex'), price, benchScore: 0, slots: 1, hardware: HW, region: 'eu-west', timestampMs: 0 }
  return { topic: 'bids', from: peerIdFromString(PEER), envelope: { type: 3, typeName: 'Bid', payload, payloadBytes: new Uint8Array(), publicKey: KEY, signature: new Uint8Array() } }
}

function intake(job: JobRecord, ledgerNode?: { stake: bigint; verified: number }) {
  const store = new Map([[job.id, job]])
  const jobs = { get: (id: string) => store.get(id), list: () => [...store.values()], save: async (j: JobRecord) => void store.set(j.id, j) }
  const ledger = ledgerNode === undefined ? undefined : ({ node: async () => ({ address: '0x1', role: ROLE.worker, stake: ledgerNode.stake, verified: ledgerNode.verified, rejected: 0, withdrawAt: 0 }) } as unknown as Ledger)
  return { bids: new BidIntake({ jobs, ledger, logger: silentLogger, now: () => 5 }), admitted: () => store.get(job.id)!.admitted[WORKER] }
}

describe('bid intake', () => {
  it('admits a fitting bid with no ledger', async () => {
    const job = newJob()
    const h = intake(job)
    await h.bids.onBid(delivery(job, 90))
    expect(h.admitted()).toEqual({ peerId: PEER, price: 90, admittedMs: 5 })
  })

  it("on a ledger job, refuses a worker the ledger cannot assign to, and reads a tier's floor from the ledger", async () => {
    const ledgerJob = { ...newJob(), ledger: { maxFrameCost: '1', checkerFee: '1', escrow: '10' } }
    const unstaked = intake(ledgerJob, { stake: 0n, verified: 500 })
    await unstaked.bids.onBid(delivery(ledgerJob, 90))
    expect(unstaked.admitted()).toBeUndefined()

    const premium = { ...ledgerJob, spec: { ...ledgerJob.spec, tier: 1, maxPrice: 2000 } }
    const min = DEFAULT_LEDGER_PARAMS.minStake
    const thin = intake(premium, { stake: min, verified: 500 })
    await thin.bids.onBid(delivery(premium, 1500))
    expect(thin.admitted()).toBeUndefined()
    const staked = intake(premium, { stake: 2n * min, verified: 500 })
    await staked.bids.onBid(delivery(premium, 1500))
    expect(staked.admitted()).toMatchObject({ price: 1500 })
  })
})

describe('bids carried by claims (R46)', () => {
  const NOW = 1_700_000_000_000
  const OTHER_SEED = new Uint8Array(32).fill(0x43)
  const connectionOf = (publicKey: Uint8Array) => ({ remotePeer: { publicKey: { raw: publicKey }, toString: () => PEER } }) as unknown as Connection

  function signedBid(job: JobRecord, over: Partial<Bid> = {}, seed = SEED): Uint8Array {
    return signEnvelope(nodeEd25519, seed, 'Bid', { jobId: Buffer.from(job.id, 'hex'), price: 90, benchScore: 0, slots: 1, hardware: HW, region: 'eu-west', timestampMs: NOW, ...over })
  }

  function claim(job: JobRecord, bid?: Uint8Array, seed = SEED): Uint8Array {
    return signEnvelope(nodeEd25519, seed, 'TaskClaim', { jobId: Buffer.from(job.id, 'hex'), timestampMs: NOW, bid: bid === undefined ? undefined : Envelope.decode(bid) })
  }

  /** An intake over one job, counting saves; saves wait for `land()` when held. */
  function carried(job: JobRecord) {
    const store = new Map([[job.id, job]])
    let saves = 0
    let hold = false
    let landing: (() => void)[] = []
    const jobs = {
      get: (id: string) => store.get(id),
      list: () => [...store.values()],
      // As the JobStore: in force in memory at once, durable when the promise settles.
      save: async (j: JobRecord) => {
        saves++
        store.set(j.id, j)
        if (hold) await new Promise<void>((resolve) => landing.push(resolve))
      }
    }
    return {
      bids: new BidIntake({ jobs, logger: silentLogger, now: () => NOW }),
      admitted: () => store.get(job.id)!.admitted[WORKER],
      saves: () => saves,
      hold: () => (hold = true),
      land() {
        for (const resolve of landing) resolve()
        landing = []
      }
    }
  }

  it("admits the connected worker on the bid its claim carries, before the handler answers the claim", async () => {
    const job = newJob()
    const h = carried(job)
    const handler = admittingClaims(h.bids, async () => Uint8Array.of(h.admitted() === undefined ? 0 : 1))
    const reply = await handler(claim(job, signedBid(job)), connectionOf(KEY), new AbortController().signal)
    expect([...reply]).toEqual([1])
    expect(h.admitted()).toEqual({ peerId: PEER, price: 90, admittedMs: NOW })
  })

  it('applies the same admission rules as a gossip bid', async () => {
    const job = newJob()
    const h = carried(job)
    // Over the job's cap of 100.
    await h.bids.admitClaimBid(claim(job, signedBid(job, { price: 150 })), connectionOf(KEY))
    expect(h.admitted()).toBeUndefined()
    const banned = carried({ ...job, banned: [WORKER] })
    await banned.bids.admitClaimBid(claim(job, signedBid(job)), connectionOf(KEY))
    expect(banned.admitted()).toBeUndefined()
  })

  it("ignores a bid that is not the connected peer's, not for the claimed job, stale, or badly signed", async () => {
    const job = newJob()
    const h = carried(job)
    const other = nodeEd25519.publicKey(OTHER_SEED)
    // Signed by the worker, but the connection is someone else's.
    await h.bids.admitClaimBid(claim(job, signedBid(job)), connectionOf(other))
    // For another job than the claim's.
    await h.bids.admitClaimBid(claim(job, signedBid({ ...job, id: '33'.repeat(32) })), connectionOf(KEY))
    // Too old (R30).
    await h.bids.admitClaimBid(claim(job, signedBid(job, { timestampMs: NOW - 10 * 60_000 })), connectionOf(KEY))
    // A forged signature.
    const forged = Envelope.decode(signedBid(job))
    forged.signature = new Uint8Array(64).fill(1)
    await h.bids.admitClaimBid(claim(job, Envelope.encode(forged)), connectionOf(KEY))
    // Not a claim at all, and bytes that decode to nothing.
    await h.bids.admitClaimBid(signedBid(job), connectionOf(KEY))
    await h.bids.admitClaimBid(Uint8Array.of(0xff, 0xff, 0xff), connectionOf(KEY))
    expect(h.admitted()).toBeUndefined()
    expect(h.saves()).toBe(0)
  })

  it('runs admission once for claims arriving together, answers them without waiting for the disk, and does not admit again at that price', async () => {
    const job = newJob()
    const h = carried(job)
    // The admission's save never lands during the claims: they are answered all the same, admitted.
    h.hold()
    const bid = signedBid(job)
    const handler = admittingClaims(h.bids, async () => Uint8Array.of(h.admitted() === undefined ? 0 : 1))
    const replies = [1, 2, 3].map(() => handler(claim(job, bid), connectionOf(KEY), new AbortController().signal))
    expect((await Promise.all(replies)).map((r) => r[0])).toEqual([1, 1, 1])
    expect(h.saves()).toBe(1)
    h.land()
    await h.bids.admitClaimBid(claim(job, signedBid(job, { timestampMs: NOW + 1 })), connectionOf(KEY))
    expect(h.saves()).toBe(1)
  })
})
