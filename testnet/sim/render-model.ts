// The simulator's renderer: how long a frame takes and what its pixels
// are, without rendering. A frame takes its share of reference frames
// (width x height x samples against 1920x1080 at 128) times the seconds a
// reference frame takes at the worker's bench score, the same estimate a
// worker bids with (node/roles/worker/settings.ts), with +/-5% noise.
//
// Pixels are named by their hash: an honest frame's pixel hash is a
// function of (job, frame) alone, so any honest re-render reproduces it,
// and each cheat gives what that cheat would give: one blank image for
// `black`, the previous frame's pixels for `previous-frame`, the task's
// first frame for `copy`, and pixels of their own for the render-saving
// cheats. A faked frame costs a tenth of an honest one: saving work is
// why a worker cheats. The worker's real task runner takes these frames
// through a FrameProducer, commits their Merkle root and runs its lease
// keeping as on a node.
import { sha256 } from '@noble/hashes/sha2.js'
import { type FrameResult, type JobAnnouncement, REFERENCE_HEIGHT, REFERENCE_SAMPLES, REFERENCE_WIDTH, toHex } from '../../protocol/index.ts'
import type { FrameProducer } from '../../node/roles/worker/disk-frames.ts'
import { referenceFrameSeconds } from '../../node/roles/worker/settings.ts'
import type { CHEAT_STRATEGIES } from './scenario.ts'
import type { VirtualClock } from './virtual-clock.ts'

export type CheatStrategy = (typeof CHEAT_STRATEGIES)[number]

/** A faked frame's render time against an honest one's. */
export const FAKE_COST = 0.1
const NOISE = 0.05

const digest = (text: string) => sha256(new TextEncoder().encode(text)) as Uint8Array<ArrayBuffer>

/** Seconds one frame of this job takes at `benchScore`, before noise. */
export function frameSeconds(job: Pick<JobAnnouncement, 'width' | 'height' | 'samples'>, benchScore: number): number {
  return ((job.width * job.height * job.samples) / (REFERENCE_WIDTH * REFERENCE_HEIGHT * REFERENCE_SAMPLES)) * referenceFrameSeconds(benchScore)
}

/** The honest pixels of a frame: what every honest render and re-render of it gives. */
export function honestPixels(jobId: string, frame: number): Uint8Array<ArrayBuffer> {
  return digest(`pixels/${jobId}/${frame}`)
}

/** The one blank image of a size (every pixel black). */
export function blankPixels(width: number, height: number): Uint8Array<ArrayBuffer> {
  return digest(`blank/${width}x${height}`)
}

export function fakedPixels(strategy: CheatStrategy, jobId: string, frame: number, taskFirstFrame: number, size: { width: number; height: number }): Uint8Array<ArrayBuffer> {
  switch (strategy) {
    case 'black':
      return blankPixels(size.width, size.height)
    case 'previous-frame':
      return honestPixels(jobId, Math.max(1, frame - 1))
    case 'copy':
      return honestPixels(jobId, taskFirstFrame)
    default:
      return digest(`cheat/${strategy}/${jobId}/${frame}`)
  }
}

/** Bytes a frame file of this size takes, about a PNG of a rendered image. */
export const frameBytes = (width: number, height: number): number => Math.ceil(width * height * 1.5)

export interface ModelWorker {
  benchScore: number
  random: () => number
  cheat?: { strategy: CheatStrategy; fakeRate: number }
}

/** What each produced task held: the simulation's ground truth, which the checkers never see. */
export interface ProducedTask {
  jobId: string
  taskIndex: number
  frames: number
  faked: number
  renderMs: number
}

/** The worker's FrameProducer: sleeps each frame's time on the virtual clock, then hands over the frames. */
export function modelFrames(clock: VirtualClock, worker: ModelWorker, onProduced: (task: ProducedTask, startedMs: number) => void): FrameProducer {
  return {
    async produce(job, lease, run) {
      const a = job.announcement
      const jobId = toHex(a.jobId)
      const started = clock.now()
      const honestMs = frameSeconds(a, worker.benchScore) * 1000
      const results: FrameResult[] = []
      let faked = 0
      run.onPhase('rendering')
      for (let frame = lease.frameStart; frame <= lease.frameEnd; frame++) {
        const fake = worker.cheat !== undefined && worker.random() < worker.cheat.fakeRate
        const ms = honestMs * (fake ? FAKE_COST : 1) * (1 - NOISE + 2 * NOISE * worker.random())
        await clock.sleep(ms, run.renderSignal)
        const pixels = fake ? fakedPixels(worker.cheat!.strategy, jobId, frame, lease.frameStart, a) : honestPixels(jobId, frame)
        if (fake) faked++
        results.push({ frame, blobId: digest(`blob/${toHex(pixels)}`), pixelHash: pixels, size: frameBytes(a.width, a.height) })
        run.onFramesDone(results.length)
      }
      run.onRendered()
      onProduced({ jobId, taskIndex: lease.taskIndex, frames: results.length, faked, renderMs: clock.now() - started }, started)
      return results
    }
  }
}
