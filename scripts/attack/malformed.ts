// Attack scenario `malformed` (issue 12): malformed, oversized and endless
// messages on every custom protocol, gossip topic and the local API of real
// nodes, and >= 10^5 fast-check runs over the protocol's codecs and
// validators. Prints one JSON line (lib/report.ts).
import { MALFORMED_BAR, malformedAttack } from './lib/malformed-attack.ts'
import { progress, runScenario } from './lib/report.ts'

const NAME = 'malformed'
const seed = Number(process.env.PICTOR_ATTACK_SEED ?? Date.now() % 2 ** 31)

await runScenario(NAME, MALFORMED_BAR, () =>
  malformedAttack({ fuzzScale: 1, fuzzSeed: seed, wirePerProtocol: 300, gossipPerTopic: 40, endlessWaitMs: 45_000, httpEndless: true, log: (line) => progress(NAME, line) })
)
