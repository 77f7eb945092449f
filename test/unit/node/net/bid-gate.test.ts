// The decision a node takes on a bid off the gossip (SPEC R36-R38).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../../node/identity/ed25519.ts'
import { BidGate, type BidLimits } from '../../../../node/net/bid-gate.ts'
import { FloodPenalties } from '../../../../node/net/flood-penalties.ts'
import type { KnownJobsLimits } from '../../../../node/net/known-jobs.ts'
import { ReplayGuard, signEnvelope, toHex } from '../../../../protocol/index.ts'

const NOW = 1_700_000_000_000
/** host.ts: the score below which gossipsub drops a peer's messages unread. */
const GRAYLIST = -1000
const SEED = new Uint8Array(32).fill(7)

let serial = 0
/** A correctly signed bid; each one distinct, so replay protection never interferes. */
function bid(jobId: Uint8Array<ArrayBuffer>): Uint8Array {
  serial += 1
  return signEnvelope(nodeEd25519, SEED, 'Bid', { jobId, price: 5 + serial, benchScore: 100, slots: 1, timestampMs: NOW })
}

function gate(limits: Partial<BidLimits> = {}, jobs: Partial<KnownJobsLimits> = { waitMs: 1 }) {
  const clock = { now: NOW }
  const penalties = new FloodPenalties({ now: () => clock.now })
  const g = new BidGate({ now: () => clock.now, penalties, limits, jobs })
  const replay = new ReplayGuard()
  const decide = (peer: string, bytes: Uint8Array) => g.validate(peer, bytes, () => ({ nowMs: NOW, ed: nodeEd25519, replay }))
  return { gate: g, penalties, clock, decide }
}

const jobIds = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((id) => Uint8Array.from(id))
const label = (d: { action: string; code?: string }) => (d.action === 'ACCEPT' ? 'ACCEPT' : `${d.action} ${d.code}`)

describe('bid gate', () => {
  it('IGNOREs a bid for a job this node has not seen announced, without charging its sender', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(jobIds, { minLength: 1, maxLength: 6, selector: toHex }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), async (ids, announced) => {
        const { gate: g, penalties, decide } = gate()
        for (const [i, id] of ids.entries()) if (announced[i]) g.jobs.noteHeard(id)
        for (const [i, id] of ids.entries()) expect(label(await decide('peer', bid(id)))).toBe(announced[i] ? 'ACCEPT' : 'IGNORE UNKNOWN_JOB')
        expect(penalties.score('peer')).toBe(0)
        g.stop()
      }),
      { numRuns: 30 }
    )
  })

  it('lets a bid that overtook its announcement wait for it, and accepts it when it comes', async () => {
    const { gate: g, decide } = gate({}, { waitMs: 60_000 })
    const job = new Uint8Array(32).fill(1)
    const pending = decide('peer', bid(job))
    expect(g.jobs.waitingBids).toBe(1)
    g.jobs.noteHeard(job)
    expect(label(await pending)).toBe('ACCEPT')
    g.stop()
  })

  it('charges a flooder past its rate: IGNORE, and graylisted after 100 bids over the limit; other peers are untouched', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 50 }), fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }), async (burst, perSecond, gaps) => {
        const { gate: g, penalties, clock, decide } = gate({ perPeer: { burst, perSecond } })
        const known = new Uint8Array(32).fill(2)
        g.jobs.noteHeard(known)
        const passed: number[] = []
        let over = 0
        for (const gap of gaps) {
          clock.now += gap
          const d = await decide('flooder', bid(new Uint8Array(32).fill(9)))
          if (label(d) === 'IGNORE RATE_LIMITED') over += 1
          else passed.push(clock.now)
        }
        // Never more than burst + rate x time got past R36 in any window.
        for (let i = 0; i < passed.length; i++) for (let j = i; j < passed.length; j++) expect(j - i + 1).toBeLessThanOrEqual(burst + (perSecond * (passed[j]! - passed[i]!)) / 1000 + 1e-9)
        // 100 overs at once reach the threshold; spread over this run's at most 60 s (one half-life) 200 surely do.
        if (over >= 200) expect(penalties.score('flooder')).toBeLessThanOrEqual(GRAYLIST)
        if (over === 0) expect(penalties.score('flooder')).toBe(0)
        // Another peer's bid for a real job still goes through, and it owes nothing.
        expect(label(await decide('honest', bid(known)))).toBe('ACCEPT')
        expect(penalties.score('honest')).toBe(0)
        g.stop()
      }),
      { numRuns: 40 }
    )
  })

  it('keeps bids for its own jobs (delivered here, not forwarded) and forwards others only within its budget, charging no one', async () => {
    const { gate: g, penalties, clock, decide } = gate({ forward: { burst: 3, perSecond: 1 } })
    const own = new Uint8Array(32).fill(3)
    const heard = new Uint8Array(32).fill(4)
    g.jobs.noteOwn(own)
    g.jobs.noteHeard(heard)
    const forwarded = []
    for (let i = 0; i < 5; i++) forwarded.push(label(await decide('relay', bid(heard))))
    expect(forwarded).toEqual(['ACCEPT', 'ACCEPT', 'ACCEPT', 'IGNORE FORWARD_BUDGET', 'IGNORE FORWARD_BUDGET'])
    // Bids for our own jobs do not draw on the budget: they are not forwarded at all.
    for (let i = 0; i < 5; i++) expect(await decide('relay', bid(own))).toMatchObject({ action: 'ACCEPT', own: true })
    clock.now += 1000
    expect(await decide('relay', bid(heard))).toMatchObject({ action: 'ACCEPT', own: false })
    expect(penalties.score('relay')).toBe(0)
    g.stop()
  })

  it('bounds the bids the node publishes itself', () => {
    const { gate: g, clock } = gate({ publish: { burst: 2, perSecond: 1 } })
    expect([g.mayPublish(), g.mayPublish(), g.mayPublish()]).toEqual([true, true, false])
    clock.now += 1000
    expect(g.mayPublish()).toBe(true)
  })
})
