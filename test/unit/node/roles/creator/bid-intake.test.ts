import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { DEFAULT_LEDGER_PARAMS, type Ledger, ROLE } from '../../../../../node/ledger/types.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { BidIntake } from '../../../../../node/roles/creator/bid-intake.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import type { GossipDelivery } from '../../../../../node/net/gossip.ts'
import { toHex } from '../../../../../protocol/index.ts'
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
