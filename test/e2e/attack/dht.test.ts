// The attack suite's `dht` scenario in small (scripts/attack/dht.ts): on a
// lab of honest peers (the production host and blob store on 127.0.0.1), a
// provider record forged for a peer id its sender does not own is refused,
// wrong bytes from lying providers are never kept and the fetcher moves on
// to the honest copy, and K = 20 sybils mined nearer the blob's key than any
// honest peer (as many as kad-dht stores a record at, so they hold every
// copy under that key) do not hide its honest provider, whether they drop
// every record and answer nothing (silent) or answer every query with 20
// dead or forged provider records (junk: kad-dht's own search ends at
// K = 20 providers). The replica provider keys (R74a) and the store's
// provider lookup are what get past them. Here only the silent sybils: the
// junk trial dials dozens of dead records against the clock and, on a
// machine busy with the rest of the suite, once ran out of tries; it stays
// barred in `npm run attack -- dht` (9 of 9 over 3 runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DhtLab, forgedAddProvider, startDhtLab, sybilTrial, wrongBytesTrial } from '../../../testnet/dht-attacks.ts'

const FETCH_TIMEOUT_MS = 10_000
/** As in the attack suite's `dht` scenario. */
const HONEST = 8
const SYBILS = 20
let lab: DhtLab

beforeAll(async () => {
  lab = await startDhtLab(HONEST)
})

afterAll(async () => {
  await lab?.stop()
})

describe('DHT attacks', () => {
  it('refuses a provider record for a peer id its sender does not own', async () => {
    const outcome = await forgedAddProvider(lab)
    // The attacker announcing itself is stored: the probe can see records.
    expect(outcome.controlAccepted).toBe(outcome.asked)
    expect(outcome.forgedAccepted).toBe(0)
  })

  it('keeps no wrong bytes from lying providers and fetches the honest copy', async () => {
    const outcome = await wrongBytesTrial(lab, 2, FETCH_TIMEOUT_MS)
    expect(outcome.liesServed).toBe(2)
    expect(outcome.error).toBeUndefined()
    expect(outcome.found).toBe(true)
    expect(outcome.intact).toBe(true)
  })

  it('still finds the honest provider with 20 silent sybils nearer the key than any honest peer', async () => {
    const outcome = await sybilTrial(lab, { sybils: SYBILS, behaviour: 'silent', nearKey: true, fetchTimeoutMs: FETCH_TIMEOUT_MS })
    expect(outcome.sybilMinBits).toBeGreaterThan(outcome.honestBestBits)
    expect(outcome.sybilsInFetcherTable).toBeGreaterThan(0)
    // The sybils were in play: asked, and handed records to drop.
    expect(outcome.sybilQueries).toBeGreaterThan(0)
    expect(outcome.droppedRecords).toBeGreaterThan(0)
    expect(outcome.error).toBeUndefined()
    expect(outcome.found && outcome.intact).toBe(true)
  })
})
