import { describe, expect, it } from 'vitest'
import { parseEnvelope, signEnvelope } from '../../../../protocol/envelope.ts'
import type { CheckRequest } from '../../../../protocol/pb/messages.js'
import { validateSigned } from '../../../../protocol/validation/index.ts'
import { openCheckRequest } from '../../../../protocol/verification/check-request.ts'
import { VerificationError } from '../../../../protocol/verification/errors.ts'
import { sampleOfSize } from '../../../../protocol/verification/sample.ts'
import { ctx, filled } from '../fixtures.ts'
import { checkRequest, commitmentFor, creatorKey, creatorSeed, ed, envelopeMessage, job, sampleOf, workerKey, workerSeed } from './helpers.ts'

function open(bytes: Uint8Array) {
  const result = validateSigned(bytes, ['CheckRequest'], ctx())
  if (result.action !== 'ACCEPT') return { pipeline: result.code }
  try {
    return { opened: openCheckRequest(ed, result.message.payload, result.message.publicKey) }
  } catch (err) {
    if (err instanceof VerificationError) return { code: err.code, message: err.message }
    throw err
  }
}

describe('CheckRequest', () => {
  it('opens a creator-signed request for a worker-signed commitment and the beacon sample', () => {
    const { opened } = open(checkRequest())
    expect(opened).toBeDefined()
    expect(opened!.creator).toEqual(creatorKey)
    expect(opened!.worker).toEqual(workerKey)
    expect(opened!.commitment.taskIndex).toBe(2)
    expect(opened!.sample.frames.length).toBeGreaterThan(0)
  })

  it('refuses a request not signed by the job creator', () => {
    expect(open(checkRequest({}, filled(32, 99))).code).toBe('NOT_CREATOR')
  })

  it('refuses a commitment for another job or another task', () => {
    const other = job(filled(32, 98)).announcement
    const foreign = commitmentFor(other)
    const sample = sampleOf(other, foreign.commitment)
    expect(open(checkRequest({ commitment: envelopeMessage(foreign.envelope), frames: sample.frames, tiles: sample.tiles })).code).toBe('WRONG_TASK')
    // Task 3's frames committed as task 2: the root is right, the frames are not the task's.
    const { announcement } = job()
    const shifted = commitmentFor(announcement, 3)
    const relabelled = { ...shifted.commitment, taskIndex: 2 }
    const env = signEnvelope(ed, workerSeed, 'ResultCommitment', relabelled)
    const s = sampleOf(announcement, relabelled)
    expect(open(checkRequest({ commitment: envelopeMessage(env), frames: s.frames, tiles: s.tiles })).code).toBe('WRONG_TASK')
  })

  it('refuses a commitment whose signature or Merkle root is broken', () => {
    const { announcement } = job()
    const { envelope } = commitmentFor(announcement)
    const forged = { ...envelopeMessage(envelope), signature: filled(64, 1) }
    expect(open(checkRequest({ commitment: forged })).code).toBe('BAD_COMMITMENT')
    const bad = commitmentFor(announcement)
    const env = signEnvelope(ed, workerSeed, 'ResultCommitment', { ...bad.commitment, merkleRoot: filled(32, 1) })
    expect(open(checkRequest({ commitment: envelopeMessage(env) })).code).toBe('BAD_COMMITMENT')
  })

  it('refuses an announcement whose job id is not the creator’s', () => {
    const { announcement } = job()
    const env = signEnvelope(ed, creatorSeed, 'JobAnnouncement', { ...announcement, seed: announcement.seed + 1 })
    expect(open(checkRequest({ jobAnnouncement: Uint8Array.from(env) })).code).toBe('BAD_ANNOUNCEMENT')
    expect(open(checkRequest({ jobAnnouncement: filled(50, 3) })).code).toBe('BAD_ANNOUNCEMENT')
  })

  it('refuses a sample that is not the beacon’s', () => {
    const { announcement } = job()
    const { commitment } = commitmentFor(announcement)
    const honest = sampleOf(announcement, commitment)
    const picked = commitment.frames.map((f) => f.frame).filter((f) => !honest.frames.includes(f)).slice(0, 1)
    const tiles = picked.map((frame) => ({ ...honest.tiles[0]!, frame }))
    expect(open(checkRequest({ frames: picked, tiles })).code).toBe('BAD_SAMPLE')
    expect(open(checkRequest({ redundancyIndex: 1 })).code).toBe('BAD_SAMPLE')
    const bigger = sampleOfSize({ beacon: filled(32, 77), ...commitment, frames: commitment.frames.map((f) => f.frame), width: 64, height: 36 }, 5, 2)
    expect(open(checkRequest({ frames: bigger.frames, tiles: bigger.tiles })).opened).toBeDefined()
  })

  it('rejects malformed fields in the pipeline, before any signature is checked', () => {
    expect(open(checkRequest({ beacon: filled(31, 1) })).pipeline).toBe('FIELD_RANGE')
    expect(open(checkRequest({ frames: [12, 11] })).pipeline).toBe('FIELD_RANGE')
    expect(open(checkRequest({ tiles: [{ frame: 40, x: 0, y: 0, width: 16, height: 9 }] })).pipeline).toBe('FIELD_RANGE')
    expect(open(checkRequest({ redundancyIndex: 8 })).pipeline).toBe('FIELD_RANGE')
    const noCommitment: Partial<CheckRequest> = { commitment: undefined }
    expect(open(checkRequest(noCommitment)).pipeline).toBe('FIELD_RANGE')
  })

  it('is refused when stale or replayed, like every signed request', () => {
    const bytes = checkRequest({ timestampMs: 1 })
    expect(open(bytes).pipeline).toBe('STALE')
    const fresh = checkRequest()
    const guard = ctx()
    expect(validateSigned(fresh, ['CheckRequest'], guard).action).toBe('ACCEPT')
    expect(validateSigned(fresh, ['CheckRequest'], guard)).toMatchObject({ action: 'IGNORE', code: 'REPLAY' })
    expect(parseEnvelope(fresh).typeName).toBe('CheckRequest')
  })
})
