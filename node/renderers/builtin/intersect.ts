// Ray queries against a World: the closest hit, and "is anything in the way"
// for shadow rays. Plain numbers in, results in a reused Hit: this runs
// millions of times per frame and must not allocate.

import { BVH_MAX_DEPTH } from './bvh.ts'
import { MAT_GLASS, PRIM_BOX, PRIM_SPHERE, PRIM_STRIDE, type World } from './world.ts'

/** Hits closer than this are the surface the ray just left. */
const T_MIN = 1e-9

export class Hit {
  t = 0
  /** Primitive index, or plane index when `plane` is true. */
  index = 0
  plane = false
}

/** Scratch space for one thread's traversal. */
export class Traversal {
  readonly stack = new Int32Array(BVH_MAX_DEPTH * 2 + 4)
}

export function closestHit(w: World, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number, hit: Hit, tr: Traversal): boolean {
  let found = false
  let best = tMax
  const pd = w.planeData
  for (let i = 0; i < w.planeCount; i++) {
    const t = planeT(pd, i * 6, ox, oy, oz, dx, dy, dz)
    if (t > T_MIN && t < best) {
      best = t
      hit.index = i
      hit.plane = true
      found = true
    }
  }
  if (w.primCount === 0) {
    hit.t = best
    return found
  }
  const ix = 1 / dx, iy = 1 / dy, iz = 1 / dz
  const { bounds, info } = w.bvh
  const stack = tr.stack
  let sp = 0
  stack[sp++] = 0
  while (sp > 0) {
    const node = stack[--sp]
    if (!boxHit(bounds, node * 6, ox, oy, oz, ix, iy, iz, best)) continue
    const count = info[node * 2 + 1]
    if (count === 0) {
      // Inner node: visit the left child (node + 1) first.
      stack[sp++] = info[node * 2]
      stack[sp++] = node + 1
      continue
    }
    const first = info[node * 2]
    for (let p = first; p < first + count; p++) {
      const t = primT(w, p, ox, oy, oz, dx, dy, dz)
      if (t > T_MIN && t < best) {
        best = t
        hit.index = p
        hit.plane = false
        found = true
      }
    }
  }
  hit.t = best
  return found
}

/**
 * True if an opaque surface lies between the origin and distance tMax.
 * Glass is let through: a cheap stand-in for the caustics a path tracer
 * this small cannot find, so glass objects do not cast black shadows.
 */
export function occluded(w: World, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number, tr: Traversal): boolean {
  const pd = w.planeData
  for (let i = 0; i < w.planeCount; i++) {
    if (w.matKind[w.planeMaterial[i]] === MAT_GLASS) continue
    const t = planeT(pd, i * 6, ox, oy, oz, dx, dy, dz)
    if (t > T_MIN && t < tMax) return true
  }
  if (w.primCount === 0) return false
  const ix = 1 / dx, iy = 1 / dy, iz = 1 / dz
  const { bounds, info } = w.bvh
  const stack = tr.stack
  let sp = 0
  stack[sp++] = 0
  while (sp > 0) {
    const node = stack[--sp]
    if (!boxHit(bounds, node * 6, ox, oy, oz, ix, iy, iz, tMax)) continue
    const count = info[node * 2 + 1]
    if (count === 0) {
      stack[sp++] = info[node * 2]
      stack[sp++] = node + 1
      continue
    }
    const first = info[node * 2]
    for (let p = first; p < first + count; p++) {
      if (w.matKind[w.primMaterial[p]] === MAT_GLASS) continue
      const t = primT(w, p, ox, oy, oz, dx, dy, dz)
      if (t > T_MIN && t < tMax) return true
    }
  }
  return false
}

function planeT(pd: Float64Array, o: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const denom = pd[o + 3] * dx + pd[o + 4] * dy + pd[o + 5] * dz
  if (denom > -1e-12 && denom < 1e-12) return -1
  return ((pd[o] - ox) * pd[o + 3] + (pd[o + 1] - oy) * pd[o + 4] + (pd[o + 2] - oz) * pd[o + 5]) / denom
}

/** Slab test. NaN from 0 * Infinity fails every comparison, so it never narrows the interval. */
function boxHit(b: Float64Array, o: number, ox: number, oy: number, oz: number, ix: number, iy: number, iz: number, tMax: number): boolean {
  let t0 = 0
  let t1 = tMax
  let a = (b[o] - ox) * ix
  let c = (b[o + 3] - ox) * ix
  if (a > c) {
    const s = a
    a = c
    c = s
  }
  if (a > t0) t0 = a
  if (c < t1) t1 = c
  a = (b[o + 1] - oy) * iy
  c = (b[o + 4] - oy) * iy
  if (a > c) {
    const s = a
    a = c
    c = s
  }
  if (a > t0) t0 = a
  if (c < t1) t1 = c
  a = (b[o + 2] - oz) * iz
  c = (b[o + 5] - oz) * iz
  if (a > c) {
    const s = a
    a = c
    c = s
  }
  if (a > t0) t0 = a
  if (c < t1) t1 = c
  return t0 <= t1
}

/**
 * Distance along a unit-length ray to primitive p, or -1 for a miss. Kept
 * as three small functions so V8 inlines them: a call that is not inlined
 * boxes its float result on the heap, millions of times per frame.
 */
function primT(w: World, p: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const kind = w.primKind[p]
  if (kind === PRIM_SPHERE) return sphereT(w.primData, p * PRIM_STRIDE, ox, oy, oz, dx, dy, dz)
  if (kind === PRIM_BOX) return boxT(w.primData, p * PRIM_STRIDE, ox, oy, oz, dx, dy, dz)
  return triangleT(w.primData, p * PRIM_STRIDE, ox, oy, oz, dx, dy, dz)
}

function sphereT(d: Float64Array, o: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const cx = ox - d[o], cy = oy - d[o + 1], cz = oz - d[o + 2]
  const b = cx * dx + cy * dy + cz * dz
  const c = cx * cx + cy * cy + cz * cz - d[o + 3] * d[o + 3]
  const disc = b * b - c
  if (disc < 0) return -1
  const s = Math.sqrt(disc)
  const near = -b - s
  return near > T_MIN ? near : -b + s
}

/** Entry distance, or the exit distance when the ray starts inside (glass boxes). */
function boxT(d: Float64Array, o: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const ix = 1 / dx, iy = 1 / dy, iz = 1 / dz
  let t0 = -Infinity
  let t1 = Infinity
  let a = (d[o] - ox) * ix
  let c = (d[o + 3] - ox) * ix
  if (a > c) {
    const s = a
    a = c
    c = s
  }
  if (a > t0) t0 = a
  if (c < t1) t1 = c
  a = (d[o + 1] - oy) * iy
  c = (d[o + 4] - oy) * iy
  if (a > c) {
    const s = a
    a = c
    c = s
  }
  if (a > t0) t0 = a
  if (c < t1) t1 = c
  a = (d[o + 2] - oz) * iz
  c = (d[o + 5] - oz) * iz
  if (a > c) {
    const s = a
    a = c
    c = s
  }
  if (a > t0) t0 = a
  if (c < t1) t1 = c
  if (t0 > t1) return -1
  return t0 > T_MIN ? t0 : t1
}

/** Moller-Trumbore, two-sided. */
function triangleT(d: Float64Array, o: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const e1x = d[o + 3], e1y = d[o + 4], e1z = d[o + 5]
  const e2x = d[o + 6], e2y = d[o + 7], e2z = d[o + 8]
  const px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x
  const det = e1x * px + e1y * py + e1z * pz
  if (det > -1e-14 && det < 1e-14) return -1
  const inv = 1 / det
  const tx = ox - d[o], ty = oy - d[o + 1], tz = oz - d[o + 2]
  const u = (tx * px + ty * py + tz * pz) * inv
  if (u < 0 || u > 1) return -1
  const qx = ty * e1z - tz * e1y, qy = tz * e1x - tx * e1z, qz = tx * e1y - ty * e1x
  const v = (dx * qx + dy * qy + dz * qz) * inv
  if (v < 0 || u + v > 1) return -1
  return (e2x * qx + e2y * qy + e2z * qz) * inv
}
