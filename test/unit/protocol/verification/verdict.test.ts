import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../protocol/bytes.ts'
import { signEnvelope } from '../../../../protocol/envelope.ts'
import type { Verdict } from '../../../../protocol/pb/messages.js'
import { sampleOfSize } from '../../../../protocol/verification/sample.ts'
import { selectCheckers } from '../../../../protocol/verification/select.ts'
import { tallyVerdicts, verifyVerdict } from '../../../../protocol/verification/verdict.ts'
import { filled, NOW } from '../fixtures.ts'
import { beacon, checkerKeys, checkerSeeds, commitmentFor, creatorKey, ed, job, sampleOf, workerKey, workerSeed } from './helpers.ts'

const { announcement } = job()
const { commitment } = commitmentFor(announcement)
const ctx = {
  ed,
  beacon,
  commitment,
  worker: workerKey,
  width: 64,
  height: 36,
  checkers: [...checkerKeys, toHex(workerKey)],
  exclude: [toHex(workerKey), toHex(creatorKey)],
  redundancy: 2
}
const selected = selectCheckers({ ...ctx, ...commitment })
const seedOf = (key: string) => checkerSeeds[checkerKeys.indexOf(key)]!

function verdictBy(key: string, over: Partial<Verdict> = {}, seed = seedOf(key)): Uint8Array {
  const index = selected.indexOf(key)
  const sample = sampleOf(announcement, commitment, Math.max(0, index))
  return signEnvelope(ed, seed, 'Verdict', {
    jobId: commitment.jobId,
    taskIndex: commitment.taskIndex,
    worker: Uint8Array.from(workerKey),
    merkleRoot: commitment.merkleRoot,
    accepted: true,
    reason: 'ok',
    sampledFrames: sample.frames,
    scores: sample.frames.map(() => 100),
    timestampMs: NOW,
    ...over
  })
}

describe('verifyVerdict', () => {
  it('counts a verdict from each selected checker, with its redundancy index', () => {
    expect(selected).toHaveLength(2)
    selected.forEach((key, i) => {
      expect(verifyVerdict(verdictBy(key), ctx)).toMatchObject({ ok: true, checker: key, redundancyIndex: i })
    })
  })

  it('refuses a checker the beacon did not select', () => {
    const outsider = checkerKeys.find((k) => !selected.includes(k))!
    expect(verifyVerdict(verdictBy(outsider), ctx)).toMatchObject({ ok: false, code: 'NOT_SELECTED' })
  })

  it('refuses a verdict about another commitment, task or worker', () => {
    const key = selected[0]!
    expect(verifyVerdict(verdictBy(key, { merkleRoot: filled(32, 1) }), ctx)).toMatchObject({ code: 'WRONG_TASK' })
    expect(verifyVerdict(verdictBy(key, { taskIndex: 3 }), ctx)).toMatchObject({ code: 'WRONG_TASK' })
    expect(verifyVerdict(verdictBy(key, { worker: filled(32, 5) }), ctx)).toMatchObject({ code: 'WRONG_TASK' })
    // A proof for another job: the same checker's verdict on a different job id.
    expect(verifyVerdict(verdictBy(key, { jobId: filled(32, 6) }), ctx)).toMatchObject({ code: 'WRONG_TASK' })
  })

  it('refuses a verdict about frames the beacon did not sample for that checker', () => {
    const frames = commitment.frames.map((f) => f.frame)
    selected.forEach((key, index) => {
      const first = sampleOfSize({ beacon, ...commitment, frames, width: 64, height: 36, redundancyIndex: index }, 1, 1).frames[0]
      const wrong = frames.find((f) => f !== first)!
      expect(verifyVerdict(verdictBy(key, { sampledFrames: [wrong], scores: [] }), ctx)).toMatchObject({ code: 'BAD_SAMPLE' })
      expect(verifyVerdict(verdictBy(key, { sampledFrames: [first!], scores: [] }), ctx)).toMatchObject({ ok: true })
    })
  })

  it('refuses a replayed verdict older than the commitment', () => {
    expect(verifyVerdict(verdictBy(selected[0]!, { timestampMs: commitment.timestampMs - 1 }), ctx)).toMatchObject({ code: 'PREDATES_COMMITMENT' })
  })

  it('refuses garbage, forged signatures and the worker judging itself, without throwing', () => {
    expect(verifyVerdict(filled(40, 1), ctx)).toMatchObject({ code: 'BAD_VERDICT' })
    const forged = verdictBy(selected[0]!)
    forged[forged.length - 1]! ^= 1
    expect(verifyVerdict(forged, ctx)).toMatchObject({ code: 'BAD_VERDICT' })
    expect(verifyVerdict(verdictBy(toHex(workerKey), {}, workerSeed), ctx)).toMatchObject({ code: 'BAD_VERDICT' })
  })
})

describe('tallyVerdicts', () => {
  const [a, b] = selected as [string, string]

  it('accepts only when every selected checker accepted', () => {
    expect(tallyVerdicts({ selected, verdicts: [{ checker: a, accepted: true }] }).status).toBe('pending')
    expect(tallyVerdicts({ selected, verdicts: [{ checker: a, accepted: true }, { checker: b, accepted: true }] }).status).toBe('accepted')
    expect(tallyVerdicts({ selected: [], verdicts: [] }).status).toBe('pending')
  })

  it('lets one honest rejection beat a colluding acceptance, and flags the colluder', () => {
    const t = tallyVerdicts({ selected, verdicts: [{ checker: a, accepted: true }, { checker: b, accepted: false }] })
    expect(t).toMatchObject({ status: 'rejected', rejected: [b], contradicted: [a] })
  })

  it('counts the first verdict per checker, flags equivocation and ignores outsiders', () => {
    const t = tallyVerdicts({
      selected,
      verdicts: [
        { checker: a, accepted: true },
        { checker: a, accepted: false },
        { checker: 'ff'.repeat(32), accepted: false },
        { checker: b, accepted: true }
      ]
    })
    expect(t).toMatchObject({ status: 'accepted', equivocated: [a], rejected: [] })
  })
})
