// Messages between the pool (main thread) and a render worker. The scene is
// sent once per worker per scene, then referred to by id, so a 4 MiB scene
// is not cloned for every band.

import type { CropRegion, RenderSettings } from '../types.ts'
import type { Scene } from './scene.ts'

export type ToWorker = { type: 'scene'; sceneId: number; scene: Scene } | BandRequest

export interface BandRequest {
  type: 'band'
  bandId: number
  sceneId: number
  frame: number
  settings: RenderSettings
  /** Absolute pixel rectangle inside the full frame. */
  region: CropRegion
}

export type FromWorker = { type: 'band'; bandId: number; pixels: Uint8Array } | { type: 'error'; bandId: number; message: string }
