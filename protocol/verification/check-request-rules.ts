// SPEC R103a: the stateless field rules of a CheckRequest, run by the common
// pipeline (R28) before freshness, replay and the signature. The embedded
// envelopes are opened later (check-request.ts): that costs two signature
// checks, which the pipeline only pays for a fresh, signed request.
import { LIMITS, VERIFICATION } from '../constants.ts'
import { bytesOfLength, fail, intInRange } from '../validation/checks.ts'
import type { MessageRules } from '../validation/types.ts'

export const checkRequestRules: MessageRules<'CheckRequest'> = {
  fields(r) {
    if (r.jobAnnouncement.byteLength === 0) fail('FIELD_RANGE', 'jobAnnouncement is empty')
    if (r.commitment === undefined) fail('FIELD_RANGE', 'commitment is missing')
    bytesOfLength('beacon', r.beacon, VERIFICATION.beaconBytes)
    intInRange('redundancyIndex', r.redundancyIndex, 0, VERIFICATION.maxRedundancy - 1)
    // R103a: frames strictly ascending; tiles inside the frame space, each on a sampled frame.
    r.frames.forEach((f, i) => {
      intInRange(`frames[${i}]`, f, 0, LIMITS.maxFrameNumber)
      if (i > 0 && f <= r.frames[i - 1]!) fail('FIELD_RANGE', 'frames must be strictly ascending')
    })
    const sampled = new Set(r.frames)
    r.tiles.forEach((t, i) => {
      if (!sampled.has(t.frame)) fail('FIELD_RANGE', `tiles[${i}] is on frame ${t.frame}, which is not sampled`)
      intInRange(`tiles[${i}].width`, t.width, 1, LIMITS.maxWidth)
      intInRange(`tiles[${i}].height`, t.height, 1, LIMITS.maxHeight)
      intInRange(`tiles[${i}].x`, t.x, 0, LIMITS.maxWidth - t.width)
      intInRange(`tiles[${i}].y`, t.y, 0, LIMITS.maxHeight - t.height)
    })
  },
  timestampMs: (r) => r.timestampMs
}
