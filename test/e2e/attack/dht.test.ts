// The attack suite's `dht` scenario in small (scripts/attack/dht.ts): on a
// lab of honest peers (the production host and blob store on 127.0.0.1), a
// provider record forged for a peer id its sender does not own is refused,
// wrong bytes from lying providers are never kept and the fetcher moves on
// to the honest copy, and three silent sybils mined nearer the blob's key
// than any honest peer do not hide its honest provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DhtLab, forgedAddProvider, startDhtLab, sybilTrial, wrongBytesTrial } from '../../../testnet/dht-attacks.ts'

const FETCH_TIMEOUT_MS = 10_000
let lab: DhtLab

beforeAll(async () => {
  lab = await startDhtLab(4)
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

  it('still finds the honest provider with three silent sybils nearer the key than any honest peer', async () => {
    const outcome = await sybilTrial(lab, { sybils: 3, behaviour: 'silent', nearKey: true, fetchTimeoutMs: FETCH_TIMEOUT_MS })
    expect(outcome.sybilMinBits).toBeGreaterThan(outcome.honestBestBits)
    expect(outcome.sybilsInFetcherTable).toBeGreaterThan(0)
    expect(outcome.error).toBeUndefined()
    expect(outcome.found && outcome.intact).toBe(true)
  })
})
