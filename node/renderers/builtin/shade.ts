// One path from the camera: bounce through the world, gather light.
// Diffuse surfaces sample the point and area lights directly (next-event
// estimation) and then scatter; metal reflects with fuzz; glass reflects or
// refracts (Schlick); emissive surfaces end the path with their light.
// Point and area lights are invisible to rays; emissive objects are seen.

import { closestHit, type Hit, occluded, type Traversal } from './intersect.ts'
import type { PixelRandom } from './random.ts'
import {
  LIGHT_POINT,
  LIGHT_STRIDE,
  MAT_DIFFUSE,
  MAT_EMISSIVE,
  MAT_GLASS,
  MAT_STRIDE,
  PRIM_BOX,
  PRIM_SPHERE,
  PRIM_STRIDE,
  type World
} from './world.ts'

/** How far a new ray starts off the surface, so it does not hit the surface it leaves. */
const EPS = 1e-4
const INV_PI = 1 / Math.PI

export class Shader {
  readonly world: World
  readonly rng: PixelRandom
  private readonly hit: Hit
  private readonly tr: Traversal
  /** The last path's radiance. */
  r = 0
  g = 0
  b = 0
  // Scratch for randomInSphere, to return three numbers without allocating.
  private sx = 0
  private sy = 0
  private sz = 0

  constructor(world: World, rng: PixelRandom, hit: Hit, tr: Traversal) {
    this.world = world
    this.rng = rng
    this.hit = hit
    this.tr = tr
  }

  trace(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): void {
    const w = this.world
    const hit = this.hit
    let r = 0, g = 0, b = 0
    let tr = 1, tg = 1, tb = 1
    for (let depth = 0; depth < w.maxDepth; depth++) {
      if (!closestHit(w, ox, oy, oz, dx, dy, dz, Infinity, hit, this.tr)) {
        this.background(dy)
        r += tr * this.r
        g += tg * this.g
        b += tb * this.b
        break
      }
      const px = ox + hit.t * dx, py = oy + hit.t * dy, pz = oz + hit.t * dz
      let nx: number, ny: number, nz: number, mat: number
      if (hit.plane) {
        const o = hit.index * 6
        nx = w.planeData[o + 3]
        ny = w.planeData[o + 4]
        nz = w.planeData[o + 5]
        mat = w.planeMaterial[hit.index]
      } else {
        this.normalAt(hit.index, px, py, pz)
        nx = this.sx
        ny = this.sy
        nz = this.sz
        mat = w.primMaterial[hit.index]
      }
      // Shade with the normal facing the incoming ray; remember which side was hit for glass.
      const front = nx * dx + ny * dy + nz * dz < 0
      if (!front) {
        nx = -nx
        ny = -ny
        nz = -nz
      }
      const kind = w.matKind[mat]
      const m = mat * MAT_STRIDE
      const md = w.matData
      if (kind === MAT_EMISSIVE) {
        r += tr * md[m]
        g += tg * md[m + 1]
        b += tb * md[m + 2]
        break
      }
      if (kind === MAT_DIFFUSE) {
        let ar = md[m], ag = md[m + 1], ab = md[m + 2]
        if (md[m + 3] === 1) {
          // 3D checker; the small offset keeps a plane at 0 off the cell boundary.
          const size = md[m + 7]
          const cell = Math.floor((px + 1e-4) / size) + Math.floor((py + 1e-4) / size) + Math.floor((pz + 1e-4) / size)
          if ((cell & 1) !== 0) {
            ar = md[m + 4]
            ag = md[m + 5]
            ab = md[m + 6]
          }
        }
        ox = px + nx * EPS
        oy = py + ny * EPS
        oz = pz + nz * EPS
        this.directLight(ox, oy, oz, nx, ny, nz)
        r += tr * ar * this.r
        g += tg * ag * this.g
        b += tb * ab * this.b
        // Cosine-weighted bounce: the normal plus a random unit vector (no trigonometry needed).
        this.randomInSphere()
        let sx = this.sx, sy = this.sy, sz = this.sz
        const len = Math.sqrt(sx * sx + sy * sy + sz * sz)
        sx = nx + sx / len
        sy = ny + sy / len
        sz = nz + sz / len
        const l2 = sx * sx + sy * sy + sz * sz
        if (l2 < 1e-12) {
          dx = nx
          dy = ny
          dz = nz
        } else {
          const inv = 1 / Math.sqrt(l2)
          dx = sx * inv
          dy = sy * inv
          dz = sz * inv
        }
        tr *= ar
        tg *= ag
        tb *= ab
      } else if (kind === MAT_GLASS) {
        const eta = front ? 1 / md[m] : md[m]
        const cosI = -(dx * nx + dy * ny + dz * nz)
        const sin2T = eta * eta * (1 - cosI * cosI)
        const r0 = ((1 - eta) / (1 + eta)) * ((1 - eta) / (1 + eta))
        const c5 = (1 - cosI) * (1 - cosI) * (1 - cosI) * (1 - cosI) * (1 - cosI)
        const reflectance = r0 + (1 - r0) * c5
        if (sin2T > 1 || this.rng.next() < reflectance) {
          dx += 2 * cosI * nx
          dy += 2 * cosI * ny
          dz += 2 * cosI * nz
          ox = px + nx * EPS
          oy = py + ny * EPS
          oz = pz + nz * EPS
        } else {
          const k = eta * cosI - Math.sqrt(1 - sin2T)
          dx = eta * dx + k * nx
          dy = eta * dy + k * ny
          dz = eta * dz + k * nz
          const inv = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz)
          dx *= inv
          dy *= inv
          dz *= inv
          ox = px - nx * EPS
          oy = py - ny * EPS
          oz = pz - nz * EPS
        }
      } else {
        // Metal: mirror direction, blurred by fuzz; a bounce below the surface is absorbed.
        const dn = dx * nx + dy * ny + dz * nz
        let rx = dx - 2 * dn * nx, ry = dy - 2 * dn * ny, rz = dz - 2 * dn * nz
        const fuzz = md[m + 3]
        if (fuzz > 0) {
          this.randomInSphere()
          rx += fuzz * this.sx
          ry += fuzz * this.sy
          rz += fuzz * this.sz
        }
        const inv = 1 / Math.sqrt(rx * rx + ry * ry + rz * rz)
        dx = rx * inv
        dy = ry * inv
        dz = rz * inv
        if (!(dx * nx + dy * ny + dz * nz > 0)) break
        ox = px + nx * EPS
        oy = py + ny * EPS
        oz = pz + nz * EPS
        tr *= md[m]
        tg *= md[m + 1]
        tb *= md[m + 2]
      }
    }
    this.r = r
    this.g = g
    this.b = b
  }

  private background(dy: number): void {
    const bg = this.world.background
    if (bg.kind === 'color') {
      this.r = bg.color[0]
      this.g = bg.color[1]
      this.b = bg.color[2]
      return
    }
    const t = Math.max(dy, 0)
    this.r = bg.horizon[0] + (bg.zenith[0] - bg.horizon[0]) * t
    this.g = bg.horizon[1] + (bg.zenith[1] - bg.horizon[1]) * t
    this.b = bg.horizon[2] + (bg.zenith[2] - bg.horizon[2]) * t
  }

  /** Light from every point and area light reaching (x, y, z) with normal n, over pi (Lambert); into r, g, b. */
  private directLight(x: number, y: number, z: number, nx: number, ny: number, nz: number): void {
    const w = this.world
    const ld = w.lightData
    let r = 0, g = 0, b = 0
    for (let i = 0; i < w.lightCount; i++) {
      const o = i * LIGHT_STRIDE
      let lx: number, ly: number, lz: number
      let weight: number
      let rad = o + 3
      if (w.lightKind[i] === LIGHT_POINT) {
        lx = ld[o] - x
        ly = ld[o + 1] - y
        lz = ld[o + 2] - z
        weight = 1
      } else {
        const u = this.rng.next()
        const v = this.rng.next()
        lx = ld[o] + u * ld[o + 3] + v * ld[o + 6] - x
        ly = ld[o + 1] + u * ld[o + 4] + v * ld[o + 7] - y
        lz = ld[o + 2] + u * ld[o + 5] + v * ld[o + 8] - z
        rad = o + 9
        weight = -1 // set below, once the distance is known
      }
      const dist2 = lx * lx + ly * ly + lz * lz
      if (!(dist2 > 1e-12)) continue
      const dist = Math.sqrt(dist2)
      lx /= dist
      ly /= dist
      lz /= dist
      const cos = nx * lx + ny * ly + nz * lz
      if (cos <= 0) continue
      if (weight < 0) {
        // Area light, two-sided: radiance x area x cos at the light, over distance squared.
        const cosL = ld[o + 13] * lx + ld[o + 14] * ly + ld[o + 15] * lz
        weight = (cosL < 0 ? -cosL : cosL) * ld[o + 12]
      }
      if (occluded(w, x, y, z, lx, ly, lz, dist - EPS, this.tr)) continue
      const f = (weight * cos * INV_PI) / dist2
      r += ld[rad] * f
      g += ld[rad + 1] * f
      b += ld[rad + 2] * f
    }
    this.r = r
    this.g = g
    this.b = b
  }

  /** A uniform point in the unit ball by rejection, into sx, sy, sz; bounded so it always ends. */
  private randomInSphere(): void {
    const rng = this.rng
    for (let tries = 0; tries < 64; tries++) {
      const x = 2 * rng.next() - 1
      const y = 2 * rng.next() - 1
      const z = 2 * rng.next() - 1
      const l2 = x * x + y * y + z * z
      if (l2 < 1 && l2 > 1e-12) {
        this.sx = x
        this.sy = y
        this.sz = z
        return
      }
    }
    this.sx = 0
    this.sy = 1
    this.sz = 0
  }

  /** Outward unit normal of bounded primitive p at a point on it, into sx, sy, sz. */
  private normalAt(p: number, px: number, py: number, pz: number): void {
    const w = this.world
    const d = w.primData
    const o = p * PRIM_STRIDE
    const kind = w.primKind[p]
    if (kind === PRIM_SPHERE) {
      const inv = 1 / d[o + 3]
      this.sx = (px - d[o]) * inv
      this.sy = (py - d[o + 1]) * inv
      this.sz = (pz - d[o + 2]) * inv
    } else if (kind === PRIM_BOX) {
      // The face is the axis on which the point is relatively farthest from the centre.
      const hx = (d[o + 3] - d[o]) / 2, hy = (d[o + 4] - d[o + 1]) / 2, hz = (d[o + 5] - d[o + 2]) / 2
      const qx = (px - (d[o] + hx)) / hx, qy = (py - (d[o + 1] + hy)) / hy, qz = (pz - (d[o + 2] + hz)) / hz
      const ax = qx < 0 ? -qx : qx, ay = qy < 0 ? -qy : qy, az = qz < 0 ? -qz : qz
      this.sx = 0
      this.sy = 0
      this.sz = 0
      if (ax >= ay && ax >= az) this.sx = qx < 0 ? -1 : 1
      else if (ay >= az) this.sy = qy < 0 ? -1 : 1
      else this.sz = qz < 0 ? -1 : 1
    } else {
      this.sx = d[o + 9]
      this.sy = d[o + 10]
      this.sz = d[o + 11]
    }
  }
}
