// Attack scenario `floods` (issue 12): stream and connection floods, from
// one peer and from many identities, against a node with the production
// connection limits, while honest peers fetch from it and dial in. Prints
// one JSON line (lib/report.ts).
import { FLOODS_BAR, floodsAttack } from './lib/floods-attack.ts'
import { progress, runScenario } from './lib/report.ts'

const NAME = 'floods'

await runScenario(NAME, FLOODS_BAR, () =>
  floodsAttack({ attackMs: 20_000, pendingSockets: 200, identities: 50, streamsPerIdentity: 8, honestPeers: 4, log: (line) => progress(NAME, line) })
)
