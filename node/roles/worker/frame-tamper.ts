// Research seam, never set by production config: the adversarial testnet
// (testnet/adversarial-node.ts) injects a FrameTamper through WorkerDeps to
// play a dishonest worker. The tamper changes pixels only; the worker still
// stores and commits to exactly the frames it ends up with, so a checker has
// to find the fake by sampling, not by a broken commitment.
import type { RenderedFrame, RenderSettings } from '../../renderers/types.ts'

/** The job facts a tamper needs: every output must still decode at this size. */
export interface FrameTamperJob {
  jobId: Uint8Array
  width: number
  height: number
}

export interface FrameTamper {
  /** The settings the worker really renders with. */
  renderSettings(settings: RenderSettings): RenderSettings
  /** Rewrites the rendered frames in place (same paths), in frame order, before they are stored. */
  apply(outputs: readonly RenderedFrame[], job: FrameTamperJob): Promise<void>
}
