// The path tracer's pure core: pixels of a region of one frame, from the
// world and the settings alone. No I/O, no shared state; a pixel's value is
// a function of (scene, frame, x, y, settings), so any split of the frame
// into bands or crops reproduces the same bytes.

import type { CropRegion, RenderSettings } from '../types.ts'
import { type CameraRig, cameraRig } from './camera.ts'
import { Hit, Traversal } from './intersect.ts'
import { toByte } from './quantize.ts'
import { PixelRandom } from './random.ts'
import type { Scene } from './scene.ts'
import { checkCrop, checkFrame, checkSettings } from './settings.ts'
import { Shader } from './shade.ts'
import { buildWorld, type World } from './world.ts'

/** Caps one sample's radiance so a rare lucky path to a small bright emitter does not leave a white speck. */
const MAX_SAMPLE_RADIANCE = 20

/**
 * Renders one frame, or the crop of it, single-threaded. Returns RGBA bytes,
 * row-major, (crop ?? full frame) width x height.
 */
export function renderFramePixels(scene: Scene, frame: number, settings: RenderSettings, crop?: CropRegion): Uint8Array {
  checkSettings(settings)
  checkFrame(frame)
  const region = crop ?? { x: 0, y: 0, width: settings.width, height: settings.height }
  checkCrop(region, settings)
  return renderRegion(buildWorld(scene, frame), frame, settings, region)
}

/** The core behind renderFramePixels and the workers' bands; inputs are already checked. */
export function renderRegion(world: World, frame: number, settings: RenderSettings, region: CropRegion): Uint8Array {
  const out = new Uint8Array(region.width * region.height * 4)
  const rig = cameraRig(world.camera, settings.width, settings.height)
  const shader = new Shader(world, new PixelRandom(), new Hit(), new Traversal())
  const sample = new Float64Array(3)
  const { width, height, samples, seed } = settings
  let i = 0
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) {
      shader.rng.reset(seed, frame, x, y)
      let r = 0
      let g = 0
      let b = 0
      for (let s = 0; s < samples; s++) {
        cameraSample(rig, shader, x, y, width, height, sample)
        r += sample[0]
        g += sample[1]
        b += sample[2]
      }
      out[i++] = toByte(r / samples)
      out[i++] = toByte(g / samples)
      out[i++] = toByte(b / samples)
      out[i++] = 255
    }
  }
  return out
}

/** One jittered camera ray through pixel (x, y), traced; radiance into `out`. */
function cameraSample(rig: CameraRig, shader: Shader, x: number, y: number, width: number, height: number, out: Float64Array): void {
  const rng = shader.rng
  const sx = (2 * (x + rng.next())) / width - 1
  const sy = 1 - (2 * (y + rng.next())) / height
  const { origin, forward, right, up } = rig
  let ox = origin[0]
  let oy = origin[1]
  let oz = origin[2]
  let dx = forward[0] + sx * right[0] + sy * up[0]
  let dy = forward[1] + sx * right[1] + sy * up[1]
  let dz = forward[2] + sx * right[2] + sy * up[2]
  if (rig.hasLens) {
    // A point on the lens disc by rejection (no sin/cos); bounded so a pathological stream still ends.
    let a = 0
    let b = 0
    for (let tries = 0; tries < 64; tries++) {
      const ta = 2 * rng.next() - 1
      const tb = 2 * rng.next() - 1
      if (ta * ta + tb * tb < 1) {
        a = ta
        b = tb
        break
      }
    }
    const lx = a * rig.lensRight[0] + b * rig.lensUp[0]
    const ly = a * rig.lensRight[1] + b * rig.lensUp[1]
    const lz = a * rig.lensRight[2] + b * rig.lensUp[2]
    ox += lx
    oy += ly
    oz += lz
    dx -= lx
    dy -= ly
    dz -= lz
  }
  const inv = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz)
  shader.trace(ox, oy, oz, dx * inv, dy * inv, dz * inv)
  out[0] = clampSample(shader.r)
  out[1] = clampSample(shader.g)
  out[2] = clampSample(shader.b)
}

/** NaN (a degenerate path) and negatives count as black. */
function clampSample(v: number): number {
  if (!(v > 0)) return 0
  return Math.min(v, MAX_SAMPLE_RADIANCE)
}
