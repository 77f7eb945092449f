// The fixed benchmark scene. It must never change: scores are compared
// across machines and over time. It exercises every primitive and material
// kind, so no single fast path dominates the score.

import type { RenderSettings } from '../types.ts'
import { type Scene, sceneFromJson } from './scene.ts'

export const BENCH_SETTINGS: RenderSettings = { width: 160, height: 90, samples: 16, seed: 7 }
export const BENCH_FRAME = 1
/**
 * Seconds this render takes on the reference machine (2 cores, one render
 * worker), so that machine scores about 1000.
 */
export const BENCH_REFERENCE_SECONDS = 0.16

export function benchScene(): Scene {
  return sceneFromJson({
    version: 1,
    camera: { position: [0, 1.5, 5], lookAt: [0, 0.5, 0], fov: 45 },
    background: { kind: 'sky', horizon: [0.9, 0.85, 0.8], zenith: [0.3, 0.5, 0.9] },
    lights: [
      { kind: 'point', position: [3, 5, 3], intensity: 30 },
      { kind: 'area', corner: [-2, 4, -1], edgeU: [1, 0, 0], edgeV: [0, 0, 1], intensity: 10 }
    ],
    materials: {
      floor: { kind: 'diffuse', albedo: [0.8, 0.8, 0.8], checker: { albedo: [0.2, 0.2, 0.2], size: 0.5 } },
      red: { kind: 'diffuse', albedo: [0.8, 0.2, 0.2] },
      steel: { kind: 'metal', albedo: [0.8, 0.8, 0.85], fuzz: 0.1 },
      glass: { kind: 'glass', ior: 1.5 },
      lamp: { kind: 'emissive', color: [1, 0.8, 0.6], strength: 3 }
    },
    objects: [
      { kind: 'plane', material: 'floor', position: [0, 0, 0], normal: [0, 1, 0] },
      { kind: 'sphere', material: 'glass', position: [0, 0.7, 0], radius: 0.7 },
      { kind: 'sphere', material: 'steel', position: [1.6, 0.5, -0.5], radius: 0.5 },
      { kind: 'sphere', material: 'lamp', position: [-0.8, 1.6, -1], radius: 0.2 },
      { kind: 'box', material: 'red', position: [-1.6, 0.4, 0], size: [0.8, 0.8, 0.8] },
      {
        // A tetrahedron, for the triangle path.
        kind: 'mesh',
        material: 'red',
        position: [0.9, 0, 1.2],
        vertices: [0, 0, 0, 0.6, 0, 0, 0.3, 0, 0.5, 0.3, 0.6, 0.2],
        indices: [0, 1, 2, 0, 1, 3, 1, 2, 3, 2, 0, 3]
      }
    ],
    maxDepth: 6
  })
}
