// Attack scenario `dht` (issue 12): forged provider records are refused, and
// an honest provider is still found with 20 sybils near the blob's key.
// Honest peers are the production host and blob store (node/net/host.ts,
// node/blobs/networked-store.ts) in this process on 127.0.0.1; attackers are
// real libp2p nodes speaking pictor's kad-dht (testnet/dht-attacks.ts).
// Every fetch goes through the DHT alone: no known peer is named.
// The barred sybils are mined near the blob's key, as an attacker who does
// not know pictor's replica provider keys (R74a) would. One more trial per
// behaviour, reported and not barred, mines sybils near the key and near
// every replica key too: what an attacker who knows the scheme gets.
import { forgedAddProvider, startDhtLab, sybilTrial, type SybilTrialOutcome, wrongBytesTrial } from '../../testnet/dht-attacks.ts'
import { expectBar, progress, runScenario } from './lib/report.ts'

const NAME = 'dht'
const BAR = 'forged provider records refused (no record for a peer id its sender does not own, no wrong bytes kept, the fetcher moves on to the honest provider); an honest provider found in every trial with 20 sybils nearer the key than any honest peer'
const HONEST = 8
const SYBILS = 20
/** Per behaviour (silent, junk). */
const TRIALS = 3
const LIARS = 3
/** Sybils per provider key in the reported trial against every key (the bar's 20, for each of the 4 keys). */
const SYBILS_PER_KEY = 20
/** A found blob takes well under a second here; a miss is cut off at this. */
const FETCH_TIMEOUT_MS = 15_000

const summary = (trials: SybilTrialOutcome[]) => ({
  found: trials.filter((t) => t.found).length,
  trials: trials.length,
  foundMs: trials.filter((t) => t.found).map((t) => t.ms),
  errors: [...new Set(trials.flatMap((t) => (t.error === undefined ? [] : [t.error.replace(/[0-9a-f]{64}/g, '<id>')])))],
  honestBestBits: trials.map((t) => t.honestBestBits),
  sybilMinBits: trials.map((t) => t.sybilMinBits),
  sybilsInFetcherTable: trials.map((t) => t.sybilsInFetcherTable),
  droppedRecords: trials.reduce((n, t) => n + t.droppedRecords, 0)
})

await runScenario(NAME, BAR, async () => {
  const failures: string[] = []
  const lab = await startDhtLab(HONEST)
  try {
    const forged = await forgedAddProvider(lab)
    progress(NAME, `forged ADD_PROVIDER: accepted by ${forged.forgedAccepted} of ${forged.asked}; control accepted by ${forged.controlAccepted}`)
    if (forged.controlAccepted === 0) throw new Error('the probe saw no record at all, not even the attacker announcing itself: the check proves nothing')
    expectBar(failures, forged.forgedAccepted === 0, `${forged.forgedAccepted} of ${forged.asked} honest peers stored a provider record for a peer id its sender does not own`)

    const wrong = await wrongBytesTrial(lab, LIARS, FETCH_TIMEOUT_MS)
    progress(NAME, `${LIARS} wrong-bytes providers: found ${wrong.found} intact ${wrong.intact} after ${wrong.liesServed} lies in ${wrong.ms} ms`)
    if (wrong.liesServed < LIARS) throw new Error(`only ${wrong.liesServed} of ${LIARS} liars were asked: the check proves less than it says`)
    expectBar(failures, wrong.found && wrong.intact, `after ${LIARS} wrong-bytes providers the honest copy was not fetched intact: ${wrong.error ?? 'bytes differ'}`)

    // One junk-answering DHT peer anywhere in the keyspace: its forged records must not end the search.
    const stray: SybilTrialOutcome[] = []
    for (let i = 0; i < TRIALS; i++) stray.push(await sybilTrial(lab, { sybils: 1, behaviour: 'junk', nearKey: false, fetchTimeoutMs: FETCH_TIMEOUT_MS }))
    progress(NAME, `1 junk peer: found ${stray.filter((t) => t.found).length} of ${TRIALS}`)
    expectBar(failures, stray.every((t) => t.found && t.intact), `one DHT peer answering with ${20} forged provider records hid the honest provider in ${stray.filter((t) => !t.found).length} of ${TRIALS} trials`)

    const near: Record<'silent' | 'junk', SybilTrialOutcome[]> = { silent: [], junk: [] }
    for (let i = 0; i < 2 * TRIALS; i++) {
      const behaviour = i % 2 === 0 ? 'silent' : 'junk'
      const t = await sybilTrial(lab, { sybils: SYBILS, behaviour, nearKey: true, fetchTimeoutMs: FETCH_TIMEOUT_MS })
      progress(NAME, `${SYBILS} ${behaviour} sybils at >= ${t.sybilMinBits} bits (honest best ${t.honestBestBits}): found ${t.found} in ${t.ms} ms ${t.error ?? ''}`)
      near[behaviour].push(t)
    }
    for (const [behaviour, trials] of Object.entries(near)) {
      const missed = trials.filter((t) => !(t.found && t.intact)).length
      expectBar(failures, missed === 0, `${SYBILS} ${behaviour} sybils near the key hid the honest provider in ${missed} of ${trials.length} trials`)
    }

    // Reported, not barred: the scheme's known limit.
    const everyKey: Record<'silent' | 'junk', SybilTrialOutcome[]> = { silent: [], junk: [] }
    for (const behaviour of ['silent', 'junk'] as const) {
      const t = await sybilTrial(lab, { sybils: SYBILS_PER_KEY, behaviour, nearKey: true, nearReplicaKeys: true, fetchTimeoutMs: FETCH_TIMEOUT_MS })
      progress(NAME, `${t.sybils} ${behaviour} sybils near every provider key (not barred): found ${t.found} in ${t.ms} ms ${t.error ?? ''}`)
      everyKey[behaviour].push(t)
    }
    return {
      failures,
      honestPeers: HONEST,
      forgedRecord: forged,
      wrongBytes: { liars: LIARS, found: wrong.found, intact: wrong.intact, liesServed: wrong.liesServed, ms: wrong.ms, error: wrong.error },
      strayJunkPeer: summary(stray),
      sybilsSilent: { sybils: SYBILS, ...summary(near.silent) },
      sybilsJunk: { sybils: SYBILS, ...summary(near.junk) },
      notBarredSybilsNearEveryKeySilent: { sybils: everyKey.silent[0]!.sybils, ...summary(everyKey.silent) },
      notBarredSybilsNearEveryKeyJunk: { sybils: everyKey.junk[0]!.sybils, ...summary(everyKey.junk) }
    }
  } finally {
    await lab.stop()
  }
})
