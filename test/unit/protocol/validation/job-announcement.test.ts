import { describe, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { announcementOf } from '../../../../protocol/job/job-id.ts'
import { filled, NOW, pubA, sampleSpec, seedB } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

const announce = (over: Parameters<typeof sampleSpec>[0]) =>
  announcementOf({ ...sampleSpec(), ...over }, { creatorPublicKey: pubA, nonce: filled(16, 9), addrs: [], timestampMs: NOW })

describe('JobAnnouncement rules (R42)', () => {
  it('accepts a job whose id the signer derived', () => {
    expectVerdict('JobAnnouncement', {}, 'ACCEPT')
    expectVerdict('JobAnnouncement', announce({ frameStart: 7, frameEnd: 7, framesPerTask: 1 }), 'ACCEPT')
  })
  it('rejects a job id that is not bound to the signer', () => {
    expectVerdict('JobAnnouncement', {}, 'REJECT', 'JOB_ID_MISMATCH', { seed: seedB })
    expectVerdict('JobAnnouncement', { samples: 64 }, 'REJECT', 'JOB_ID_MISMATCH')
  })
  it('rejects fields out of range', () => {
    expectVerdict('JobAnnouncement', announce({ frameStart: 10, frameEnd: 5 }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', announce({ width: 7681 }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', announce({ height: 4321 }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', announce({ samples: 0 }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', announce({ framesPerTask: LIMITS.maxFramesPerTask + 1 }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', announce({ maxPrice: LIMITS.maxPrice + 1 }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', announce({ renderer: 'povray' as never }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', announce({ engine: 'x'.repeat(LIMITS.maxStringBytes + 1) }), 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', { jobId: filled(31, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', { nonce: filled(8, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', { sceneBlob: filled(31, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobAnnouncement', { addrs: ['x'.repeat(LIMITS.maxStringBytes + 1)] }, 'REJECT', 'FIELD_RANGE')
  })
})
