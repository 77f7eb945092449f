// The camera for a whole frame. A pixel's ray depends on the full frame's
// width and height and the pixel's absolute coordinates, never on the crop
// or band being rendered, which is what makes crops match the full frame.

import type { Camera } from './scene.ts'
import { cross, dot, normalize, scale, sub, tanDegrees, type Vec3 } from './vector.ts'

export interface CameraRig {
  origin: Vec3
  /** Forward, scaled to the focus distance. */
  forward: Vec3
  /** Half the image plane's width and height at the focus distance. */
  right: Vec3
  up: Vec3
  /** Lens radius along right and up; zero for a pinhole. */
  lensRight: Vec3
  lensUp: Vec3
  hasLens: boolean
}

export function cameraRig(camera: Camera, width: number, height: number): CameraRig {
  // Animation may bring position onto lookAt, or forward parallel to up: fall back to fixed axes.
  const toTarget = sub(camera.lookAt, camera.position)
  const w = normalize(toTarget) ?? [0, 0, -1]
  const u = normalize(cross(w, camera.up)) ?? normalize(cross(w, [0, 0, 1])) ?? [1, 0, 0]
  const v = cross(u, w)
  const focus = camera.focusDistance ?? (Math.sqrt(dot(toTarget, toTarget)) || 1)
  const halfH = tanDegrees(camera.fov / 2) * focus
  const halfW = (halfH * width) / height
  const lens = camera.aperture / 2
  return {
    origin: camera.position,
    forward: scale(w, focus),
    right: scale(u, halfW),
    up: scale(v, halfH),
    lensRight: scale(u, lens),
    lensUp: scale(v, lens),
    hasLens: lens > 0
  }
}
