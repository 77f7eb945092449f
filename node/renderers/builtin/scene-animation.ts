// Keyframed animation: each track moves one point (the camera's position or
// lookAt, or an object's position) through keys indexed by frame number.
// Frames before the first key hold the first value, after the last the last.

import { MAX_FRAME, MAX_KEYFRAMES, MAX_TRACKS } from './limits.ts'
import type { SceneObject } from './scene-objects.ts'
import { fail, list, num, oneOf, record, vec3 } from './validate.ts'
import { lerp, type Vec3 } from './vector.ts'

export type TrackTarget = { kind: 'camera.position' } | { kind: 'camera.lookAt' } | { kind: 'object'; object: number }

export interface Track {
  target: TrackTarget
  interpolation: 'linear' | 'smoothstep'
  /** Strictly increasing. */
  frames: number[]
  values: Vec3[]
}

const OBJECT_TARGET = /^objects\.([A-Za-z0-9_-]+)\.position$/

export function parseAnimation(value: unknown, objects: SceneObject[]): Track[] {
  if (value === undefined) return []
  const seen = new Set<string>()
  const byName = new Map<string, number>()
  objects.forEach((o, i) => {
    if (o.name !== undefined) byName.set(o.name, i)
  })
  return list(value, 'animation', MAX_TRACKS).map((item, i) => {
    const path = `animation[${i}]`
    const t = record(item, path, ['target', 'interpolation', 'keys'])
    const targetName = t.target
    if (typeof targetName !== 'string') fail(`${path}.target`, 'must be "camera.position", "camera.lookAt" or "objects.<name>.position"')
    if (seen.has(targetName)) fail(`${path}.target`, `repeats ${JSON.stringify(targetName)}: one track per target`)
    seen.add(targetName)
    const target = parseTarget(targetName, `${path}.target`, byName)
    const interpolation = t.interpolation === undefined ? 'linear' : oneOf(t.interpolation, `${path}.interpolation`, ['linear', 'smoothstep'] as const)
    const keys = list(t.keys, `${path}.keys`, MAX_KEYFRAMES, 1)
    const frames: number[] = []
    const values: Vec3[] = []
    keys.forEach((key, k) => {
      const kp = `${path}.keys[${k}]`
      const kv = record(key, kp, ['frame', 'value'])
      const frame = num(kv.frame, `${kp}.frame`, { integer: true, min: -MAX_FRAME, max: MAX_FRAME })
      if (frames.length > 0 && frame <= frames[frames.length - 1]) fail(`${kp}.frame`, 'must be greater than the previous key\'s frame')
      frames.push(frame)
      values.push(vec3(kv.value, `${kp}.value`))
    })
    return { target, interpolation, frames, values }
  })
}

function parseTarget(target: string, path: string, byName: Map<string, number>): TrackTarget {
  if (target === 'camera.position' || target === 'camera.lookAt') return { kind: target }
  const match = OBJECT_TARGET.exec(target)
  if (!match) fail(path, 'must be "camera.position", "camera.lookAt" or "objects.<name>.position"')
  const object = byName.get(match[1])
  if (object === undefined) fail(path, `names an unknown object ${JSON.stringify(match[1].slice(0, 64))}`)
  return { kind: 'object', object }
}

/** The track's value at a frame; smoothstep eases in and out of every key. */
export function evaluateTrack(track: Track, frame: number): Vec3 {
  const { frames, values } = track
  if (frame <= frames[0]) return values[0]
  const last = frames.length - 1
  if (frame >= frames[last]) return values[last]
  let lo = 0
  let hi = last
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (frames[mid] <= frame) lo = mid
    else hi = mid
  }
  let t = (frame - frames[lo]) / (frames[hi] - frames[lo])
  if (track.interpolation === 'smoothstep') t = t * t * (3 - 2 * t)
  return lerp(values[lo], values[hi], t)
}
