// Attack scenario `gossip` (issue 12): invalid, valid-but-useless and
// replayed messages at the highest rate one attacker reaches, plus a sybil
// set 4x the honest set, against honest nodes that keep publishing. Prints
// one JSON line (lib/report.ts).
import { GOSSIP_BAR, gossipAttack } from './lib/gossip-attack.ts'
import { progress, runScenario } from './lib/report.ts'

const NAME = 'gossip'

await runScenario(NAME, GOSSIP_BAR, () =>
  gossipAttack({ honest: 4, sybilFactor: 4, attackMs: 20_000, publishEveryMs: 250, sybilRate: 10, log: (line) => progress(NAME, line) })
)
