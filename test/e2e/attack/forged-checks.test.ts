// The quick version of the `forged-checks` attack scenario (scripts/attack):
// real creator, worker and checker processes. A check request for a job and
// commitment the attacker made itself, with its own beacon, gets no verdict
// and makes the checker fetch nothing; rejections from checkers nobody drew
// (on gossip, on the ledger, from a checker of the attacker's own) do not
// count: the honest job completes and every task is paid. Without a ledger
// the checker works only for the creator it trusts. The CPU figure is
// left to `npm run attack` (it depends on timing).
import { describe, expect, it } from 'vitest'
import { forgedChecksAttack } from '../../../scripts/attack/lib/forged-checks-attack.ts'

const small = { forgedRequests: 2, width: 64, height: 36, samples: 16, replyWaitMs: 3_000, settleMs: 1_000, log: () => {} }

describe('attack: forged checks and verdicts', () => {
  it('with a ledger: a forged check request gets no work, and forged verdicts count for nothing', { timeout: 180_000 }, async () => {
    const r = await forgedChecksAttack({ ...small, honestFrames: 4, ledger: true, noLedger: false })
    const requests = r.forgedRequests.ledger!
    expect(requests.replies.ok).toBeUndefined()
    expect(requests.blobsFetchedFromAttacker).toBe(0)
    expect(requests.blobLookups).toBe(0)
    expect(r.forgedVerdicts).toMatchObject({ job: 'completed', tasks: 2, tasksPaid: 2, slashed: 0, ledgerAccepted: 0, attackerCheckerAsked: 0 })
    expect(r.forgedVerdicts!.ledgerVerdictsTried).toBe(2)
  })

  it('without a ledger: a forged check request from a creator the checker does not trust gets no work; the trusted creator is checked', { timeout: 180_000 }, async () => {
    // Without a ledger the creator draws each task's sample itself: a new worker's 2-frame task gets
    // a frame checked with probability 0.75 (standard level x 1.5), so 8 tasks all go unchecked once in ~65,000 runs (2 frames: one in 4).
    const r = await forgedChecksAttack({ ...small, honestFrames: 16, ledger: false, noLedger: true })
    const requests = r.forgedRequests.noLedger!
    // Sent at once: one is refused NOT_TRUSTED, the other may find it still in flight (busy).
    expect(requests.replies.ok).toBeUndefined()
    expect(requests.replies.invalid).toBeGreaterThan(0)
    expect(requests.blobsFetchedFromAttacker).toBe(0)
    expect(requests.blobLookups).toBe(0)
    expect(r.trustedJobWithoutLedger).toMatchObject({ job: 'completed', frames: 16 })
    expect(r.trustedJobWithoutLedger!.checkedByTheChecker).toBeGreaterThan(0)
  })
})
