// A simulated checker. It answers the creator's check of one commitment as
// the node's checker decides it: the worker's signed ResultCommitment is
// opened and its Merkle root recomputed, the sample is protocol/'s own
// (sampleFor from the chain's beacon and the worker's standing on the
// chain), blank and duplicate frames are re-rendered in full (R106, at
// most two), and the verdict goes on chain through the real SigningLedger
// before the reply. Re-rendering takes the sampled tiles' and frames' time
// at the checker's bench score; a frame passes when its pixels are the
// honest ones. A colluding checker skips all that and approves.
import type { SigningLedger } from '../../node/ledger/dev/signing-ledger.ts'
import { suiAddressOf } from '../../node/ledger/dev/tx.ts'
import { bytesEqual, CHECK_PROTOCOL, type Ed25519, fromHex, merkleRoot, openEnvelope, sampleFor, toHex } from '../../protocol/index.ts'
import { blankPixels, frameSeconds, honestPixels } from './render-model.ts'
import type { SimRpc } from './sim-rpc.ts'
import type { VirtualClock } from './virtual-clock.ts'

/** What the creator sends: the commitment as the worker signed it, the beacon, and the job's size. */
export interface SimCheckRequest {
  /** The worker's signed ResultCommitment envelope, base64. */
  commitment: string
  beacon: string
  width: number
  height: number
  samples: number
  /** The worker's verified tasks on chain count as this many frames each for its reputation. */
  framesPerTask: number
  /** The chain drew this checker and takes its verdict; false for a check the creator drew off chain. */
  onChain: boolean
}

export interface SimVerdict {
  accepted: boolean
  reason: string
}

/** Requests are small: a commitment of at most a few thousand frames. */
export const MAX_CHECK_REQUEST_BYTES = 1 << 20
/** Integrity checks (decode and hash) of one frame, against rendering it. */
const INTEGRITY_COST = 0.02
const TILES_PER_FRAME = 16

export interface SimCheckerInit {
  id: string
  benchScore: number
  colluding: boolean
  clock: VirtualClock
  rpc: SimRpc
  ledger: SigningLedger
  ed: Ed25519
  /** Each check this (honest) checker decided: how many frames it sampled, and its verdict. */
  onChecked?(check: { worker: string; sampled: number; accepted: boolean }): void
}

export function serveChecks(init: SimCheckerInit): void {
  init.rpc.serve(init.id, CHECK_PROTOCOL, async (request) => {
    const verdict = await check(init, request).catch((err: Error): SimVerdict & { error: true } => ({ accepted: false, reason: err.message, error: true }))
    return new TextEncoder().encode(JSON.stringify(verdict))
  })
}

async function check(init: SimCheckerInit, raw: Uint8Array): Promise<SimVerdict & { error?: true }> {
  if (raw.byteLength > MAX_CHECK_REQUEST_BYTES) throw new Error('check request too large')
  const req = JSON.parse(new TextDecoder().decode(raw)) as SimCheckRequest
  const opened = openEnvelope(init.ed, Buffer.from(req.commitment, 'base64'), 'ResultCommitment')
  const c = opened.payload
  const jobId = toHex(c.jobId)
  let verdict: SimVerdict
  if (init.colluding) verdict = { accepted: true, reason: 'approved unchecked (colluding)' }
  else if (!bytesEqual(merkleRoot(c.frames), c.merkleRoot)) verdict = { accepted: false, reason: 'the frames do not hash to the committed root' }
  else {
    const standing = await init.ledger.node(suiAddressOf(opened.publicKey))
    const reputation = standing === undefined ? undefined : { verifiedFrames: standing.verified * req.framesPerTask, rejectedTasks: standing.rejected }
    const frames = c.frames.map((f) => f.frame)
    const sample = sampleFor({ beacon: fromHex(req.beacon), jobId: c.jobId, taskIndex: c.taskIndex, merkleRoot: c.merkleRoot, frames, width: req.width, height: req.height, reputation })
    const escalated = suspicious(c.frames, req).filter((f) => !sample.frames.includes(f)).slice(0, 2)
    const frameMs = frameSeconds(req, init.benchScore) * 1000
    await init.clock.sleep(frameMs * (INTEGRITY_COST * frames.length + sample.tiles.length / TILES_PER_FRAME + escalated.length))
    const bad = [...sample.frames, ...escalated].find((frame) => !bytesEqual(c.frames.find((f) => f.frame === frame)!.pixelHash, honestPixels(jobId, frame)))
    verdict = bad === undefined ? { accepted: true, reason: `${sample.frames.length} sampled and ${escalated.length} suspicious frames match` } : { accepted: false, reason: `frame ${bad} does not match its re-render` }
    init.onChecked?.({ worker: toHex(opened.publicKey), sampled: sample.frames.length, accepted: verdict.accepted })
  }
  if (req.onChain) await init.ledger.submitVerdict({ jobId, taskIndex: c.taskIndex, accepted: verdict.accepted })
  return verdict
}

/** Blank frames and frames sharing their pixels with another of the task: re-rendered in full, as the integrity pass escalates them. */
function suspicious(frames: readonly { frame: number; pixelHash: Uint8Array }[], size: { width: number; height: number }): number[] {
  const blank = blankPixels(size.width, size.height)
  const seen = new Map<string, number>()
  for (const f of frames) seen.set(toHex(f.pixelHash), (seen.get(toHex(f.pixelHash)) ?? 0) + 1)
  return frames.filter((f) => bytesEqual(f.pixelHash, blank) || seen.get(toHex(f.pixelHash))! > 1).map((f) => f.frame)
}
