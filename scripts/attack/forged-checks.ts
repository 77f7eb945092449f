// Attack scenario `forged-checks` (issue 12): check requests for a job and a
// commitment the attacker made itself, with a beacon of its choosing, and
// verdicts from checkers nobody selected, sent over gossip, to the ledger
// and from a checker of the attacker's own. Prints one JSON line
// (lib/report.ts).
import { FORGED_CHECKS_BAR, forgedChecksAttack } from './lib/forged-checks-attack.ts'
import { progress, runScenario } from './lib/report.ts'

const NAME = 'forged-checks'

await runScenario(NAME, FORGED_CHECKS_BAR, () =>
  forgedChecksAttack({ forgedRequests: 4, width: 320, height: 180, samples: 128, replyWaitMs: 3_000, settleMs: 10_000, honestFrames: 8, ledger: true, noLedger: true, log: (line) => progress(NAME, line) })
)
