// A scene at one frame, flattened for the tracer: animation applied, names
// gone, primitives in typed arrays in BVH order, materials and lights as
// numbers. Built once per (scene, frame) and then only read.

import { type Bvh, buildBvh } from './bvh.ts'
import { evaluateTrack } from './scene-animation.ts'
import type { Background, Camera, Scene } from './scene.ts'
import { add, cross, type Vec3 } from './vector.ts'

export const PRIM_SPHERE = 0
export const PRIM_BOX = 1
export const PRIM_TRIANGLE = 2
/**
 * Numbers per primitive. Sphere: centre, radius. Box: min, max.
 * Triangle: v0, edge1, edge2, unit normal (from the winding).
 */
export const PRIM_STRIDE = 12

export const MAT_DIFFUSE = 0
export const MAT_METAL = 1
export const MAT_GLASS = 2
export const MAT_EMISSIVE = 3
/** Diffuse: albedo, checker flag, checker albedo, checker size. Metal: albedo, fuzz. Glass: ior. Emissive: radiance. */
export const MAT_STRIDE = 8

export const LIGHT_POINT = 0
export const LIGHT_AREA = 1
/** Point: position, intensity rgb. Area: corner, edgeU, edgeV, radiance rgb, area, unit normal. */
export const LIGHT_STRIDE = 16

export interface World {
  primCount: number
  primKind: Uint8Array
  primMaterial: Int32Array
  primData: Float64Array
  bvh: Bvh
  planeCount: number
  /** 6 per plane: point, unit normal. */
  planeData: Float64Array
  planeMaterial: Int32Array
  matKind: Uint8Array
  matData: Float64Array
  lightCount: number
  lightKind: Uint8Array
  lightData: Float64Array
  camera: Camera
  background: Background
  maxDepth: number
}

export function buildWorld(scene: Scene, frame: number): World {
  const positions: Vec3[] = scene.objects.map((o) => o.position)
  let camera = scene.camera
  for (const track of scene.animation) {
    const value = evaluateTrack(track, frame)
    if (track.target.kind === 'object') positions[track.target.object] = value
    else if (track.target.kind === 'camera.position') camera = { ...camera, position: value }
    else camera = { ...camera, lookAt: value }
  }
  return { ...buildPrimitives(scene, positions), ...buildMaterials(scene), ...buildLights(scene), camera, background: scene.background, maxDepth: scene.maxDepth }
}

function buildPrimitives(scene: Scene, positions: Vec3[]) {
  let primCount = 0
  let planeCount = 0
  for (const o of scene.objects) {
    if (o.kind === 'plane') planeCount++
    else primCount += o.kind === 'mesh' ? o.indices.length / 3 : 1
  }
  const kind = new Uint8Array(primCount)
  const material = new Int32Array(primCount)
  const data = new Float64Array(primCount * PRIM_STRIDE)
  const boxes = new Float64Array(primCount * 6)
  const planeData = new Float64Array(planeCount * 6)
  const planeMaterial = new Int32Array(planeCount)
  let n = 0
  let np = 0
  scene.objects.forEach((o, i) => {
    const [px, py, pz] = positions[i]
    if (o.kind === 'plane') {
      const [nx, ny, nz] = o.normal
      const len = Math.sqrt(nx * nx + ny * ny + nz * nz)
      planeData.set([px, py, pz, nx / len, ny / len, nz / len], np * 6)
      planeMaterial[np++] = o.material
    } else if (o.kind === 'sphere') {
      kind[n] = PRIM_SPHERE
      material[n] = o.material
      data.set([px, py, pz, o.radius], n * PRIM_STRIDE)
      boxes.set([px - o.radius, py - o.radius, pz - o.radius, px + o.radius, py + o.radius, pz + o.radius], n * 6)
      n++
    } else if (o.kind === 'box') {
      const [hx, hy, hz] = [o.size[0] / 2, o.size[1] / 2, o.size[2] / 2]
      const box = [px - hx, py - hy, pz - hz, px + hx, py + hy, pz + hz]
      kind[n] = PRIM_BOX
      material[n] = o.material
      data.set(box, n * PRIM_STRIDE)
      boxes.set(box, n * 6)
      n++
    } else {
      const v = o.vertices
      for (let t = 0; t < o.indices.length; t += 3) {
        const a = add([v[o.indices[t] * 3], v[o.indices[t] * 3 + 1], v[o.indices[t] * 3 + 2]], positions[i])
        const b = add([v[o.indices[t + 1] * 3], v[o.indices[t + 1] * 3 + 1], v[o.indices[t + 1] * 3 + 2]], positions[i])
        const c = add([v[o.indices[t + 2] * 3], v[o.indices[t + 2] * 3 + 1], v[o.indices[t + 2] * 3 + 2]], positions[i])
        const e1: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]]
        const e2: Vec3 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]]
        const nrm = cross(e1, e2)
        const len = Math.sqrt(nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2])
        // A zero-area triangle has no normal and no visible surface: leave it out.
        if (!(len > 0)) continue
        kind[n] = PRIM_TRIANGLE
        material[n] = o.material
        data.set([...a, ...e1, ...e2, nrm[0] / len, nrm[1] / len, nrm[2] / len], n * PRIM_STRIDE)
        boxes.set([Math.min(a[0], b[0], c[0]), Math.min(a[1], b[1], c[1]), Math.min(a[2], b[2], c[2]), Math.max(a[0], b[0], c[0]), Math.max(a[1], b[1], c[1]), Math.max(a[2], b[2], c[2])], n * 6)
        n++
      }
    }
  })
  const bvh = buildBvh(boxes, n)
  // Store primitives in leaf order so a leaf is a contiguous run.
  const primKind = new Uint8Array(n)
  const primMaterial = new Int32Array(n)
  const primData = new Float64Array(n * PRIM_STRIDE)
  for (let i = 0; i < n; i++) {
    const p = bvh.order[i]
    primKind[i] = kind[p]
    primMaterial[i] = material[p]
    primData.set(data.subarray(p * PRIM_STRIDE, (p + 1) * PRIM_STRIDE), i * PRIM_STRIDE)
  }
  return { primCount: n, primKind, primMaterial, primData, bvh, planeCount, planeData, planeMaterial }
}

function buildMaterials(scene: Scene) {
  const matKind = new Uint8Array(scene.materials.length)
  const matData = new Float64Array(scene.materials.length * MAT_STRIDE)
  scene.materials.forEach((m, i) => {
    const o = i * MAT_STRIDE
    switch (m.kind) {
      case 'diffuse':
        matKind[i] = MAT_DIFFUSE
        matData.set(m.albedo, o)
        if (m.checker) matData.set([1, ...m.checker.albedo, m.checker.size], o + 3)
        break
      case 'metal':
        matKind[i] = MAT_METAL
        matData.set([...m.albedo, m.fuzz], o)
        break
      case 'glass':
        matKind[i] = MAT_GLASS
        matData[o] = m.ior
        break
      case 'emissive':
        matKind[i] = MAT_EMISSIVE
        matData.set([m.color[0] * m.strength, m.color[1] * m.strength, m.color[2] * m.strength], o)
        break
    }
  })
  return { matKind, matData }
}

function buildLights(scene: Scene) {
  const lightKind = new Uint8Array(scene.lights.length)
  const lightData = new Float64Array(scene.lights.length * LIGHT_STRIDE)
  scene.lights.forEach((l, i) => {
    const o = i * LIGHT_STRIDE
    const radiance = [l.color[0] * l.intensity, l.color[1] * l.intensity, l.color[2] * l.intensity]
    if (l.kind === 'point') {
      lightKind[i] = LIGHT_POINT
      lightData.set([...l.position, ...radiance], o)
    } else {
      const n = cross(l.edgeU, l.edgeV)
      const area = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2])
      lightKind[i] = LIGHT_AREA
      lightData.set([...l.corner, ...l.edgeU, ...l.edgeV, ...radiance, area, n[0] / area, n[1] / area, n[2] / area], o)
    }
  })
  return { lightCount: scene.lights.length, lightKind, lightData }
}
